"""A topic read from a little way back, then followed: what `serve` shows after a restart is what
the topic holds, not only what arrived since. Kafka keeps no "last N" of a topic, so each partition
is read from N records before its end, up to the end it had when reading began."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from pipeline.broker.options import aiokafka_options
from pipeline.config.settings import Settings

Partition = TypeVar("Partition")


def read_back_from(
    beginnings: Mapping[Partition, int], ends: Mapping[Partition, int], depth: int
) -> dict[Partition, int]:
    """Where to start each partition to read its last ``depth`` records: ``depth`` before its end, or
    its beginning when it holds fewer (retention may have deleted the first ones)."""
    return {partition: max(end - depth, beginnings.get(partition, 0)) for partition, end in ends.items()}


def read_back_to(ends: Mapping[Partition, int], positions: Mapping[Partition, int]) -> bool:
    """Whether every partition has been read up to the end it had when reading began."""
    return all(positions[partition] >= end for partition, end in ends.items())


async def read_back_then_follow(
    settings: Settings,
    topic: str,
    depth: int,
    take_history: Callable[[Sequence[ConsumerRecord[Any, Any]]], None],
    take: Callable[[ConsumerRecord[Any, Any]], None],
    read_back: Callable[[], None],
) -> None:
    """Hand ``take_history`` the last ``depth`` records of each partition of ``topic`` (all at once,
    so it may choose among them), call ``read_back``, then hand ``take`` each record that comes after,
    for as long as it runs. A record written while the history was read is handed to ``take``, after
    the history: none is lost, however long the reading back took."""
    consumer = AIOKafkaConsumer(
        topic,
        **aiokafka_options(settings),
        group_id=None,
        client_id=f"news-http-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
    )
    await consumer.start()
    try:
        partitions = sorted(consumer.assignment())
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        beginnings: dict[TopicPartition, int] = await consumer.beginning_offsets(partitions)
        for partition, start in read_back_from(beginnings, ends, depth).items():
            consumer.seek(partition, start)
        history: list[ConsumerRecord[Any, Any]] = []
        later: list[ConsumerRecord[Any, Any]] = []
        while not read_back_to(ends, {p: await consumer.position(p) for p in partitions}):
            for partition, records in (await consumer.getmany(timeout_ms=1_000)).items():
                for record in records:
                    (history if record.offset < ends[partition] else later).append(record)
        take_history(history)
        _take_each(later, take)
        read_back()
        while True:
            for records in (await consumer.getmany(timeout_ms=1_000)).values():
                _take_each(records, take)
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()


def _take_each(records: Iterable[ConsumerRecord[Any, Any]], take: Callable[[ConsumerRecord[Any, Any]], None]) -> None:
    for record in records:
        take(record)
