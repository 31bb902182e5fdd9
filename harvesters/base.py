"""Shared plumbing of the Tangerang harvesters, on ckanext-harvest's ``HarvesterBase``.

A source type implements three small methods; everything else is here:

- ``gather_records(run)`` → :class:`Listing`: the upstream records (id + metadata) and whether the listing is
  complete. Network errors raise :class:`~.http.HarvestHttpError`.
- ``fetch_payload(run, content)`` (optional): network work per record (a table's rows), run in the fetch stage.
  Its result stays in the worker's memory until the import stage of the same message: raw upstream data is never
  written to ``harvest_object.content``, which ckanext-harvest's ``harvest_object_show`` serves to anyone.
- ``build_dataset(run, content, payload)`` → dataset dict (schema fields and ``resources``; a resource may carry
  ``_upload`` bytes to store in the FileStore).

What the base guarantees (the "Harvesting rules" of the brief):

- GUID ``<source id>:<upstream id>``; the dataset's id never changes for a GUID, also across withdrawal.
- Content hash (sha256 of the canonical JSON of the mapped dataset, uploads by their own sha256) kept in the
  harvest object's extras: an unchanged record returns ``"unchanged"`` and writes nothing to the dataset.
- Owner OPD from the source's organization; unique names; provenance fields on every dataset.
- Deletion marking: GUIDs that disappear are withdrawn (``package_delete``, a soft delete) unless the listing is
  incomplete, empty, has duplicate ids, or shrinks by more than max(5, 10 %) of the source's datasets; then a
  gather error says deletions are held, and the hold (the exact GUIDs) waits for a steward's decision on the
  dashboard, applied by the next harvest (logic/harvest_decisions.py). ``"konfirmasi_penghapusan": N`` in the
  source's config still lets a shrink of up to N through.
- A record held for personal data is recorded as a hold too; a steward's decision on it (publish without the
  columns, aggregated, tertutup, or not at all) is how the next harvest treats the record.
- Stewards' edits to protected fields survive: a field whose current value differs from what the last harvest
  wrote is the steward's, and is kept.
- Stages never raise: every failure is a readable object or gather error, the job finishes and the consumer
  lives. Jobs that hang are closed by ckanext-harvest's ``ckan.harvest.timeout`` sweep in ``harvest_jobs_run``
  (see docs); a second job on a busy source is refused by ``harvest_job_create``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
import math
import os
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sqlalchemy as sa
from ckan import model
from ckan import plugins as p
from ckan.lib.munge import munge_title_to_name
from ckan.plugins import toolkit as tk
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.tangerang.bilingual import msg
from ckanext.tangerang.logic import harvest_decisions as decisions

from . import linked, pii, unchanged
from .config import COMMON_CONFIG, Check, ConfigError, parse_config
from .http import HarvestHttpError, Limits, SafeClient, UrlNotAllowed, check_url
from .mapping import PROTECTED_FIELDS

log = logging.getLogger(__name__)

ALLOWED_HOSTS_OPTION = "ckanext.tangerang.harvest.allowed_hosts"


def allowed_hosts() -> tuple[str, ...]:
    return tuple(tk.aslist(tk.config.get(ALLOWED_HOSTS_OPTION) or ""))


# --- records and runs ------------------------------------------------------------------------------------


@dataclass
class UpstreamRecord:
    """One record of a listing: its upstream id and the metadata kept in ``harvest_object.content``."""

    id: str
    content: dict[str, Any]


@dataclass
class Listing:
    records: list[UpstreamRecord]
    complete: bool = True
    problems: list[str] = field(default_factory=list)


@dataclass
class Run:
    """What a stage needs about its source: validated config, owner, names, and a bounded HTTP client."""

    source_id: str
    source_name: str
    source_title: str
    url: str
    owner_org: str | None
    config: dict[str, Any]
    client: SafeClient

    @property
    def limits(self) -> Limits:
        return self.client.limits


# --- hashing and comparison ------------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ({"sha256": hashlib.sha256(v).hexdigest()} if k == "_upload" else _canonical(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def content_hash(dataset: dict[str, Any]) -> str:
    """sha256 of the canonical JSON of a mapped dataset; uploaded files count by their own sha256."""
    text = json.dumps(_canonical(dataset), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def comparable(field_name: str, value: Any) -> Any:
    """A field's value in a form that compares equal across package_show and what we sent."""
    if value in (None, "", [], {}):
        return None
    if field_name == "tags":
        return sorted((t.get("name") if isinstance(t, dict) else str(t)) for t in value)
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    return str(value)


