"""What aiokafka and Faust do to an agent, in memory, for tests that drive the agents' delivery
(``pipeline/worker/delivery.py``, ``pipeline/worker/streaming.py``) through it with no broker.

Where behaviour matters to delivery, Faust's own code runs: its ``Consumer`` acknowledgement
(``ack``), gap and commit arithmetic (``_add_gap`` with the project's correction from
``pipeline.worker.faust_fixes``, ``_new_offset``, ``_filter_committable_offsets``), ``perform_seek``, and
its ``Event`` and ``ConsumerMessage``. Around it the model stands for:

- **aiokafka's fetcher**: records fetched ahead from a position into a buffer; a seek moves the
  position and drops the buffer.
- **Faust's drain loop** (``Consumer._drain_messages``): it takes a fetch's records from the client
  and hands them to the agent's stream one by one, recording a gap where offsets jump and dropping
  a record behind the read offset. The records of a fetch it is already going through are not
  dropped by a seek or a rebalance: they reach the stream after it, ahead of what the seek
  brings (faust-streaming #221, prefetched messages after a rebalance; #216, fetching resumed
  before the seek; #606, the gap's offsets counted twice). The worker's own consumer
  (``pipeline.worker.fetch_handover``) stops handing a fetch over once the flow stops, unless the flow
  stopped and resumed while it was committing; the model hands the rest over always, the harder case.
- **The stream's buffer**, cleared when the flow is suspended (a seek, a rebalance).
- **A rebalance**: partitions revoked (Faust drops their bookkeeping, the agents forget them),
  then assigned again to this process and read from their committed offsets.
- **A crash**: the process and everything it held in memory gone; of a batch whose records were
  on their way, Kafka keeps any part, and a new process recovers its tables from the changelogs.
- **The broker**: input partitions, the group's committed offsets, the agent's output topics and
  its tables' changelogs, as what Kafka has acknowledged.

Not modelled: two processes reading one partition at once (the group protocol gives a partition
one reader), transactions, compaction, time beyond the clock the agent is given.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from faust.events import Event
from faust.transport.drivers.aiokafka import Consumer
from faust.types import TP
from faust.types.tuples import ConsumerMessage
from intervaltree import IntervalTree

from pipeline.worker.delivery import WRITTEN_AFTER, WRITTEN_FIRST, Batch, LineDelivery
from pipeline.worker.faust_fixes import count_gap_offsets_once
from pipeline.worker.streaming import Batches, messages_of, produce_and_ack, seek_when_overdue
from tests.unit.test_delivery import NOW, State

TOPIC = "input"
KEY = b"k"

count_gap_offsets_once()  # as every worker does when it builds its app

Agent = LineDelivery
Effect = tuple[str, str]
"""what a batch put in Kafka for an input message: (identity, content); a repeat has both the same"""


def effects_of(batch: Batch) -> list[Effect]:
    """The events a batch sends and the dead letters it writes, as the output topics hold them."""
    events = [(c.event_id, c.model_dump_json()) for c in batch.classified]
    events += [(a.event_id, a.model_dump_json()) for a in batch.alerts]
    letters = [
        (f"dead letter {m.origin.partition}/{m.origin.offset}", failure.reason) for failure, m in batch.dead_letters
    ]
    return events + letters


@dataclass
class Kafka:
    """What the broker keeps."""

    partitions: list[list[bytes]]
    published: list[int]
    """how many messages of each partition have been produced so far"""
    committed: dict[int, int] = field(default_factory=dict)
    """the group's committed offsets: the first offset not committed"""
    output: list[Effect] = field(default_factory=list)
    changelog: State = field(default_factory=State)

    def tables(self) -> dict[str, dict[str, Any]]:
        return {name: dict(table) for name, table in self.changelog.tables.items()}


class _ModelConsumer(Consumer):
    """Faust's consumer bookkeeping, with the client under it replaced by the process's fetcher."""

    process: Process

    @classmethod
    def bare(cls, process: Process) -> _ModelConsumer:
        consumer: Any = object.__new__(cls)
        consumer.process, consumer.app = process, process.app
        consumer.log = SimpleNamespace(dev=lambda *args, **kwargs: None)  # Faust's seek logs through it
        consumer._acked, consumer._acked_index = defaultdict(list), defaultdict(set)
        consumer._gap = defaultdict(IntervalTree)
        consumer._committed_offset, consumer._read_offset = defaultdict(lambda: None), defaultdict(lambda: None)
        consumer._n_acked, consumer._unacked_messages, consumer._waiting_for_ack = 0, set(), None
        return cast(_ModelConsumer, consumer)

    def stop_flow(self) -> None: ...
    def resume_flow(self) -> None: ...
    async def wait_for_stopped_flow(self) -> None: ...

    async def seek_to_committed(self) -> Mapping[TP, int]:
        """aiokafka's seek to the committed offsets of every assigned partition: one with none (or 0)
        is left where it is reading."""
        self.process.seeks += 1
        committed = self.process.kafka.committed
        for partition in self.process.assigned:
            if committed.get(partition):
                self.process.seek_fetcher(partition, committed[partition])
        return cast(Mapping[TP, int], {TP(TOPIC, p): committed.get(p) for p in self.process.assigned})

    def assignment(self) -> set[TP]:
        return {TP(TOPIC, p) for p in self.process.assigned}

    async def _seek(self, tp: TP, offset: int) -> None:
        self.process.seek_fetcher(tp.partition, offset)


