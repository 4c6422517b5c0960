"""Alerts as they arrive, handed to every listener (the live page's streams): one Kafka consumer
for the server, however many editors watch."""

from __future__ import annotations

import asyncio
import math
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

import structlog
from aiokafka import ConsumerRecord
from pydantic import ValidationError

from pipeline.config.settings import Settings
from pipeline.contracts.alert_filter import AlertFilter
from pipeline.contracts.events import Alert
from pipeline.web.topic_history import read_back_then_follow

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
    def recent(self) -> int:
        """How many alerts a new listener is handed before the new ones."""
        return len(self._recent)

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
            if queue.qsize() >= queue.maxsize - 1:
                self._listeners.discard(queue)
                queue.put_nowait(None)  # the end marker has the one slot kept free for it
            else:
                queue.put_nowait(alert)

    async def listen(
        self, wanted: AlertFilter, lasting: Callable[[], float] = lambda: math.inf, recheck_s: float = 5.0
    ) -> AsyncIterator[Alert]:
        """The recent alerts, then each new one, that ``wanted`` wants, for as long as ``lasting`` gives
        time left (seconds): it is asked before each alert is handed out and at least every ``recheck_s``."""
        # Room for the recent alerts besides the thousand new ones a listener may fall behind by.
        queue: asyncio.Queue[Alert | None] = asyncio.Queue(maxsize=len(self._recent) + _LISTENER_QUEUE + 1)
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


def newest(alerts: Iterable[Alert], count: int) -> list[Alert]:
    """The ``count`` newest of ``alerts`` by when they were raised, oldest first, each id once: the
    order a listener is handed them in. Partitions are read side by side, so offsets give no order
    across them; an alert published twice (after a crash) takes one place."""
    by_id = {alert.event_id: alert for alert in alerts}
    ordered = sorted(by_id.values(), key=lambda alert: (alert.raised_at, alert.event_id))
    return ordered[-count:] if count > 0 else []


async def feed_from_kafka(settings: Settings, feed: AlertFeed, ready: asyncio.Event) -> None:
    """The last ``http_alert_history`` alerts of the alerts topic into ``feed``, then each new one, for
    as long as the server runs; ``ready`` is set once the history is in."""

    def decoded(record: ConsumerRecord[Any, Any]) -> Alert | None:
        try:
            return Alert.model_validate_json(record.value)
        except ValidationError:
            log.warning("malformed_alert_skipped", offset=record.offset, partition=record.partition)
            return None

    def take_history(records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        alerts = (alert for alert in map(decoded, records) if alert is not None)
        for alert in newest(alerts, settings.http_alert_history):
            feed.publish(alert)

    def take(record: ConsumerRecord[Any, Any]) -> None:
        if (alert := decoded(record)) is not None:
            feed.publish(alert)

    depth = settings.http_alert_history
    await read_back_then_follow(settings, settings.topic_alerts, depth, take_history, take, ready.set)
