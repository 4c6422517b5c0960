"""Following the alerts topic, for editors at a terminal and for scripts."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections import OrderedDict

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from pipeline.broker.access import raise_if_refused
from pipeline.broker.options import aiokafka_options
from pipeline.config.settings import Settings
from pipeline.console.visible import visible
from pipeline.contracts.alert_filter import AlertFilter
from pipeline.contracts.events import Alert

__all__ = ["follow_alerts"]

_REMEMBERED_IDS = 100_000


class AlertsToShow:
    """Which alerts ``tail`` shows: those the filter wants, each id once. After a worker crash
    an alert may be published twice, always with the same id; the last ids shown are remembered."""

    def __init__(self, wanted: AlertFilter, remembered: int = _REMEMBERED_IDS) -> None:
        self._wanted = wanted
        self._remembered = remembered
        self._seen: OrderedDict[str, None] = OrderedDict()

    def admit(self, alert: Alert) -> bool:
        if not self._wanted.wants(alert) or alert.event_id in self._seen:
            return False
        self._seen[alert.event_id] = None
        if len(self._seen) > self._remembered:
            self._seen.popitem(last=False)
        return True


def pretty_line(alert: Alert) -> str:
    """One line for an editor: the alert's text is anyone's, so nothing in it may act on the terminal."""
    who = alert.speaker.name if alert.speaker else "(no speaker)"
    evidence = ", ".join(alert.evidence)
    where = f"{alert.article_id}#{alert.line_no}"
    return visible(f"[{alert.severity.upper()}] {alert.kind} · {who} · {where} · {alert.text} ({evidence})")


def json_line(alert: Alert) -> str:
    """The alert as one JSON line for scripts, which people read on a terminal too: the same JSON."""
    return visible(alert.model_dump_json())


async def follow_alerts(
    settings: Settings,
    wanted: AlertFilter,
    pretty: bool,
    from_beginning: bool,
    max_alerts: int | None,
    idle_timeout: float | None,
    first_wait: float | None = None,
) -> None:
    consumer = AIOKafkaConsumer(
        settings.topic_alerts,
        **aiokafka_options(settings),
        group_id=None,
        client_id=f"news-tail-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
        fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
        # The worker writes in transactions: show only what was committed, never an aborted attempt.
        isolation_level="read_committed",
    )
    try:
        await consumer.start()
    except KafkaError as error:
        await consumer.stop()
        await raise_if_refused(settings, error)
        raise
    shown = 0
    to_show = AlertsToShow(wanted)
    try:
        while max_alerts is None or shown < max_alerts:
            try:
                wait = first_wait if shown == 0 and first_wait is not None else idle_timeout
                message = await asyncio.wait_for(consumer.getone(), timeout=wait)
            except TimeoutError:
                return
            except KafkaError as error:
                await raise_if_refused(settings, error)
                raise
            try:
                alert = Alert.model_validate_json(message.value)
            except ValidationError as error:
                print(
                    f"skipping a malformed alert at offset {message.offset}: {error.error_count()} error(s)",
                    file=sys.stderr,
                )
                continue
            if not to_show.admit(alert):
                continue
            print(pretty_line(alert) if pretty else json_line(alert), flush=True)
            shown += 1
    finally:
        await consumer.stop()
