"""The Faust side of a batch: the tables read as the delivery asks, and what it returns
written, produced and acknowledged (docs/delivery.md names the steps).

Table entries are written to the changelog partition of the input partition they belong
to (Faust would use the partition of whichever event it saw last), so that they move with
that partition in a rebalance. Events are sent straight through the app's Kafka producer,
and a batch is done only once Kafka has acknowledged all of them: its input offsets are
acknowledged after that, so a commit never covers a line whose events were not written.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar, cast

import faust
import structlog
from faust.streams import Stream
from faust.transport.consumer import Consumer
from faust.types import TP, StoreT, TableT
from faust.types.tuples import RecordMetadata
from pydantic import BaseModel

from pipeline.contracts.decoding import Failure, Origin, dead_letter
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.items import ItemLedger
from pipeline.domain.memory import ArticleMemory
from pipeline.worker.delivery import (
    WRITTEN_AFTER,
    WRITTEN_FIRST,
    Batch,
    Checkpoint,
    Message,
    PartitionProgress,
    Writes,
    model_json,
)
from pipeline.worker.sequencing import SEEK_AFTER_S, Jump

__all__ = ["Batches", "EventProducer", "Tables", "messages_of", "produce_and_ack", "seek_when_overdue"]

log = structlog.get_logger("pipeline.worker")

LOG_STARTS_TIMEOUT_S = 10.0
"""how long the broker has to say where partitions' logs start; a rebalance waits for it"""
STUCK_AFTER_S = 60.0
"""how long a partition may wait for its next offset before its jump is logged as an error"""


def messages_of(events: Sequence[faust.EventT[Any]]) -> list[Message]:
    out = []
    for event in events:
        message = event.message
        key = message.key if isinstance(message.key, bytes) else None
        origin = Origin(message.topic, message.partition, message.offset, key)
        out.append(Message(origin, event.value, message.timestamp))
    return out