def merge_protected(
    mapped: dict[str, Any], current: dict[str, Any], written: dict[str, Any], fields: tuple[str, ...]
) -> list[str]:
    """Keep stewards' edits: for each protected field whose current value differs from what the harvester last
    wrote, put the current value into ``mapped``. Returns the fields kept. Pure."""
    kept = []
    for name in fields:
        if name not in written:
            continue
        now = comparable(name, current.get(name))
        if now != comparable(name, written[name]):
            kept.append(name)
            if current.get(name) in (None, "", []):
                mapped.pop(name, None)
            elif name == "tags":
                mapped["tags"] = [{"name": t["name"]} for t in current["tags"]]
            else:
                mapped[name] = current[name]
    return kept


def deletion_hold_reason(missing: int, active: int, listing: Listing, confirmed: int = 0) -> str | None:
    """Why deletions must wait for a steward, or ``None`` when ``missing`` datasets may be withdrawn."""
    if not listing.complete:
        detail = "; ".join(listing.problems) or "-"
        return msg(
            f"Daftar dari sumber tidak lengkap ({detail}); {missing} penghapusan ditahan",
            f"The source's listing is incomplete ({detail}); {missing} deletions held",
        )
    threshold = max(5, math.ceil(0.10 * active))
    if missing > threshold and missing > confirmed:
        return msg(
            f"{missing} dari {active} dataset hilang dari daftar sumber, melebihi ambang {threshold} "
            "(maks. 5 atau 10 %); penghapusan ditahan sampai walidata memutuskan di dasbor (/dasbor/keputusan)",
            f"{missing} of {active} datasets disappeared from the source's listing, beyond the threshold of "
            f"{threshold} (max of 5 or 10 %); deletions held until a steward decides on the dashboard "
            "(/dasbor/keputusan)",
        )
    return None


def _record_title(content: dict[str, Any]) -> str | None:
    """The title a table's spec gives its dataset (``table.dataset.title`` or ``dataset.title``), else the
    record's own ``title``: how a steward recognises a record held in the fetch stage."""
    table = content.get("table")
    spec = table if isinstance(table, dict) else content
    dataset = spec.get("dataset")
    title = dataset.get("title") if isinstance(dataset, dict) else None
    return title or spec.get("title") or content.get("title")


def validation_message(error: tk.ValidationError) -> str:
    """A ValidationError as one readable line: ``field: message; ...``."""
    parts = []
    for key, value in (error.error_dict or {}).items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for index, sub in enumerate(value):
                for sub_key, sub_msgs in (sub or {}).items():
                    parts.append(f"{key}[{index}].{sub_key}: {' '.join(map(str, sub_msgs))}")
        elif isinstance(value, list):
            parts.append(f"{key}: {' '.join(map(str, value))}")
        else:
            parts.append(f"{key}: {value}")
    return "; ".join(parts) or str(error)


# --- the base harvester ----------------------------------------------------------------------------------


