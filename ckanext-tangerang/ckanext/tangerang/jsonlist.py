"""Reading "a list, or the JSON text of one": the shape a repeating or JSON field has in a dataset dict
(a list from ``package_show``, JSON text from a form, an API client or a search result read with ``fl``)."""

from __future__ import annotations

import json
from typing import Any


def read(value: Any) -> list[Any]:
    """``value`` as a list: a list as it is, JSON text decoded, ``None`` and ``""`` as an empty list.

    :raises ValueError: text that is not JSON.
    :raises TypeError: anything else that is not a list, JSON text of something else included.
    """
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list):
        raise TypeError(f"not a list: {type(value).__name__}")
    return value
