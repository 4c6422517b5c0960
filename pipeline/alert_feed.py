"""Alerts as they arrive, handed to every listener (the live page's streams): one Kafka consumer
for the server, however many editors watch."""

from __future__ import annotations

import asyncio
import contextlib
import math
import uuid
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable

import structlog
from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from pipeline.alert_filter import AlertFilter
from pipeline.events import Alert
from pipeline.kafka_options import aiokafka_options
from pipeline.settings import Settings

log = structlog.get_logger("pipeline.http")

_RECENT = 50
_LISTENER_QUEUE = 1_000


class AlertFeed:
    """Fans alerts out to listeners. Each id is handed out once (a crash may publish an alert twice);
    a listener that falls a thousand alerts behind is dropped rather than slowing the others."""

    def __init__(self, recent: int = _RECENT) -> None:
        self._listeners: set[asyncio.Queue[Alert | None]] = set()
        self._recent: deque[Alert] = deque(maxlen=recent)
        self._seen: OrderedDict[str, None] = OrderedDict()

    @property
    def listening(self) -> int:
        """How many listeners (live streams) the feed hands alerts to."""
        return len(self._listeners)

    def publish(self, alert: Alert) -> None:
        if alert.event_id in self._seen:
            return
        self._seen[alert.event_id] = None
        if len(self._seen) > 100_000:
            self._seen.popitem(last=False)
        self._recent.append(alert)
        for queue in list(self._listeners):
            if queue.qsize() >= _LISTENER_QUEUE:
                self._listeners.discard(queue)
                queue.put_nowait(None)  # the end marker has the one slot kept free for it
            else:
                queue.put_nowait(alert)

    async def listen(
        self, wanted: AlertFilter, lasting: Callable[[], float] = lambda: math.inf, recheck_s: float = 5.0
    ) -> AsyncIterator[Alert]:
        """The recent alerts, then each new one, that ``wanted`` wants, for as long as ``lasting`` gives
        time left (seconds): it is asked before each alert is handed out and at least every ``recheck_s``."""
        queue: asyncio.Queue[Alert | None] = asyncio.Queue(maxsize=_LISTENER_QUEUE + 1)
        for earlier in self._recent:
            queue.put_nowait(earlier)
        self._listeners.add(queue)
        try:
            while (left := lasting()) > 0:
                try:
                    async with asyncio.timeout(min(left, recheck_s)):
                        alert = await queue.get()  # cancelled by the timeout, it takes nothing off the queue
                except TimeoutError:
                    continue
                if alert is None or lasting() <= 0:
                    return
                if wanted.wants(alert):
                    yield alert
        finally:
            self._listeners.discard(queue)


async def feed_from_kafka(settings: Settings, feed: AlertFeed, ready: asyncio.Event) -> None:
    """Read the alerts topic from its end for as long as the server runs, into ``feed``."""
    consumer = AIOKafkaConsumer(
        settings.topic_alerts,
        **aiokafka_options(settings),
        group_id=None,
        client_id=f"news-http-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="latest",
        enable_auto_commit=False,
        fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
    )
    await consumer.start()
    try:
        await consumer.seek_to_end()
        # Fix the start positions now, so an alert sent after the server is ready is never skipped.
        for partition in consumer.assignment():
            await consumer.position(partition)
        ready.set()
        while True:
            for records in (await consumer.getmany(timeout_ms=1_000)).values():
                for record in records:
                    try:
                        feed.publish(Alert.model_validate_json(record.value))
                    except ValidationError:
                        log.warning("malformed_alert_skipped", offset=record.offset, partition=record.partition)
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
