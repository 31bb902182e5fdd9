"""Template helpers: read-only and cheap. Registered by the blanket in plugin.py."""

from __future__ import annotations

import ckan.plugins.toolkit as tk


def tangerang_walidata() -> dict[str, str]:
    """The walidata's name and contact e-mail, for the footer and for pages of limited-access datasets."""
    return {
        "name": tk.config.get("ckanext.tangerang.portal.walidata_name"),
        "email": tk.config.get("ckanext.tangerang.portal.walidata_email"),
    }