class _App:
    """What the agent's code and Faust's use of the app."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.topics = self
        self.flow_control = self

    @property
    def consumer(self) -> _ModelConsumer:
        return self.process.consumer

    def acks_enabled_for(self, topic: str) -> bool:
        return True

    def suspend(self) -> None: ...
    def resume(self) -> None: ...

    def clear(self) -> None:  # the stream's buffer is a queue cleared with the flow
        self.process.stream.clear()

    async def crash(self, error: BaseException) -> None: ...


class _Stream:
    """What ``Batches`` uses of the agent's stream."""

    def __init__(self) -> None:
        self.channel = type("Channel", (), {"queue": asyncio.Queue()})()

    def noack(self) -> _Stream:
        return self

    async def ack(self, event: Event) -> bool:
        return event.ack()


class _Tables:
    """The agent's tables as ``produce_and_ack`` writes them: the model applies the batch itself."""

    def __init__(self, app: _App) -> None:
        self.app = app
        self.process = app.process

    def write(self, batch: object, names: Collection[str]) -> list[object]:
        return []

    async def learn_log_starts(self, partitions: Collection[TP]) -> None:
        """The broker answers: every log here starts at 0."""
        self.process.log_starts_known.update(tp.partition for tp in partitions)

    @property
    def log_starts(self) -> dict[TP, int]:
        return {TP(TOPIC, p): 0 for p in self.process.log_starts_known}


class _EventProducer:
    """Sends that Kafka acknowledges when the model delivers them."""

    def __init__(self) -> None:
        self.sends: list[asyncio.Future[None]] = []

    async def declared(self, topic: object) -> str:
        return str(topic)

    async def produce(self, records: object, dead_letters: object = ()) -> asyncio.Future[None]:
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sends.append(sent)
        return sent


class _Known(State):
    """The process's tables, with where its consumer reads each partition from."""

    def __init__(self, tables: dict[str, dict[str, Any]], process: Process) -> None:
        super().__init__(tables)
        self._process = process

    def read_from(self, position: str) -> int | None:
        """As the worker's tables answer: the committed offset or, with none, where the log starts
        (here, always 0) if the broker said so."""
        partition = int(position.rsplit("/", 1)[1])
        committed = self._process.consumer._committed_offset.get(TP(TOPIC, partition))
        if committed is None:
            return 0 if partition in self._process.log_starts_known else None
        return committed


@dataclass
class InFlight:
    """A batch whose records are on their way to Kafka: its table entries in the steps it sends them."""

    batch: Batch
    steps: list[list[tuple[str, str]]]
    effects: list[Effect]


