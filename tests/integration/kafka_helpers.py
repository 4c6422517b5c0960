"""Plain aiokafka clients for the tests: produce raw bytes, read a topic until what must arrive has.

"Nothing more arrives" is never a quiet spell here: either whatever could write has finished
(``read_to_end``), or a marker is sent after the messages under test on their partition
(``marker_beside``) and the reading stops at the marker's result, which comes out after
anything the earlier messages caused.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from chaos import values_to_end  # scripts/, on the path from conftest

from pipeline.config.settings import Settings


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
    return await _read(settings, topic, lambda found: len(found) >= until, timeout, settle, where)


async def read_until(
    settings: Settings,
    topic: str,
    *,
    done: Callable[[list[Any]], bool],
    timeout: float = 60,
    where: Callable[[dict[str, Any]], bool] = lambda message: True,
) -> list[Any]:
    """The JSON messages on ``topic`` from the start that ``where`` keeps, returned as soon as ``done``
    holds for them, or at ``timeout`` with what came (the caller's assertions then say what is missing)."""
    return await _read(settings, topic, done, timeout, 0.0, where)


async def _read(
    settings: Settings,
    topic: str,
    done: Callable[[list[Any]], bool],
    timeout: float,
    settle: float,
    where: Callable[[dict[str, Any]], bool],
) -> list[Any]:
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
            if settle_until is None and done(found):
                settle_until = now + settle
            limit = settle_until if settle_until is not None else deadline
            if now >= limit:
                return found
            batch = await consumer.getmany(timeout_ms=int(min(500, (limit - now) * 1000)) + 1)
            for records in batch.values():
                found.extend(m for m in (_json(r.value) for r in records) if m is not None and where(m))
    finally:
        await consumer.stop()


async def read_to_end(
    settings: Settings,
    topic: str,
    *,
    where: Callable[[dict[str, Any]], bool] = lambda message: True,
    timeout: float = 60,
) -> list[Any]:
    """The JSON messages on ``topic`` that ``where`` keeps, up to the end each partition has when called:
    all there will be once whatever could write to it has finished (ingest exited, the worker stopped).
    Read as the drills read their outputs (``scripts/chaos.py``); what is not JSON is passed over."""
    values = (await values_to_end(settings.kafka_bootstrap_servers, [topic], timeout))[topic]
    return [m for m in map(_json, values) if m is not None and where(m)]


def partition_of(key: str, partitions: int) -> int:
    """The partition of ``key`` on every pipeline topic: ingest, the worker and Java-compatible clients
    all use Kafka's default partitioner, and every pipeline topic has the same partition count."""
    every = list(range(partitions))
    return int(DefaultPartitioner()(key.encode(), every, every))


def marker_beside(key: str, partitions: int, prefix: str) -> str:
    """An article id starting with ``prefix`` on ``key``'s partition: its lines, sent after ``key``'s,
    come out after everything ``key``'s lines cause, since each partition is processed in order."""
    return next(
        f"{prefix}-{n}"
        for n in range(10_000)
        if partition_of(f"{prefix}-{n}", partitions) == partition_of(key, partitions)
    )


def _json(value: bytes | None) -> Any:
    """A message as JSON; None for one that is not (the dead-letter tests put such bytes on the shared lines topic)."""
    try:
        return json.loads(value) if value is not None else None
    except ValueError:
        return None


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