class Batches:
    """An agent's input in batches of what is already waiting: one at a time when the input is
    quiet (no added latency), up to ``max_messages`` under load.

    A batch is acknowledged once Kafka has everything it produced, all its events at once, so a
    commit never falls inside a batch. While one batch's sends are on their way the agent goes on
    with the next: at most one batch is in flight beside the one being decided.
    """

    def __init__(self, app: faust.App, stream: faust.StreamT[Any], max_messages: int) -> None:
        self._app = app
        self._manual = cast(Stream[Any], cast(Stream[Any], stream).noack())
        self._waiting = cast(faust.ChannelT[Any], stream.channel).queue
        self._max = max_messages
        self._in_flight: asyncio.Future[None] | None = None
        self._handed_over: asyncio.Future[None] | None = None
        self._deferred: list[faust.EventT[Any]] = []

    async def __aiter__(self) -> AsyncIterator[list[faust.EventT[Any]]]:
        async for event in self._manual.events():
            yield [event, *self._take_waiting(self._max - 1)]
            while self._deferred:  # what a batch ended before, ahead of anything read since
                deferred, self._deferred = self._deferred, []
                yield deferred

    def _take_waiting(self, room: int) -> list[faust.EventT[Any]]:
        """Up to ``room`` events from the stream's queue, taken at once, with the bookkeeping Faust's
        stream does for an event it takes (tracked as not yet acknowledged, the sensors told).

        Taken here rather than through the stream, since the stream suspends before each take: an
        event checked as current could then be skipped by it (the flow suspended meanwhile by a
        rebalance or a seek), and the stream would wait for more while the batch held what it had
        taken, unacknowledged, which Faust's rebalance waits for. So a batch never waits while it
        holds events; it ends before one the stream would skip, and the stream deals with that one.
        """
        queue, app, taken = self._waiting, self._app, list[faust.EventT[Any]]()
        generation, flow = app.consumer_generation_id, app.flow_control
        unacked, acking = app.consumer.unacked, app.topics.acking_topics
        queued = queue._queue  # type: ignore[attr-defined]  # asyncio.Queue's own deque
        errors = getattr(queue, "_errors", ())  # the stream raises what was thrown into its queue
        while len(taken) < room and queued and not errors and flow.is_active():
            event = queued[0]
            message = getattr(event, "message", None)
            if message is None or message.generation_id != generation:
                break
            queue.get_nowait()
            if message.topic in acking and not message.tracked:
                message.tracked = True
                unacked.add(message)
                self._manual._on_message_in(message.tp, message.offset, message)
            self._manual._on_stream_event_in(message.tp, message.offset, self._manual, event)
            self._manual.events_total += 1
            taken.append(event)
        return taken

    def defer(self, events: Sequence[faust.EventT[Any]]) -> None:
        """Events the batch did not look at: the next batch starts with them."""
        self._deferred = list(events)

    async def ack_when_produced(self, events: Sequence[faust.EventT[Any]], produced: Awaitable[None]) -> None:
        """Acknowledge ``events`` once Kafka has what they produced, after waiting for the batch before's."""
        previous, self._in_flight = self._in_flight, asyncio.ensure_future(self._ack(events, produced))
        if previous is not None:
            await previous

    def produced_in_two_steps(
        self, first: Awaitable[None], send_second: Callable[[], Awaitable[Awaitable[None]]]
    ) -> Awaitable[None]:
        """Done once Kafka has a batch's first records and then its second, which ``send_second``
        hands to the producer once Kafka has the first and the batch before has handed over its own
        second. The agent goes on meanwhile: it waits for the round trip only at ``ack_when_produced``."""
        previous = self._handed_over
        handed_over = self._handed_over = asyncio.get_running_loop().create_future()
        return asyncio.ensure_future(self._two_steps(first, previous, handed_over, send_second))

    @staticmethod
    async def _two_steps(
        first: Awaitable[None],
        previous: asyncio.Future[None] | None,
        handed_over: asyncio.Future[None],
        send_second: Callable[[], Awaitable[Awaitable[None]]],
    ) -> None:
        try:
            await first
            if previous is not None:  # the same articles' memories reach their changelog in batch order
                await previous
            second = await send_second()
        except BaseException as error:
            # The next batch's second step must not go out either: its memories include this batch's.
            handed_over.set_exception(error)
            handed_over.exception()  # marked as retrieved: with no next batch to await it, asyncio would warn
            raise
        handed_over.set_result(None)
        await second

    async def produced_or_crash(self, produced: Awaitable[None]) -> None:
        """Wait for Kafka to have a batch's records; if it refuses them, crash the worker."""
        try:
            await produced
        except BaseException as error:
            log.error("send_failed", error=repr(error))
            await self._app.crash(error)  # the supervisor starts a worker that reads the batch again
            raise

    async def _ack(self, events: Sequence[faust.EventT[Any]], produced: Awaitable[None]) -> None:
        try:
            await self.produced_or_crash(produced)
        except BaseException:
            for event in events:  # never counted as processed: no commit passes them
                event.message.acked = True
            raise
        for event in events:  # Stream.ack never suspends, so a commit sees all of the batch or none
            await self._manual.ack(event)


ModelT = TypeVar("ModelT", bound=BaseModel)


PARSED_KEPT = 1_024
"""values kept parsed per table: the articles in progress. A parsed memory takes about ten times
its JSON, so keeping every article's would grow a worker by tens of kilobytes an article."""


class ModelTable(Generic[ModelT]):
    """A changelogged table of one model, kept as its JSON bytes (what the changelog holds and
    what a recovery restores), with the values in use parsed once: a worker reads an article's
    state for every line, and parsing it each time cost more than classifying the line."""

    def __init__(self, table: TableT[Any, Any], model: type[ModelT], kept: int = PARSED_KEPT) -> None:
        self.table = table
        self._model = model
        self._kept = kept
        self._parsed: OrderedDict[str, tuple[bytes, ModelT]] = OrderedDict()

    def get(self, key: str) -> ModelT | None:
        stored = self.table.data.get(key)
        if stored is None:
            return None
        parsed = self._parsed.get(key)
        if parsed is not None and parsed[0] is stored:  # not replaced since (by a recovery, say)
            self._parsed.move_to_end(key)
            return parsed[1]
        value = self._model.model_validate_json(stored)
        self._keep(key, stored, value)
        return value

    def _keep(self, key: str, stored: bytes, value: ModelT) -> None:
        self._parsed[key] = (stored, value)
        self._parsed.move_to_end(key)
        if len(self._parsed) > self._kept:
            self._parsed.popitem(last=False)

    def json_of(self, key: str, value: BaseModel) -> bytes:
        """``value`` as JSON, from what is stored under ``key`` when that is it."""
        parsed = self._parsed.get(key)
        if parsed is not None and parsed[1] is value:
            return parsed[0]
        return model_json(value)

    def write(self, writes: Writes, encode: Callable[[BaseModel], bytes] | None = None) -> list[Record]:
        """Store the values, and the changelog records that make them durable."""
        store = cast(StoreT[Any, Any], self.table.data)
        topic, records = self.table.changelog_topic.get_topic_name(), []
        for key, (partition, value) in writes.items():
            if value is None:
                self._parsed.pop(key, None)
                if key in store:  # a delete of an absent key would still write a tombstone
                    del store[key]
                    records.append(Record(topic, partition, json.dumps(key).encode(), None, store))
                continue
            stored = (encode or model_json)(value)
            store[key] = stored
            self._keep(key, stored, cast(ModelT, value))
            records.append(Record(topic, partition, json.dumps(key).encode(), stored, store))
        return records