class Process:
    """One worker process: its consumer, its agent, its tables, and what it has fetched."""

    def __init__(self, kafka: Kafka, agent: Agent, loop: asyncio.AbstractEventLoop) -> None:
        self.kafka, self.agent, self.loop = kafka, agent, loop
        self.app = _App(self)
        self.consumer = _ModelConsumer.bare(self)
        self.tables = _Known(kafka.tables(), self)
        self.assigned: set[int] = set()
        self.position: dict[int, int] = {}
        self.fetched: dict[int, list[int]] = {}
        """aiokafka's buffer: offsets fetched and not yet handed to Faust"""
        self.fetched_up_to: dict[int, int] = {}
        """partition -> the offset after the last one this process has fetched"""
        self.draining: list[tuple[int, int]] = []
        """the (partition, offset) of the fetch Faust's drain loop is going through"""
        self.stream: list[ConsumerMessage] = []
        self.batches = Batches(self.app, _Stream(), 1_000)  # type: ignore[arg-type]
        self.event_producer = _EventProducer()
        self.in_flight: InFlight | None = None
        self.seeks = 0
        self.log_starts_known: set[int] = set()
        self.processed: list[tuple[int, int]] = []
        """(partition, offset) of each message the agent processed, in the order it processed them"""

    def run(self, step: Any) -> Any:
        return self.loop.run_until_complete(step)

    def assign(self, partitions: set[int], log_starts_told: bool = True) -> None:
        """Partitions assigned: aiokafka reads each from its committed offset or, with none, from its
        log start; the worker asks the broker where the logs start (which may not answer); Faust
        seeks to the committed offsets."""
        self.assigned = set(partitions)
        for partition in partitions:
            self.seek_fetcher(partition, self.kafka.committed.get(partition, 0))
        if log_starts_told:
            self.log_starts_known |= partitions
        self.run(self.consumer.perform_seek())

    def revoke(self, partitions: set[int]) -> None:
        """Faust's ``on_partitions_revoked``, the app's own handler, and the flow cleared."""
        for partition in partitions:
            tp = TP(TOPIC, partition)
            for kept in (self.consumer._gap, self.consumer._acked, self.consumer._acked_index):
                kept.pop(tp, None)
            self.consumer._read_offset.pop(tp, None)
            self.consumer._committed_offset.pop(tp, None)
            self.fetched.pop(partition, None)
        self.agent.forget([f"{TOPIC}/{p}" for p in partitions])
        self.log_starts_known -= partitions
        self.stream.clear()
        self.assigned -= partitions

    def seek_fetcher(self, partition: int, offset: int) -> None:
        """aiokafka's seek: fetching goes on from ``offset``, and what was fetched is dropped."""
        self.position[partition] = offset
        self.fetched[partition] = []

    def fetch(self, partition: int, count: int) -> None:
        if partition not in self.assigned:
            return
        start = self.position[partition]
        end = min(start + count, self.kafka.published[partition])
        self.fetched[partition] += range(start, end)
        self.position[partition] = end
        self.fetched_up_to[partition] = max(self.fetched_up_to.get(partition, 0), end)

    def poll(self) -> None:
        """Faust's drain loop takes what the client has fetched (``getmany``)."""
        for partition in sorted(self.fetched):
            self.draining += [(partition, offset) for offset in self.fetched[partition]]
            self.fetched[partition] = []

    def drain(self, count: int) -> None:
        """Faust's drain loop hands ``count`` records to the stream, as ``_drain_messages`` does."""
        handed, self.draining = self.draining[:count], self.draining[count:]
        for partition, offset in handed:
            self.hand_over(partition, offset)

    def timer(self, clock: float) -> None:
        """The worker's timer: a seek asked for again where none has brought its partition in time."""
        self.run(seek_when_overdue(_Tables(self.app), self.agent.seeks_overdue(clock)))  # type: ignore[arg-type]

    def hand_over(self, partition: int, offset: int) -> None:
        """One record through the drain loop to the stream, unless it is behind the read offset."""
        tp = TP(TOPIC, partition)
        read = self.consumer._read_offset[tp]
        if read is not None and offset < read:
            return
        if read and offset - read > 1:
            self.run(self.consumer._add_gap(tp, read + 1, offset))
        value = self.kafka.partitions[partition][offset]
        message = ConsumerMessage(TOPIC, partition, offset, 0.0, 0, None, KEY, value, None, tp=tp)
        message.incref()  # one stream reads the topic
        self.stream.append(message)
        self.consumer._read_offset[tp] = offset

    def next_batch(self, count: int, clock: float) -> Batch:
        """The agent's next batch, up to ``count`` messages of its stream, through ``produce_and_ack``."""
        self.deliver()  # Batches.ack_when_produced waits for the batch before's records
        handed, self.stream = self.stream[:count], self.stream[count:]
        events = [Event(self.app, KEY, m.value, None, m) for m in handed]  # type: ignore[arg-type]
        batch = self.tables.apply(self.agent.process(messages_of(events), self.tables, NOW, clock))
        assert not batch.deferred, "the model's batches never reach a limit"
        self.processed += [(m.partition, m.offset) for i, m in enumerate(handed) if i not in batch.unacked]
        steps = [entries(batch, WRITTEN_FIRST), entries(batch, WRITTEN_AFTER)]
        if not batch.checkpoints:
            steps = [steps[0] + steps[1]]
        self.in_flight = InFlight(batch, steps, effects_of(batch))
        self.run(produce_and_ack(events, batch, self.batches, _Tables(self.app), self.event_producer, []))  # type: ignore[arg-type]
        return batch

    def deliver(self) -> None:
        """Kafka acknowledges everything on its way; the batch's offsets are acknowledged after it."""
        if self.in_flight is not None:
            self.land(self.in_flight, {e for step in self.in_flight.steps for e in step}, self.in_flight.effects)
            self.in_flight = None
        while pending := [sent for sent in self.event_producer.sends if not sent.done()]:
            for sent in pending:
                sent.set_result(None)
            self.run(asyncio.sleep(0))
        in_flight = self.batches._in_flight
        if in_flight is not None:
            self.run(in_flight)

    def land(self, in_flight: InFlight, entries: Collection[tuple[str, str]], effects: Sequence[Effect]) -> None:
        """Kafka has these of the batch's table entries and events."""
        self.kafka.changelog.apply(in_flight.batch, entries)
        self.kafka.output += effects

    def commit(self) -> None:
        """Faust's commit: the offsets its arithmetic allows, for the partitions still assigned."""
        offsets = self.consumer._filter_committable_offsets(list(self.consumer._acked))
        kept = {tp: offset for tp, offset in offsets.items() if tp.partition in self.assigned}
        self.consumer._committed_offset.update(kept)
        self.kafka.committed.update({tp.partition: offset for tp, offset in kept.items()})

    def crash(self) -> None:
        """Everything in memory gone; whatever Kafka acknowledged stays."""
        tasks = asyncio.all_tasks(self.loop)
        for task in tasks:
            task.cancel()

        async def gone() -> None:
            await asyncio.gather(*tasks, return_exceptions=True)

        self.run(gone())


def entries(batch: Batch, tables: Sequence[str]) -> list[tuple[str, str]]:
    return [(name, key) for name in tables for key in getattr(batch, name)]
