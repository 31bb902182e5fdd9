"""The portal's messages in its two languages, Indonesian first: ``"... / ..."``.

Validation errors, refusals and harvest reports carry both texts in one string, so the same message reaches the
web form, the API's answer and a steward's report whatever the reader's locale. Everything that writes such a
message (``logic/``, ``dcat.py``, the harvesters) builds it here; nothing here imports the rest of the portal.
"""

from __future__ import annotations


def msg(id_text: str, en_text: str) -> str:
    """One message in both languages: the Indonesian text, then the English one."""
    return f"{id_text} / {en_text}"
