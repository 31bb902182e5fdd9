"""The dashboard's harvest decisions tab (``/dasbor/keputusan``): the holds of the steward's harvest sources, a form
per hold, and the audit trail; a decision is sent by POST (with CKAN's CSRF token) to ``tangerang_harvest_decision``
and takes effect in the source's next harvest."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import request

from ckanext.tangerang.dashboard import render, tangerang_dasbor

TAB = "tangerang_dasbor.keputusan"
TRAIL_ROWS = 50


@tangerang_dasbor.route("/keputusan", methods=["GET", "POST"], endpoint="keputusan")
def keputusan() -> Any:
    """GET: what waits for a decision and what was decided. POST: decide one hold, then back to the page."""
    if request.method == "POST":
        return _decide()
    context: Any = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    try:
        holds = tk.get_action("tangerang_harvest_hold_list")(dict(context), {})
        trail = tk.get_action("tangerang_harvest_decision_list")(dict(context), {"limit": TRAIL_ROWS})
    except tk.NotAuthorized:
        holds, trail = {"count": 0, "holds": []}, {"count": 0, "decisions": []}  # render() answers 403
    return render(TAB, "tangerang/dasbor/keputusan.html", {"holds": holds, "trail": trail})


def _decide() -> Any:
    context: Any = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    data = {
        "id": request.form.get("id", ""),
        "choice": request.form.get("choice", ""),
        "note": request.form.get("note", "").strip(),
    }
    try:
        tk.get_action("tangerang_harvest_decision")(context, data)
    except tk.NotAuthorized as refused:
        return tk.abort(403, str(refused))
    except tk.ObjectNotFound as missing:
        return tk.abort(404, str(missing))
    except tk.ValidationError as error:
        tk.h.flash_error("; ".join(str(m) for messages in error.error_dict.values() for m in messages))
    else:
        tk.h.flash_success(tk._("Decision recorded. The next harvest of the source applies it."))
    return tk.redirect_to(TAB)
