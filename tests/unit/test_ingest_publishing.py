"""How ingest hands lines to the producer: one partition per article, hashed once, and the
lines gathered into a record batch per partition."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder

from pipeline.broker.ingest import ArticlePartitions, RecordBatches
from pipeline.contracts.events import LineEvent


def test_an_article_gets_the_producers_own_partition_whatever_order_the_partitions_come_in() -> None:
    keys = [f"article-{n}".encode() for n in range(50)]
    partition_of = ArticlePartitions({3, 1, 0, 2})
    assert [partition_of(k) for k in keys] == [DefaultPartitioner()(k, [0, 1, 2, 3], [0, 1, 2, 3]) for k in keys]
    assert [partition_of(k) for k in keys] == [partition_of(k) for k in keys]


class BatchingProducer:
    """What RecordBatches uses of the producer: small batches, and a record of what was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int]] = []  # (partition, records)

    def create_batch(self) -> BatchBuilder:
        return BatchBuilder(batch_size=400, compression_type=0)

    async def send_batch(self, batch: BatchBuilder, topic: str, *, partition: int) -> asyncio.Future[Any]:
        self.sent.append((partition, batch.record_count()))
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def line(article: str, n: int, text: str = "A line of about forty bytes of text.") -> LineEvent:
    return LineEvent(
        event_id=LineEvent.id_for(article, n), article_id=article, line_no=n, text=text, ingested_at=datetime.now(UTC)
    )


def test_lines_go_out_in_a_batch_per_partition_each_sent_when_full() -> None:
    producer = BatchingProducer()
    outgoing = RecordBatches(producer, "lines")  # type: ignore[arg-type]
    lines = [line("a", n) for n in range(1, 11)] + [line("b", 1, "x" * 1000)]

    async def publish() -> None:
        for event in lines:
            partition = 1 if event.article_id == "b" else 0
            await outgoing.add(partition, event.article_id.encode(), event.model_dump_json().encode(), event)
        assert sum(count for _, count in producer.sent) < len(lines)  # some wait for their batch to fill
        await outgoing.send_all()

    asyncio.run(publish())
    assert {p for p, _ in producer.sent} == {0, 1} and len(producer.sent) > 2
    assert (1, 1) in producer.sent  # a record larger than a batch goes alone
    assert [event for batch, _ in outgoing.sent for event in batch if event.article_id == "a"] == lines[:10]
    assert [len(batch) for batch, _ in outgoing.sent] == [count for _, count in producer.sent]
