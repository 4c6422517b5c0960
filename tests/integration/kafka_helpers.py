"""Plain aiokafka clients for the tests: produce raw bytes, read a topic until enough has arrived."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pipeline.settings import Settings


async def produce_raw(settings: Settings, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def read_json(
    settings: Settings,
    topic: str,
    *,
    until: int,
    timeout: float,
    settle: float = 0.0,
    where: Callable[[dict[str, Any]], bool] = lambda message: True,
) -> list[Any]:
    """The JSON messages on ``topic`` from the start that ``where`` keeps: wait for ``until`` of them,
    then ``settle`` more seconds. Tests share topics, so each counts only its own messages, and
    skips what is not JSON."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=100,
    )
    await consumer.start()
    found: list[Any] = []
    deadline = time.monotonic() + timeout
    settle_until: float | None = None
    try:
        while True:
            now = time.monotonic()
            if len(found) >= until and settle_until is None:
                settle_until = now + settle
            limit = settle_until if settle_until is not None else deadline
            if now >= limit:
                return found
            batch = await consumer.getmany(timeout_ms=int(min(500, (limit - now) * 1000)) + 1)
            for records in batch.values():
                found.extend(m for m in (_json(r.value) for r in records) if m is not None and where(m))
    finally:
        await consumer.stop()


def _json(value: bytes | None) -> Any:
    """A message as JSON; None for one that is not (the dead-letter tests put such bytes on the shared lines topic)."""
    try:
        return json.loads(value) if value is not None else None
    except ValueError:
        return None


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
