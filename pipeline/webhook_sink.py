"""Posting each alert to the webhook subscribers that want it, at least once, and recording every
delivery that fails for good on the dead-letter topic (reason ``webhook_failed``) so none is lost.

Offsets are committed only once every subscriber of an alert has had it or its dead letter is in
Kafka, so a sink that dies posts again what it had not finished: a receiver deduplicates on
``X-News-Event-Id``. Alerts are taken one at a time, each posted to its subscribers at once.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from pipeline.events import Alert, DeadLetter, event_id
from pipeline.ingest import ensure_topics_waiting
from pipeline.kafka_options import aiokafka_options
from pipeline.settings import Settings
from pipeline.webhooks import Subscriber, delay_before, signed_headers, worth_retrying

log = structlog.get_logger("pipeline.webhooks")


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    attempts: int
    last: str
    """the last answer: a status, or the error when there was none"""


async def deliver(
    client: httpx.AsyncClient, subscriber: Subscriber, body: bytes, alert_id: str, attempts: int, backoff_s: float
) -> Outcome:
    last = ""
    for attempt in range(1, attempts + 1):
        headers = signed_headers(subscriber.secret, int(time.time()), body, alert_id)
        status: int | None = None
        retry_after = None
        try:
            response = await client.post(str(subscriber.hook.url), content=body, headers=headers)
            status, retry_after = response.status_code, response.headers.get("retry-after")
            last = f"HTTP {status}"
        except httpx.HTTPError as error:
            said = subscriber.without_secrets(str(error))
            last = f"{type(error).__name__}: {said}" if said else type(error).__name__
        if status is not None and 200 <= status < 300:
            return Outcome(True, attempt, last)
        if not worth_retrying(status) or attempt == attempts:
            return Outcome(False, attempt, last)
        log.warning(
            "webhook_retry",
            webhook=subscriber.hook.name,
            host=subscriber.hook.host,
            attempt=attempt,
            answer=last,
            alert=alert_id,
        )
        await asyncio.sleep(delay_before(attempt, backoff_s, retry_after))
    return Outcome(False, attempts, last)


def failed_delivery(subscriber: Subscriber, record: ConsumerRecord, outcome: Outcome) -> DeadLetter:
    payload: bytes = record.value or b""
    hook = subscriber.hook
    return DeadLetter(
        event_id=event_id("dead-letter", "webhook", hook.name, record.topic, record.partition, record.offset),
        reason="webhook_failed",
        detail=f"webhook {hook.where}: {outcome.last} after {outcome.attempts} attempt(s)",
        source_topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key.decode("utf-8", "replace") if record.key is not None else None,
        payload_base64=base64.b64encode(payload).decode("ascii"),
        payload_text=payload.decode("utf-8", "replace"),
        failed_at=datetime.now(UTC),
    )


async def run_webhooks(settings: Settings, subscribers: list[Subscriber]) -> None:
    # The HTTP client logs each request with its whole URL, which may hold a subscriber's user, password
    # or token; the sink logs each delivery itself, by subscriber name and host.
    for talkative in ("httpx", "httpcore"):
        logging.getLogger(talkative).setLevel(logging.WARNING)
    await ensure_topics_waiting(settings, topics=[settings.topic_alerts, settings.topic_dlq])
    consumer = AIOKafkaConsumer(
        settings.topic_alerts,
        **aiokafka_options(settings),
        group_id=f"{settings.app_id}-webhooks",
        enable_auto_commit=False,
        auto_offset_reset="latest",
        fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
    )
    producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    seen: OrderedDict[str, None] = OrderedDict()
    try:
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_s) as client:
            await _wait_for_partitions(consumer)
            log.info("webhooks_ready", webhooks=[s.hook.where for s in subscribers], topic=settings.topic_alerts)
            while True:
                fetched = await consumer.getmany(timeout_ms=1_000)
                for records in fetched.values():
                    for record in records:
                        await _handle(settings, client, producer, subscribers, record, seen)
                if fetched:
                    await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


async def _wait_for_partitions(consumer: AIOKafkaConsumer) -> None:
    """Until the group has given this sink its partitions, and their start is fixed: an alert sent
    after the sink says it is ready is never skipped."""
    while not consumer.assignment():
        await consumer.getmany(timeout_ms=200)
    for partition in consumer.assignment():
        await consumer.position(partition)


async def _handle(
    settings: Settings,
    client: httpx.AsyncClient,
    producer: AIOKafkaProducer,
    subscribers: list[Subscriber],
    record: ConsumerRecord,
    seen: OrderedDict[str, None],
) -> None:
    try:
        alert = Alert.model_validate_json(record.value)
    except ValidationError:
        log.warning("malformed_alert_skipped", partition=record.partition, offset=record.offset)
        return
    if alert.event_id in seen:  # published twice after a worker crash: posted once
        return
    wanting = [s for s in subscribers if s.hook.wanted().wants(alert)]
    outcomes = await asyncio.gather(
        *(
            deliver(client, s, record.value, alert.event_id, settings.webhook_attempts, settings.webhook_backoff_s)
            for s in wanting
        )
    )
    for subscriber, outcome in zip(wanting, outcomes, strict=True):
        if outcome.delivered:
            log.info(
                "webhook_delivered",
                webhook=subscriber.hook.name,
                host=subscriber.hook.host,
                alert=alert.event_id,
                attempts=outcome.attempts,
            )
            continue
        letter = failed_delivery(subscriber, record, outcome)
        await producer.send_and_wait(settings.topic_dlq, letter.model_dump_json().encode(), key=record.key)
        log.error("webhook_failed", webhook=subscriber.hook.name, alert=alert.event_id, detail=letter.detail)
    seen[alert.event_id] = None
    if len(seen) > 100_000:
        seen.popitem(last=False)
