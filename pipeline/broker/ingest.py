"""Publishing line events: idempotent, acknowledged by all in-sync replicas, keyed by article.

A broker that is down or restarting is waited for, up to ``ingest_timeout_s``:
the producer's own retries keep each article's lines in order and free of
duplicates (idempotence), so the only thing to bound is how long it may try.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder

from pipeline.broker.access import refusal_of
from pipeline.broker.options import aiokafka_options
from pipeline.broker.topics import ensure_topics_waiting
from pipeline.broker.waiting import BrokerUnreachable, until
from pipeline.config.settings import Settings
from pipeline.contracts.events import ItemVersion, LineEvent

__all__ = ["publish_items", "publish_lines"]


class ArticlePartitions:
    """The partition of each article, as the producer's default partitioner (Kafka's murmur2 of
    the key) gives it, hashed once per article: the producer would hash the key of every line."""

    def __init__(self, partitions: Collection[int]) -> None:
        self._partitions = sorted(partitions)
        self._known: dict[bytes, int] = {}

    def __call__(self, key: bytes) -> int:
        partition = self._known.get(key)
        if partition is None:
            partition = self._known[key] = DefaultPartitioner()(key, self._partitions, self._partitions)
        return partition


class RecordBatches:
    """Lines gathered into one Kafka record batch per partition, each batch sent once it is full
    (or when asked). The producer's own ``send`` makes a future and waits on the topic's
    metadata for every message, which cost ingest more than the broker's work."""

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer, self._topic = producer, topic
        self._open: dict[int, tuple[BatchBuilder, list[LineEvent]]] = {}
        self.sent: list[tuple[list[LineEvent], asyncio.Future[object]]] = []
        """each batch sent, with the future Kafka's acknowledgement sets"""

    async def add(self, partition: int, key: bytes, value: bytes, line: LineEvent) -> None:
        builder, members = self._open.get(partition) or self._start(partition)
        if builder.append(key=key, value=value, timestamp=None) is None:  # full
            await self._send(partition)
            builder, members = self._start(partition)
            builder.append(key=key, value=value, timestamp=None)  # a batch takes its first record whatever its size
        members.append(line)

    async def send_all(self) -> None:
        for partition in list(self._open):
            await self._send(partition)

    def _start(self, partition: int) -> tuple[BatchBuilder, list[LineEvent]]:
        opened = self._open[partition] = (self._producer.create_batch(), [])
        return opened

    async def _send(self, partition: int) -> None:
        builder, members = self._open.pop(partition)
        future = await self._producer.send_batch(builder, self._topic, partition=partition)
        self.sent.append((members, future))


async def _producer(settings: Settings, topic: str) -> AIOKafkaProducer:
    """A started idempotent producer, once ``topic`` exists; waiting for the broker up to the deadline."""
    deadline = time.monotonic() + settings.ingest_timeout_s
    await ensure_topics_waiting(settings, deadline=deadline, topics=[topic])

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

    return await until(settings, deadline, "connect", started)


async def publish_items(settings: Settings, items: Sequence[ItemVersion]) -> int:
    """Publish news item versions, in order, for the worker to split; return how many were acknowledged."""
    producer = await _producer(settings, settings.topic_items)
    try:
        sent = [
            (
                item,
                await producer.send(
                    settings.topic_items, item.model_dump_json().encode(), key=item.article_id.encode()
                ),
            )
            for item in items
        ]
        for item, future in sent:
            try:
                await future
            except KafkaError as error:
                raise refusal_of(settings, error) or BrokerUnreachable(
                    f"item {item.uri!r} was not acknowledged: {error}"
                ) from error
    finally:
        await producer.stop()
    return len(items)


async def publish_lines(
    settings: Settings,
    lines: Sequence[LineEvent],
    due: Sequence[float] | None = None,
    advanced: Callable[[int], None] = lambda count: None,
) -> int:
    """Publish ``lines`` in order, each no earlier than its ``due`` time (seconds from the start;
    see pacing), telling ``advanced`` how many more were acknowledged; return how many were."""
    producer = await _producer(settings, settings.topic_lines)
    try:
        partition_of = ArticlePartitions(await producer.partitions_for(settings.topic_lines))
        outgoing = RecordBatches(producer, settings.topic_lines)
        began = time.monotonic()
        acknowledged = 0

        async def settle(upto: int) -> None:
            """Wait for the acknowledgement of every batch sent before ``upto``."""
            nonlocal acknowledged
            for batch, future in outgoing.sent[:upto]:
                try:
                    await future
                except KafkaError as error:
                    if (refused := refusal_of(settings, error)) is not None:
                        raise refused from error
                    first = batch[0]
                    raise BrokerUnreachable(
                        f"line {first.line_no} of {first.article_id!r} and {len(batch) - 1} after it"
                        f" were not acknowledged: {error}"
                    ) from error
                acknowledged += len(batch)
                advanced(len(batch))
            del outgoing.sent[:upto]

        for number, line in enumerate(lines):
            if due is not None and (delay := began + due[number] - time.monotonic()) > 0:
                await outgoing.send_all()  # what is due goes now, not when a batch fills
                await settle(len(outgoing.sent))
                await asyncio.sleep(delay)
            key = line.article_id.encode()
            await outgoing.add(partition_of(key), key, line.model_dump_json().encode(), line)
            if len(outgoing.sent) > 64:  # bound what is held, and keep a progress bar moving
                await settle(len(outgoing.sent) - 32)
        await outgoing.send_all()
        await settle(len(outgoing.sent))
    finally:
        await producer.stop()
    return acknowledged
