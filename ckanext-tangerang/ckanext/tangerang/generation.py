"""The catalogue's generation: a counter in Redis that moves on whenever a dataset or an application record is
created, changed or deleted, in whichever process (web workers, harvest consumers, CLI).

Figures cached per process for anonymous visitors (home page counts, the /aplikasi summary line, ...) are keyed
by it, so a change shows at once on every worker instead of after the cache's minute. Without Redis the key is
constant and the cache's own time limit is all that bounds staleness.
"""

from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _key() -> str:
    return f"{tk.config.get('ckan.site_id') or 'default'}:tangerang:catalogue-generation"


def current() -> str:
    try:
        value = connect_to_redis().get(_key())
    except RedisError as error:
        log.warning("catalogue generation unavailable (%s); cached figures rely on their time limit", error)
        return "-"
    return value.decode() if isinstance(value, bytes) else str(value or 0)


def bump() -> None:
    try:
        connect_to_redis().incr(_key())
    except RedisError as error:
        log.warning("could not move the catalogue generation on (%s)", error)