@dataclass(frozen=True)
class Record:
    """One message for Kafka. Table entries go to their changelog at a given partition, and
    once Kafka has one, its store learns the offset (a persistent store recovers from there)."""

    topic: str
    partition: int | None
    key: bytes | None
    value: bytes | None
    store: StoreT[Any, Any] | None = None


class Tables:
    """The worker's changelogged tables, as the delivery reads them (``StoredState``)."""

    def __init__(self, app: faust.App, partitions: int, topic_configs: dict[str, str]) -> None:
        def table(name: str, model: type[ModelT], help_text: str) -> ModelTable[ModelT]:
            # Keys are JSON strings; values stay bytes, in the store as in the changelog and after a recovery.
            changelogged = app.Table(
                name,
                default=None,
                key_type=str,
                value_type=bytes,
                partitions=partitions,
                help=help_text,
                extra_topic_configs=topic_configs,
            )
            return ModelTable(changelogged, model)

        self.app = app
        self.log_starts: dict[TP, int] = {}
        self.memories = table("article_memory", ArticleMemory, "article id -> its memory after its latest line")
        self.checkpoints = table(
            "checkpoints", Checkpoint, "input partition and offset -> memories before the batch that started there"
        )
        self.ledgers = table("alert_ledger", AlertLedger, "article id -> which (kind, speaker) fired, on which line")
        self.item_ledgers = table("item_ledger", ItemLedger, "article id -> the lines its news item versions brought")
        self.progress_table = table(
            "partition_progress",
            PartitionProgress,
            "input partition -> the last offset processed and the checkpoints not yet committed",
        )
        # By the names Batch gives them, each with its encoding: a checkpoint splices in the stored
        # JSON of its memories, so it is encoded before the memories are written.
        self._by_name: dict[str, tuple[ModelTable[Any], Callable[[BaseModel], bytes] | None]] = {
            "memories": (self.memories, None),
            "checkpoints": (self.checkpoints, self._checkpoint_json),
            "ledgers": (self.ledgers, None),
            "item_ledgers": (self.item_ledgers, None),
            "progress": (self.progress_table, None),
        }

    def memory(self, article_id: str) -> ArticleMemory | None:
        return self.memories.get(article_id)

    def memory_size(self, article_id: str) -> int:
        stored = self.memories.table.data.get(article_id)
        return len(stored) if stored else 0

    def ledger(self, article_id: str) -> AlertLedger | None:
        return self.ledgers.get(article_id)

    def item_ledger(self, article_id: str) -> ItemLedger | None:
        return self.item_ledgers.get(article_id)

    def checkpoint(self, key: str) -> Checkpoint | None:
        return self.checkpoints.get(key)

    def progress(self, position: str) -> PartitionProgress | None:
        return self.progress_table.get(position)

    def read_from(self, position: str) -> int | None:
        """Where the consumer reads the partition from: the first offset not committed, or where the
        log starts when that is later (nothing committed yet, or retention deleted the rest), since
        the consumer then resets to the earliest offset."""
        topic, partition = position.rsplit("/", 1)
        tp = TP(topic, int(partition))
        # Faust keeps the offsets it committed last; there is no public accessor.
        committed: MutableMapping[TP, int | None] = cast(Consumer, self.app.consumer)._committed_offset
        offset, start = committed.get(tp), self.log_starts.get(tp)
        if offset is None or start is None:
            return start if offset is None else offset
        return max(offset, start)

    async def learn_log_starts(self, partitions: Iterable[TP]) -> None:
        """Where each partition's log starts now. Until it is known, a partition nobody has committed
        is not processed (see sequencing): its first message could be one fetched before a seek."""
        wanted = list(partitions)
        try:
            starts = await asyncio.wait_for(
                cast(Consumer, self.app.consumer).earliest_offsets(*wanted), LOG_STARTS_TIMEOUT_S
            )
        except Exception as error:  # asked again at the next seek
            log.warning(
                "log_starts_unknown", partitions=[f"{tp.topic}/{tp.partition}" for tp in wanted], error=repr(error)
            )
            return
        self.log_starts.update(starts)

    def forget_log_starts(self, partitions: Iterable[TP]) -> None:
        """Partitions revoked: learnt again if they are assigned here again."""
        for tp in partitions:
            self.log_starts.pop(tp, None)

    def write(self, batch: Batch, names: Sequence[str]) -> list[Record]:
        """The batch's entries of the tables named (as ``Batch`` names them) stored, and their records."""
        records = []
        for name in names:
            table, encode = self._by_name[name]
            records += table.write(getattr(batch, name), encode)
        return records

    def _checkpoint_json(self, value: BaseModel) -> bytes:
        return checkpoint_json(cast(Checkpoint, value), self.memories.json_of)


