"""The site user's context: how the portal's own jobs (CLI commands, the demo, the harvest report) call actions."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Context


def site_context() -> Context:
    """A new context of the site user (a sysadmin), as an internal call (``ignore_auth``).

    New on every call: actions write into the context they are given, so one is not shared between calls.
    """
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}
