"""Harvest queue consumers that survive an idle Redis queue.

Stop-gap, remove when ckanext-harvest's ``RedisConsumer.consume`` no longer blocks in ``BLPOP`` without a
timeout (ckan/ckanext-harvest#581). CKAN 2.12 pins redis-py 8, whose connections read with a 5 s socket
timeout by default; ckanext-harvest 1.6.3 waits for the next message with a bare ``BLPOP`` and so its
``gather-consumer`` and ``fetch-consumer`` die with ``TimeoutError`` after five idle seconds. These consumers
wait in short ``BLPOP`` rounds instead and hand every message to ckanext-harvest's own callbacks, so the
stage logic, the persistence keys that ``harvester run`` uses to resubmit lost messages, and the
acknowledgements stay exactly upstream's.
"""

from __future__ import annotations

import json
import logging
import signal
from collections.abc import Callable, Iterator
from typing import Any

from ckanext.harvest import queue as hq
from ckanext.harvest.model import HarvestObject

log = logging.getLogger(__name__)

POLL_SECONDS = 2


class PatientRedisConsumer(hq.RedisConsumer):
    """ckanext-harvest's Redis consumer, waiting in rounds shorter than the socket timeout."""

    def __init__(self, redis: Any, routing_key: str) -> None:
        super().__init__(redis, routing_key)
        self.stopping = False

    def consume(self, queue: str) -> Iterator[tuple[Any, Any, str]]:
        while not self.stopping:
            item = self.redis.blpop(self.routing_key, timeout=POLL_SECONDS)
            if item is None:
                continue
            _key, body = item
            try:
                self.redis.set(self.persistance_key(body), hq.datetime.datetime.now().isoformat(" "))
            except Exception:
                log.exception("Redis refused the persistence key of a harvest message; it is skipped")
                continue
            yield hq.FakeMethod(body), self, body


def _run(routing_key: str, callback: Callable[..., None]) -> None:
    if hq.config.get("ckan.harvest.mq.type", hq.MQ_TYPE) != "redis":
        raise SystemExit("The Tangerang harvest consumers need ckan.harvest.mq.type = redis.")
    consumer = PatientRedisConsumer(hq.get_connection(), routing_key)

    def stop(signum: int, _frame: Any) -> None:
        log.info("Signal %s: finishing the current message, then stopping", signum)
        consumer.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("Harvest consumer listening on %s", routing_key)
    for method, header, body in consumer.consume(queue=routing_key):
        callback(consumer, method, header, body)


def gather_consumer() -> None:
    _run(hq.get_gather_routing_key(), hq.gather_callback)


def fetch_once(channel: Any, method: Any, header: Any, body: str) -> Any:
    """ckanext-harvest's fetch callback, skipping a message whose object is already done.

    ``harvester run`` resubmits WAITING objects it does not find in Redis; when it runs while a gather is still
    publishing, an object is queued twice, and the second copy would re-import it or, once the job is finished,
    mark a completed object ERROR. An object that is COMPLETE or ERROR has had its turn: the copy is dropped.
    """
    try:
        object_id = json.loads(body)["harvest_object_id"]
    except (ValueError, KeyError, TypeError):
        return hq.fetch_callback(channel, method, header, body)
    obj = HarvestObject.get(object_id)
    if obj is not None and obj.state in ("COMPLETE", "ERROR"):
        log.info("Harvest object %s is already %s: duplicate message dropped", object_id, obj.state)
        channel.basic_ack(method.delivery_tag)
        return False
    return hq.fetch_callback(channel, method, header, body)


def fetch_consumer() -> None:
    _run(hq.get_fetch_routing_key(), fetch_once)