def checkpoint_json(checkpoint: Checkpoint, memory_json: Callable[[str, ArticleMemory], bytes]) -> bytes:
    """The checkpoint's JSON, with each memory's JSON as ``memory_json`` gives it."""
    memories = b",".join(
        json.dumps(article).encode() + b":" + (memory_json(article, memory) if memory else b"null")
        for article, memory in checkpoint.memories.items()
    )
    return b'{"next_offset":%d,"memories":{%s}}' % (checkpoint.next_offset, memories)


class EventProducer:
    """Produces a batch's records (events, table entries, dead letters) through the app's producer."""

    def __init__(self, app: faust.App, dlq: faust.TopicT, made_sure_of: Collection[str] = ()) -> None:
        self._app = app
        self._dlq = dlq
        self._declared: set[str] = set()
        self._made_sure_of = made_sure_of
        """topics known to exist (the app fills it as it starts): each declaration costs a metadata
        request, which on a broker with thousands of topics took a tenth of a second"""

    async def declared(self, topic: faust.TopicT) -> str:
        """The topic's name, once the broker has the topic."""
        # Created with the pipeline's partition count on first use, as Faust's own sends do: a send to a
        # topic the broker does not know waits for it for as long as the producer's request timeout.
        # Once per topic: each declaration is a round trip to the broker and a metadata refresh.
        name = topic.get_topic_name()
        if name not in self._declared and name not in self._made_sure_of:
            await topic.maybe_declare()
            self._declared.add(name)
        return name

    async def produce(
        self, records: Sequence[Record], dead_letters: Sequence[tuple[Failure, Message]] = ()
    ) -> Awaitable[None]:
        """Hand the records and the dead letters to the producer; what it returns is done once Kafka
        has acknowledged all of them."""
        producer = self._app.producer
        dlq = await self.declared(self._dlq) if dead_letters else ""
        pending: list[Awaitable[RecordMetadata]] = []
        for record in records:
            pending.append(await producer.send(record.topic, record.key, record.value, record.partition, None, None))
        now = datetime.now(UTC)
        for failure, message in dead_letters:
            origin = message.origin
            letter = dead_letter(failure, origin, message.value, now)
            value = letter.model_dump_json().encode()
            pending.append(await producer.send(dlq, origin.key, value, None, None, None))
            log.warning(
                "dead_letter",
                reason=failure.reason,
                detail=failure.detail,
                topic=origin.topic,
                partition=origin.partition,
                offset=origin.offset,
                dead_letter_id=letter.event_id,
            )
        return _acknowledged(records, asyncio.gather(*pending))


async def _acknowledged(records: Sequence[Record], sending: Awaitable[list[RecordMetadata]]) -> None:
    for record, sent in zip(records, await sending, strict=False):
        if record.store is not None:
            record.store.set_persisted_offset(TP(record.topic, sent.partition), sent.offset)


