"""Harvest queue consumers that survive an idle Redis queue.

Stop-gap, remove when ckanext-harvest's ``RedisConsumer.consume`` no longer blocks in ``BLPOP`` without a
timeout (ckan/ckanext-harvest#581). CKAN 2.12 pins redis-py 8, whose connections read with a 5 s socket
timeout by default; ckanext-harvest 1.6.3 waits for the next message with a bare ``BLPOP`` and so its
``gather-consumer`` and ``fetch-consumer`` die with ``TimeoutError`` after five idle seconds. These consumers
wait in short ``BLPOP`` rounds instead and hand every message to ckanext-harvest's own callbacks, so the
stage logic, the persistence keys that ``harvester run`` uses to resubmit lost messages, and the
acknowledgements stay exactly upstream's.

The fetch consumer also commits Solr once per batch instead of once per dataset. Every dataset is still indexed
by CKAN's own ``package_create``/``package_update`` (the same Solr document); only the commit that makes it
searchable is shared: with ``ckan.search.solr_commit`` off in this process, the consumer sends one commit after
``ckanext.tangerang.harvest.solr_batch`` messages (default 100) or as soon as the queue is empty, whichever comes
first. Solr's own ``autoSoftCommit`` (1 s in solr/) makes documents visible earlier still. Several fetch
consumers may listen on the same queue (``TANGERANG_FETCH_CONSUMERS`` in the local stack, ``--scale
harvest-fetch=N`` in docker-compose): Redis hands each message to one of them.
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
SOLR_BATCH_OPTION = "ckanext.tangerang.harvest.solr_batch"


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


class SolrBatch:
    """Solr commits shared by the datasets of a batch: ``done()`` after each message commits when ``size``
    messages have been handled since the last commit or when the queue has nothing more waiting."""

    def __init__(self, redis: Any, routing_key: str, size: int) -> None:
        self.redis = redis
        self.routing_key = routing_key
        self.size = size
        self.pending = 0
        if size > 1:
            # Read by CKAN's PackageSearchIndex at every add and delete: the adds of this process go uncommitted.
            hq.config["ckan.search.solr_commit"] = False

    def done(self) -> None:
        if self.size <= 1:
            return
        self.pending += 1
        try:
            waiting = self.redis.llen(self.routing_key)
        except Exception:
            waiting = 0
        if self.pending >= self.size or not waiting:
            self.commit()

    def commit(self) -> None:
        if not self.pending:
            return
        from ckan.lib import search

        try:
            search.commit()
        except Exception:
            # The adds stay in Solr's update log; its autoCommit/autoSoftCommit make them visible.
            log.exception("Solr commit after a batch of %s harvest objects failed", self.pending)
        self.pending = 0


def _run(routing_key: str, callback: Callable[..., None], batch: int = 1) -> None:
    if hq.config.get("ckan.harvest.mq.type", hq.MQ_TYPE) != "redis":
        raise SystemExit("The Tangerang harvest consumers need ckan.harvest.mq.type = redis.")
    consumer = PatientRedisConsumer(hq.get_connection(), routing_key)
    solr = SolrBatch(consumer.redis, routing_key, batch)

    def stop(signum: int, _frame: Any) -> None:
        log.info("Signal %s: finishing the current message, then stopping", signum)
        consumer.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("Harvest consumer listening on %s", routing_key)
    try:
        for method, header, body in consumer.consume(queue=routing_key):
            try:
                callback(consumer, method, header, body)
            finally:
                solr.done()
    finally:
        solr.commit()


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
    from ckan.plugins import toolkit as tk

    _run(hq.get_fetch_routing_key(), fetch_once, int(tk.config.get(SOLR_BATCH_OPTION) or 1))
