"""The small files of the generated datasets (``/files/dataset-sampel-NNNNN.csv|json|xlsx`` and
``dataset-tambahan-NNN``), which hold sample personal data once ``/_control/changes`` says ``pribadi``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import reference
from .catalogue import GENERATED_RE
from .data import SAMPLE_NOTICE
from .reply import Reply, csv_listing, dumps, error_reply, listing_reply, xlsx_listing
from .request import NotFound, Req

if TYPE_CHECKING:
    from .server import UpstreamServer


def generated_file(srv: UpstreamServer, req: Req, name: str, ext: str) -> Reply:
    if not GENERATED_RE.fullmatch(name):
        raise NotFound(f"berkas {name!r} tidak ada")
    rng = srv.data.rng(f"file:{name}")
    rows = [
        {"kecamatan_kode": k.kode, "kecamatan_nama": k.nama, "tahun": 2026, "nilai": rng.randint(0, 5000)}
        for k in reference.kecamatan()
    ]
    cols = ["kecamatan_kode", "kecamatan_nama", "tahun", "nilai"]
    if name in srv.changes.snapshot().personal:
        # Switched on by POST /_control/changes {"pribadi": [name]}: the file now holds (sample) personal data,
        # the generated LAKSA reporters' NIK, phone, name and address, labelled as sample data in "catatan".
        people = srv.data.laksa_raw[: len(rows)]
        keys = ("nama_pelapor", "nik", "telepon", "alamat")
        rows = [{**row, **{k: p[k] for k in keys}} for row, p in zip(rows, people, strict=False)]
        cols = [*cols, *keys]
    if ext == "csv":
        return csv_listing(rows, cols, f"{name}.csv")
    if ext == "xlsx":
        return xlsx_listing(rows, cols, "data", f"{name}.xlsx")

    def render(shown: list[Any], mode: str | None) -> bytes:
        return dumps(
            {
                "_sample": SAMPLE_NOTICE,
                "dataset": name,
                "total": 0 if mode == "empty" else len(rows),
                "data": shown,
            }
        )

    return listing_reply(rows, render)


def file_without_head(srv: UpstreamServer, req: Req, name: str, ext: str) -> Reply:
    """The same files behind a server that refuses HEAD (405), as some do: a link checker must then GET."""
    if req.method == "HEAD":
        return error_reply(405, "HEAD tidak didukung; gunakan GET")
    return generated_file(srv, req, name, ext)