async def produce_and_ack(
    events: Sequence[faust.EventT[Any]],
    batch: Batch,
    batches: Batches,
    tables: Tables,
    event_producer: EventProducer,
    outputs: Sequence[tuple[faust.TopicT, str, bytes]],
) -> None:
    """Write the batch's table entries, produce them and its events (topic, key, value), and acknowledge
    its processed messages once Kafka has them all; seek to the committed offsets if the batch asks."""
    if batch.deferred:
        batches.defer(events[len(events) - batch.deferred :])
        events = events[: len(events) - batch.deferred]
    for error, message in batch.errors:
        log.error("processing_failed", topic=message.origin.topic, offset=message.origin.offset, exc_info=error)
    for error, line in batch.speaker_failures:
        log.error(
            "speaker_attribution_failed",
            article_id=line.article_id,
            line_no=line.line_no,
            event_id=line.event_id,
            exc_info=error,
        )
    for index in batch.unacked:
        # Marked done without acknowledging it to the consumer: its offset never counts as
        # processed, so no commit passes it.
        events[index].message.acked = True
    try:
        records = tables.write(batch, WRITTEN_FIRST)
        names = {topic: await event_producer.declared(topic) for topic in {topic for topic, _, _ in outputs}}
        records.extend(Record(names[topic], None, key.encode(), value) for topic, key, value in outputs)
        second = tables.write(batch, WRITTEN_AFTER)
        if batch.checkpoints:  # see WRITTEN_FIRST: Kafka has the checkpoints before any memory is sent
            first = await event_producer.produce(records, batch.dead_letters)
            produced = batches.produced_in_two_steps(first, lambda: event_producer.produce(second))
        else:
            produced = await event_producer.produce(records + second, batch.dead_letters)
    except BaseException:
        for event in events:  # nothing of this batch may be committed now
            event.message.acked = True
        raise
    await batches.ack_when_produced(events, produced)
    if batch.jumps:
        for position, jump in batch.jumps:
            log_jump(position, jump)
        await seek_again(tables, [position for position, _ in batch.jumps])


def log_jump(position: str, jump: Jump) -> None:
    """A partition arrived out of place: a warning, as after most rebalances; an error once the seeks
    have gone on for a minute, since then something keeps the partition from its next offset."""
    details = {"partition": position, "expected": jump.expected, "arrived": jump.arrived, "seeks": jump.seeks}
    if jump.seeks * SEEK_AFTER_S >= STUCK_AFTER_S:
        log.error("partition_stuck", **details, hint="offsets missing from an input topic (see docs/delivery.md)")
    else:
        log.warning("partition_jumped", **details)


async def seek_when_overdue(tables: Tables, positions: Sequence[str]) -> None:
    """The worker's timer: seek again for partitions a seek has not brought where they should be in
    time, with no message since to ask again (a stale one arrived after the seek and had the consumer
    drop what it brought; see sequencing)."""
    if positions:
        log.warning("seek_overdue", partitions=list(positions))
        await seek_again(tables, positions)


async def seek_again(tables: Tables, positions: Sequence[str]) -> None:
    """Seek to the committed offsets, having asked where the partitions' logs start (unknown, or
    moved by retention since)."""
    partitions = {TP(topic, int(partition)) for topic, partition in (p.rsplit("/", 1) for p in positions)}
    await tables.learn_log_starts(partitions)
    await seek_to_read_positions(tables)


async def seek_to_read_positions(tables: Tables) -> None:
    """Drop what is buffered and seek every partition to its committed offset, to read it again (the
    same steps Faust takes after a rebalance), or, with none, to where its log starts: aiokafka seeks
    only to a committed offset, and leaves a partition without one wherever it was reading."""
    app = tables.app
    consumer = cast(Consumer, app.consumer)
    consumer.stop_flow()
    app.flow_control.suspend()
    app.flow_control.clear()
    await consumer.wait_for_stopped_flow()
    await consumer.perform_seek()
    assigned = consumer.assignment()
    for tp, start in tables.log_starts.items():
        if tp in assigned and consumer._committed_offset.get(tp) is None:
            await consumer.seek(tp, start)
    consumer.resume_flow()
    app.flow_control.resume()
