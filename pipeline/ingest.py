"""Publishing line events: idempotent, acknowledged by all in-sync replicas, keyed by article.

A broker that is down or restarting is waited for, up to ``ingest_timeout_s``:
the producer's own retries keep each article's lines in order and free of
duplicates (idempotence), so the only thing to bound is how long it may try.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError

from pipeline.events import LineEvent
from pipeline.kafka_options import aiokafka_options
from pipeline.settings import Settings
from pipeline.topics_admin import ensure_topics

log = structlog.get_logger("pipeline.ingest")
T = TypeVar("T")


class IngestError(RuntimeError):
    """The broker could not take the lines within the time allowed."""


async def _until(deadline: float, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
    delay = 0.5
    while True:
        try:
            return await attempt()
        except (KafkaConnectionError, KafkaTimeoutError, OSError) as error:
            if time.monotonic() + delay > deadline:
                raise IngestError(f"{what}: broker unreachable until the deadline ({error})") from error
            log.warning("broker_unreachable", action=what, retry_in_s=delay, error=str(error))
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def publish_lines(settings: Settings, lines: Sequence[LineEvent], rate: float | None = None) -> int:
    """Publish ``lines`` in order, at most ``rate`` per second; return how many the broker acknowledged."""
    deadline = time.monotonic() + settings.ingest_timeout_s
    await _until(deadline, "create topics", lambda: ensure_topics(settings))

    async def started() -> AIOKafkaProducer:
        producer = AIOKafkaProducer(
            **aiokafka_options(settings),
            acks="all",
            enable_idempotence=True,
            linger_ms=settings.producer_linger_ms,
            # The producer retries a batch until this expires: the whole time ingest may wait.
            request_timeout_ms=int(settings.ingest_timeout_s * 1000),
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        return producer

    producer = await _until(deadline, "connect", started)
    pending: list[tuple[LineEvent, asyncio.Future[object]]] = []
    began = time.monotonic()
    try:
        for number, line in enumerate(lines):
            if rate:
                await asyncio.sleep(max(0.0, began + number / rate - time.monotonic()))
            value = line.model_dump_json().encode()
            future = await producer.send(settings.topic_lines, key=line.article_id.encode(), value=value)
            pending.append((line, future))
        acknowledged = 0
        for line, future in pending:
            try:
                await future
            except KafkaError as error:
                raise IngestError(
                    f"line {line.line_no} of {line.article_id!r} was not acknowledged: {error}"
                ) from error
            acknowledged += 1
    finally:
        await producer.stop()
    return acknowledged