class TangerangHarvesterBase(HarvesterBase):
    """Base of ``tangerang_*_harvester`` plugins. Subclasses set ``NAME``/``TITLE``/``DESCRIPTION`` and
    ``CONFIG`` (extra keys of their config) and implement ``gather_records`` and ``build_dataset``."""

    NAME: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    DESCRIPTION: ClassVar[str] = ""
    CONFIG: ClassVar[dict[str, Check]] = {}
    REQUIRED: ClassVar[tuple[str, ...]] = ()

    p.implements(p.IActions, inherit=True)

    _payloads: dict[str, Any]

    # -- IActions: the source URL is checked when a source of this type is saved ----------------------------

    def get_actions(self) -> dict[str, Any]:
        """ckanext-harvest hands ``validate_config`` the config only, so the URL check wraps the actions."""
        source_type = self.NAME

        def check(data_dict: dict[str, Any]) -> None:
            kind = data_dict.get("source_type")
            if not kind and data_dict.get("id"):
                from ckanext.harvest.model import HarvestSource

                existing = HarvestSource.get(data_dict["id"])
                kind = existing.type if existing else None
            if kind != source_type or not data_dict.get("url"):
                return
            try:
                check_url(str(data_dict["url"]).strip(), allowed_hosts())
            except UrlNotAllowed as error:
                raise tk.ValidationError({"url": [str(error)]}) from None

        @tk.chained_action
        def harvest_source_create(up_func: Any, context: Any, data_dict: Any) -> Any:
            check(data_dict)
            return up_func(context, data_dict)

        @tk.chained_action
        def harvest_source_update(up_func: Any, context: Any, data_dict: Any) -> Any:
            check(data_dict)
            return up_func(context, data_dict)

        # CKAN exempts extensions' actions from the auth audit but does not carry that over to chained wrappers;
        # ckanext-harvest's actions check access through package_create/package_update.
        for wrapper in (harvest_source_create, harvest_source_update):
            wrapper.auth_audit_exempt = True  # type: ignore[attr-defined]
        return {
            "harvest_source_create": harvest_source_create,
            "harvest_source_update": harvest_source_update,
        }

    # -- IHarvester ---------------------------------------------------------------------------------------

    def info(self) -> dict[str, str]:
        return {"name": self.NAME, "title": self.TITLE, "description": self.DESCRIPTION}

    def validate_config(self, config: str | None) -> str | None:
        """Check the config when the source is saved; ckanext-harvest shows the message on the form."""
        parsed = parse_config(config, {**COMMON_CONFIG, **self.CONFIG}, self.REQUIRED)
        problems = self.check_config(parsed)
        for url in self.config_urls(parsed):
            try:
                check_url(url, allowed_hosts())
            except UrlNotAllowed as error:
                problems.append(f"{url}: {error}")
        if problems:
            raise ConfigError("; ".join(problems))
        return config

    def check_config(self, config: dict[str, Any]) -> list[str]:
        """Cross-field checks of a parsed config; return messages."""
        return []

    def config_urls(self, config: dict[str, Any]) -> list[str]:
        """Absolute URLs named in the config, checked against the allow-list when it is saved."""
        return []

    def gather_stage(self, harvest_job: Any) -> list[str]:
        try:
            return self._gather(harvest_job)
        except Exception as error:  # the gather consumer must survive anything
            log.exception("Gather of job %s failed", harvest_job.id)
            model.Session.rollback()
            self._save_gather_error(
                msg(
                    f"Pengumpulan gagal karena kesalahan internal ({type(error).__name__}: {error}); tidak ada yang dihapus",
                    f"Gathering failed with an internal error ({type(error).__name__}: {error}); nothing was deleted",
                ),
                harvest_job,
            )
            return []

    def fetch_stage(self, harvest_object: Any) -> bool | str:
        self._payloads = {}
        if self._extra(harvest_object, "status") == "delete":
            return True
        try:
            run = self._job_run(harvest_object)
            content = json.loads(harvest_object.content or "{}")
            payload, choice = self._fetch_as_decided(run, harvest_object, content)
            if choice == "tolak":
                return "unchanged"  # a steward decided not to publish it: nothing is written, no error
            self._payloads[harvest_object.id] = (payload, choice)
            return True
        except (HarvestHttpError, ConfigError, pii.PersonalDataHeld, ValueError) as error:
            self._save_object_error(str(error), harvest_object, "Fetch")
        except Exception as error:
            self._save_internal_error(harvest_object, "Fetch", error)
        return False

    def import_stage(self, harvest_object: Any) -> bool | str:
        try:
            if self._extra(harvest_object, "status") == "delete":
                return self._withdraw(harvest_object)
            result = self._import(harvest_object)
            # Published (or unchanged): an undecided personal-data hold of the record no longer holds.
            decisions.close_open_hold(
                harvest_object.harvest_source_id, decisions.DATA_PRIBADI, harvest_object.guid
            )
            return result
        except (HarvestHttpError, ConfigError, pii.PersonalDataHeld, ValueError) as error:
            model.Session.rollback()
            self._save_object_error(str(error), harvest_object, "Import")
        except tk.ValidationError as error:
            model.Session.rollback()
            self._save_object_error(
                msg("Dataset tidak sah", "Invalid dataset") + f": {validation_message(error)}",
                harvest_object,
                "Import",
            )
        except Exception as error:
            self._save_internal_error(harvest_object, "Import", error)
        return False

    def _save_internal_error(self, harvest_object: Any, stage: str, error: Exception) -> None:
        """An unexpected failure of one object: logged with its traceback, recorded on the object, the job goes on.
        The session is rolled back first: after a failed flush even reading the object's id would raise."""
        model.Session.rollback()
        log.exception("%s of object %s failed", stage, harvest_object.id)
        self._save_object_error(
            msg(
                f"Kesalahan internal: {type(error).__name__}: {error}",
                f"Internal error: {type(error).__name__}: {error}",
            ),
            harvest_object,
            stage,
        )

    # -- what source types implement ----------------------------------------------------------------------

    def gather_records(self, run: Run) -> Listing:
        raise NotImplementedError

    def fetch_payload(self, run: Run, content: dict[str, Any]) -> Any:
        return None

    def self_contained(self, run: Run, content: dict[str, Any]) -> bool:
        """Whether the record's dataset is built from ``content`` alone (no fetch payload): such records are
        recognised as unchanged in the gather stage (unchanged.py). By default: the type has no payload."""
        return type(self).fetch_payload is TangerangHarvesterBase.fetch_payload

    def build_dataset(self, run: Run, content: dict[str, Any], payload: Any) -> dict[str, Any]:
        raise NotImplementedError

    # -- plumbing ---------------------------------------------------------------------------------------------

    def _run(self, source: Any) -> Run:
        config = parse_config(source.config, {**COMMON_CONFIG, **self.CONFIG}, self.REQUIRED)
        package = model.Package.get(source.id)
        headers = {str(k): str(v) for k, v in (config.get("headers") or {}).items()}
        auth = config.get("auth")
        if auth:
            token = os.environ.get(auth["token_env"])
            if not token:
                raise ConfigError(
                    msg(
                        f"Variabel lingkungan {auth['token_env']} (token sumber) tidak diset pada worker panen",
                        f"The environment variable {auth['token_env']} (the source's token) is not set on the harvest worker",
                    )
                )
            headers[auth.get("header", "Authorization")] = auth.get("prefix", "") + token
        client = SafeClient(
            limits=Limits().with_overrides(config.get("limits")),
            allowed_hosts=allowed_hosts(),
            headers=headers,
        )
        return Run(
            source_id=source.id,
            source_name=package.name if package else source.id,
            source_title=source.title or (package.title if package else ""),
            url=source.url,
            owner_org=package.owner_org if package else None,
            config=config,
            client=client,
        )

    def _job_run(self, harvest_object: Any) -> Run:
        """The object's job's :class:`Run`, built once per job and source config: the config is parsed once and the
        HTTP client (and its kept-alive connections) serves every object of the job in this consumer."""
        source = harvest_object.source
        key = (harvest_object.harvest_job_id, source.id, source.url, source.config)
        cached = getattr(self, "_cached_run", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        run = self._run(source)
        if cached is not None:
            cached[1].client.close()
        self._cached_run = (key, run)
        return run

    @staticmethod
    def _identity(run: Run) -> dict[str, Any]:
        """What of the source, besides its config, goes into a record's dataset (see unchanged.record_hash)."""
        return {
            "url": run.url,
            "owner_org": run.owner_org,
            "name": run.source_name,
            "title": run.source_title,
        }

    @staticmethod
    def _extra(harvest_object: Any, key: str) -> str | None:
        for extra in harvest_object.extras:
            if extra.key == key:
                return extra.value
        return None

    @staticmethod
    def _set_extra(harvest_object: Any, key: str, value: str | None) -> None:
        """Set (or, with ``None``, remove) an extra of an object; saved with the object by the stage's caller."""
        for extra in list(harvest_object.extras):
            if extra.key == key:
                if value is None:
                    harvest_object.extras.remove(extra)
                    model.Session.delete(extra)
                else:
                    extra.value = value
                return
        if value is not None:
            harvest_object.extras.append(HarvestObjectExtra(key=key, value=value))

    def _context(self) -> dict[str, Any]:
        return {"model": model, "session": model.Session, "user": self._get_user_name(), "ignore_auth": True}

    def _gather(self, job: Any) -> list[str]:
        source = job.source
        try:
            run = self._run(source)
        except ConfigError as error:
            self._save_gather_error(
                msg("Konfigurasi sumber tidak sah", "Invalid source config") + f": {error}", job
            )
            return []
        if not run.owner_org:
            self._save_gather_error(
                msg(
                    "Sumber panen tanpa OPD pemilik; tetapkan organisasinya",
                    "The harvest source has no owning OPD; set its organization",
                ),
                job,
            )
            return []
        try:
            listing = self.gather_records(run)
        except (HarvestHttpError, ValueError) as error:
            self._save_gather_error(
                msg(
                    "Daftar sumber tidak dapat diambil; tidak ada yang dihapus",
                    "The source's listing could not be read; nothing was deleted",
                )
                + f": {error}",
                job,
            )
            return []
        finally:
            run.client.close()

        records: dict[str, UpstreamRecord] = {}
        duplicates: list[str] = []
        for record in listing.records:
            if record.id in records:
                duplicates.append(record.id)
            else:
                records[record.id] = record
        if duplicates:
            listing.complete = False
            shown = ", ".join(sorted(set(duplicates))[:10])
            problem = msg(f"ID ganda dalam daftar: {shown}", f"duplicate ids in the listing: {shown}")
            listing.problems.append(problem)
            self._save_gather_error(problem, job)
        if not records:
            self._save_gather_error(
                msg(
                    "Sumber menjawab dengan daftar kosong; dianggap mencurigakan, tidak ada yang dihapus",
                    "The source answered with an empty listing; treated as suspicious, nothing was deleted",
                ),
                job,
            )
            return []

        prefix = f"{source.id}:"
        pruned = unchanged.prune(source.id)
        hashes, skipped = self._unchanged_records(run, records, prefix)
        objects = [
            HarvestObject(
                guid=prefix + record_id,
                job=job,
                source=source,
                content=json.dumps(record.content, ensure_ascii=False, sort_keys=True),
                extras=[HarvestObjectExtra(key="id_hulu", value=record_id)]
                + (
                    [HarvestObjectExtra(key="record_hash", value=hashes[record_id])]
                    if record_id in hashes
                    else []
                ),
            )
            for record_id, record in records.items()
            if record_id not in skipped
        ]
        model.Session.add_all(objects)
        unchanged.remember_skipped(job.id, len(skipped))
        log.info(
            "Gather of job %s: %s records, %s unchanged (no object), %s to import, %s old objects pruned",
            job.id,
            len(records),
            len(skipped),
            len(objects),
            pruned,
        )

        active = self._active_objects(source.id)
        missing = sorted(set(active) - {prefix + record_id for record_id in records})
        # Stewards' decisions on held deletions: released ones go, rejected ones stay and are not held again.
        released, kept = decisions.deletion_decisions(
            source.id, {g: row.object_id for g, row in active.items()}
        )
        withdraw = [guid for guid in missing if guid in released]
        undecided = [guid for guid in missing if guid not in released and guid not in kept]
        reason = (
            deletion_hold_reason(
                len(undecided), len(active), listing, int(run.config.get("konfirmasi_penghapusan", 0))
            )
            if undecided
            else None
        )
        if reason:
            self._save_gather_error(reason, job)
            items = [
                {
                    "guid": guid,
                    "upstream_id": guid.removeprefix(prefix),
                    "object_id": active[guid].object_id,
                    "package_id": active[guid].package_id,
                    "name": active[guid].name,
                    "title": active[guid].title,
                }
                for guid in undecided
            ]
            decisions.hold_deletions(source.id, job.id, items, reason)
        else:
            withdraw += undecided
            decisions.close_open_hold(source.id, decisions.PENGHAPUSAN)
            if not listing.complete:
                self._save_gather_error(
                    msg("Daftar sumber tidak lengkap", "The source's listing is incomplete")
                    + ": "
                    + "; ".join(listing.problems),
                    job,
                )
        for guid in withdraw:
            objects.append(
                HarvestObject(
                    guid=guid,
                    job=job,
                    source=source,
                    package_id=active[guid].package_id,
                    extras=[HarvestObjectExtra(key="status", value="delete")],
                )
            )
            model.Session.add(objects[-1])
        model.Session.commit()
        return [obj.id for obj in objects]

    def _unchanged_records(
        self, run: Run, records: dict[str, UpstreamRecord], prefix: str
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Record hashes of the self-contained records, and the records to skip (upstream id → dataset id): same
        hash as the current object of an active dataset, and no linked file due for screening that fails it."""
        known = unchanged.current_hashes(run.source_id)
        identity = self._identity(run)
        hashes: dict[str, str] = {}
        skipped: dict[str, str] = {}
        for record_id, record in records.items():
            if not self.self_contained(run, record.content):
                continue
            digest = unchanged.record_hash(record.content, identity, run.config)
            hashes[record_id] = digest
            current = known.get(prefix + record_id)
            if current is not None and current[1] == digest:
                skipped[record_id] = current[0]
        if skipped:
            due, kept = unchanged.due_for_screening(
                unchanged.public_links(set(skipped.values())), unchanged.rescreen_hours()
            )
            again = unchanged.rescreen(run.client, due, kept) if due else set()
            skipped = {record_id: pid for record_id, pid in skipped.items() if pid not in again}
        return hashes, skipped

    @staticmethod
    def _active_objects(source_id: str) -> dict[str, Any]:
        """GUID → (``object_id``, ``package_id``, ``name``, ``title``) of the source's current objects whose
        dataset is active (not withdrawn)."""
        rows = (
            model.Session.query(
                HarvestObject.guid,
                HarvestObject.id.label("object_id"),
                HarvestObject.package_id,
                model.Package.name,
                model.Package.title,
            )
            .join(model.Package, model.Package.id == HarvestObject.package_id)
            .filter(HarvestObject.current.is_(True))
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(model.Package.state == "active")
        )
        return {row.guid: row for row in rows}

    @staticmethod
    def _previous(harvest_object: Any) -> Any:
        return (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.guid == harvest_object.guid)
            .filter(HarvestObject.harvest_source_id == harvest_object.harvest_source_id)
            .filter(HarvestObject.current.is_(True))
            .filter(HarvestObject.id != harvest_object.id)
            .order_by(HarvestObject.import_finished.desc().nulls_last())
            .first()
        )

    def _withdraw(self, harvest_object: Any) -> bool:
        package = model.Package.get(harvest_object.package_id) if harvest_object.package_id else None
        if package is not None and package.state == "active":
            tk.get_action("package_delete")(self._context(), {"id": package.id})
            log.info("Withdrew dataset %s (guid %s)", package.name, harvest_object.guid)
        harvest_object.current = False
        harvest_object.save()
        return True

    def _import(self, harvest_object: Any) -> bool | str:
        run = self._job_run(harvest_object)
        content = json.loads(harvest_object.content or "{}")
        payload, choice = getattr(self, "_payloads", {}).pop(harvest_object.id, (None, None))
        if payload is None:
            payload, choice = self._fetch_as_decided(run, harvest_object, content)
            if choice == "tolak":
                return "unchanged"
        dataset = self.build_dataset(run, content, payload)
        if choice == "tertutup":
            dataset["klasifikasi"] = "tertutup"
        upstream_id = self._extra(harvest_object, "id_hulu") or harvest_object.guid.split(":", 1)[-1]
        dataset["harvest_sumber"] = run.source_name
        dataset["harvest_id_hulu"] = upstream_id
        if run.config.get("aplikasi_sumber"):
            dataset["aplikasi_sumber"] = run.config["aplikasi_sumber"]
        # A mapping may name the owning OPD (the app registry does); otherwise the source's OPD owns it.
        dataset.setdefault("owner_org", run.owner_org)

        previous = self._previous(harvest_object)
        package = (
            model.Package.get(previous.package_id) if previous is not None and previous.package_id else None
        )
        protected = tuple(run.config.get("protected_fields") or PROTECTED_FIELDS)
        # Before the unchanged check: a linked file can change while the record does not.
        if self._screen_links(run, harvest_object, dataset, package, previous, protected) == "tolak":
            return "unchanged"  # a steward decided not to publish it: nothing is written, no error
        digest = content_hash(dataset)
        if (
            package is not None
            and package.state == "active"
            and self._extra(previous, "content_hash") == digest
        ):
            harvest_object.package_id = package.id
            self._set_extra(previous, "record_hash", self._extra(harvest_object, "record_hash"))
            return "unchanged"

        written = {name: dataset.get(name) for name in protected}
        dataset["harvest_waktu"] = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        context = {**self._context(), linked.SCREENED: True}
        uploads = [r for r in dataset.get("resources", []) if "_upload" in r]

        if package is not None:
            current = tk.get_action("package_show")(dict(context), {"id": package.id})
            last_written = json.loads(self._extra(previous, "ditulis") or "{}")
            kept = merge_protected(dataset, current, last_written, protected)
            if kept:
                log.info("Kept stewards' edits of %s on %s", kept, package.name)
            dataset["id"] = package.id
            dataset["name"] = package.name
            dataset["state"] = "active"
            self._reuse_resource_ids(dataset, current)
            self._attach_uploads(dataset)
            tk.get_action("package_update")(dict(context), dataset)
        else:
            self._create(harvest_object, dataset, context, uploads, upstream_id)

        model.Session.query(HarvestObject).filter(HarvestObject.guid == harvest_object.guid).filter(
            HarvestObject.id != harvest_object.id
        ).update({"current": False}, synchronize_session=False)
        harvest_object.package_id = dataset["id"]
        harvest_object.current = True
        harvest_object.extras.append(HarvestObjectExtra(key="content_hash", value=digest))
        harvest_object.extras.append(
            HarvestObjectExtra(key="ditulis", value=json.dumps(written, ensure_ascii=False, default=str))
        )
        harvest_object.save()
        return True

    def _create(
        self,
        harvest_object: Any,
        dataset: dict[str, Any],
        context: dict[str, Any],
        uploads: list[dict[str, Any]],
        upstream_id: str,
    ) -> None:
        """``package_create`` a new dataset under a free name.

        Several fetch consumers may create datasets at once, and two of them could pick the same free name: the
        choice and the creation hold a transaction-scoped advisory lock on the name before its suffix, so the second waits
        for the first's commit and then sees its name taken."""
        dataset["id"] = str(uuid.uuid4())
        # The lock is on the name before any suffix (where every consumer starts for this name or title), and it
        # is taken before the database is asked which names are free.
        title = dataset.get("title") or upstream_id
        base = dataset.get("name") or munge_title_to_name(title)
        model.Session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "tangerang:" + base}
        )
        dataset["name"] = (
            self._ensure_name_is_unique(base) if dataset.get("name") else self._gen_new_name(title)
        )
        harvest_object.package_id = dataset["id"]
        harvest_object.add()
        # As HarvesterBase does: the object points at the dataset before it exists, so the dataset is
        # indexed with its harvest object.
        model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
        model.Session.flush()
        if uploads:
            files = dataset.pop("resources")
            dataset["resources"] = [r for r in files if "_upload" not in r]
            tk.get_action("package_create")(dict(context), dataset)  # commits: the lock is released
            dataset["resources"] = files
            self._attach_uploads(dataset)
            tk.get_action("package_update")(dict(context), dataset)
        else:
            tk.get_action("package_create")(dict(context), dataset)  # commits: the lock is released

    def _screen_links(
        self,
        run: Run,
        harvest_object: Any,
        dataset: dict[str, Any],
        package: Any,
        previous: Any,
        protected: tuple[str, ...],
    ) -> str | None:
        """Hold the record (raise :class:`~.linked.RecordHeld`) when, as the portal would show it, it declares
        individual records or links to personal data; a published dataset so held becomes a draft. Under the
        source's drop/aggregate mode the offending links are left out instead (see linked.py). A steward's
        decision on the hold applies instead of holding it again; returns that choice (``None``: no hold)."""
        view = dict(dataset)
        if package is not None:
            # A steward's klasifikasi or tingkat_penyajian survives the harvest (merge_protected), so it decides.
            last_written = json.loads(self._extra(previous, "ditulis") or "{}")
            for name in ("klasifikasi", "tingkat_penyajian"):
                now = package.extras.get(name)
                if (
                    name in protected
                    and name in last_written
                    and comparable(name, now) != comparable(name, last_written[name])
                ):
                    view[name] = now
        choice = None
        try:
            linked.check_dataset(run.client, view, run.config.get("data_pribadi", "tahan"))
        except linked.RecordHeld as held:
            choice = self._decision(run, harvest_object, held, dataset.get("title"))
            if choice in (None, "tolak"):
                if package is not None and package.state == "active":
                    tk.get_action("package_patch")(
                        {**self._context(), linked.SCREENED: True}, {"id": package.id, "state": "draft"}
                    )
                    log.warning("Dataset %s held for personal data: now a draft", package.name)
                if choice is None:
                    raise
                return choice
            if choice == "tertutup":  # private: no visitor follows its links
                view["klasifikasi"] = dataset["klasifikasi"] = "tertutup"
                view["catatan_data_pribadi"] = pii.closed_note(pii.flagged_columns(held.findings))
            else:
                linked.check_dataset(run.client, view, choice)
        dataset["resources"] = view.get("resources", [])
        if view.get("catatan_data_pribadi"):
            dataset["catatan_data_pribadi"] = view["catatan_data_pribadi"]
        return choice

    def _fetch_as_decided(
        self, run: Run, harvest_object: Any, content: dict[str, Any]
    ) -> tuple[Any, str | None]:
        """(payload, the steward's choice or ``None``): a table held for personal data is read again as a steward
        decided (``tolak``: not at all); an undecided hold is recorded and raised."""
        try:
            return self.fetch_payload(run, content), None
        except pii.PersonalDataHeld as held:
            choice = self._decision(run, harvest_object, held, _record_title(content))
            if choice is None:
                raise
            if choice == "tolak":
                return None, choice
            decided = dataclasses.replace(run, config={**run.config, "data_pribadi": choice})
            return self.fetch_payload(decided, content), choice

    @staticmethod
    def _decision(run: Run, harvest_object: Any, held: pii.PersonalDataHeld, title: Any) -> str | None:
        """The steward's choice on the record's personal-data hold, or ``None`` once the hold is recorded."""
        rows: dict[tuple[str, str], int] = {}
        for finding in held.findings:
            key = (finding.column, finding.rule)
            rows[key] = max(rows.get(key, 0), finding.rows)
        upstream_id = harvest_object.guid.split(":", 1)[-1]
        detail = {
            "reason": str(held),
            "findings": [{"column": c, "rule": r, "rows": n} for (c, r), n in rows.items()],
            "causes": list(held.causes),
            "upstream_id": upstream_id,
            "title": str(title or upstream_id),
        }
        return decisions.personal_data_choice(
            run.source_id, harvest_object.harvest_job_id, harvest_object.guid, detail
        )

    @staticmethod
    def _reuse_resource_ids(dataset: dict[str, Any], current: dict[str, Any]) -> None:
        """Keep resource ids (and so their URLs) stable: match by name, then by position."""
        existing = current.get("resources") or []
        by_name = {r.get("name"): r["id"] for r in existing if r.get("name")}
        for index, resource in enumerate(dataset.get("resources", [])):
            rid = by_name.get(resource.get("name"))
            if rid is None and index < len(existing):
                rid = existing[index]["id"]
            if rid and rid not in {r.get("id") for r in dataset["resources"]}:
                resource["id"] = rid

    @staticmethod
    def _attach_uploads(dataset: dict[str, Any]) -> None:
        from werkzeug.datastructures import FileStorage

        for resource in dataset.get("resources", []):
            upload = resource.pop("_upload", None)
            if upload is None:
                continue
            filename = resource.pop("_filename", "data.csv")
            resource["upload"] = FileStorage(
                stream=io.BytesIO(upload),
                filename=filename,
                content_type=resource.get("mimetype") or "text/csv",
            )
            resource["url"] = filename
