"""A partition given back by a rebalance and read again, through an agent's batches and Faust's own
acknowledgement and commit arithmetic: what the consumer commits must reach the partition's end.

No broker. Faust's Consumer methods (``ack``, ``perform_seek``, the committable offset) run on a bare
instance whose broker is a dict; the agent's batches go through ``finish`` and ``Batches`` as in the
worker; the test hands the agent the messages in the order a rebalance and a re-read give them.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import Any

import faust
from faust.events import Event
from faust.transport.drivers.aiokafka import Consumer
from faust.types import TP
from faust.types.tuples import ConsumerMessage
from intervaltree import IntervalTree
from structlog.testing import capture_logs

from pipeline.delivery import AlertDelivery, LineDelivery
from pipeline.domain.classifier import LineClassifier
from pipeline.streaming import Batches, finish, messages_of
from tests.unit.test_delivery import NOW, State, line, message

TOPIC = "classified"
PARTITION = TP(TOPIC, 0)


class _Topics:
    def acks_enabled_for(self, topic: str) -> bool:
        return True


class _FlowControl:
    def suspend(self) -> None: ...
    def clear(self) -> None: ...
    def resume(self) -> None: ...


class _App:
    def __init__(self) -> None:
        self.topics, self.flow_control = _Topics(), _FlowControl()
        self.consumer = _Consumer.bare(self)


class _Consumer(Consumer):
    """Faust's consumer bookkeeping over a broker that is a dict of committed offsets."""

    broker: dict[TP, int]
    rereads: int

    @classmethod
    def bare(cls, app: _App) -> _Consumer:
        consumer: Any = object.__new__(cls)
        consumer.app, consumer.broker, consumer.rereads = app, {}, 0
        consumer._acked, consumer._acked_index = defaultdict(list), defaultdict(set)
        consumer._gap = defaultdict(IntervalTree)
        consumer._committed_offset, consumer._read_offset = defaultdict(lambda: None), defaultdict(lambda: None)
        consumer._n_acked, consumer._unacked_messages, consumer._waiting_for_ack = 0, set(), None
        return consumer  # type: ignore[no-any-return]

    def stop_flow(self) -> None: ...
    def resume_flow(self) -> None: ...
    async def wait_for_stopped_flow(self) -> None: ...

    async def seek_to_committed(self) -> Mapping[TP, int]:
        self.rereads += 1
        return dict(self.broker)

    async def commit_now(self) -> None:
        """A commit interval: Faust's choice of offsets, stored where the broker would keep them."""
        offsets = self._filter_committable_offsets(list(self._acked))
        self._committed_offset.update(offsets)
        self.broker.update(offsets)

    def revoke(self) -> None:
        """What Faust's ``Consumer.on_partitions_revoked`` drops of a partition taken away."""
        for kept in (self._gap, self._acked, self._acked_index, self._read_offset, self._committed_offset):
            kept.pop(PARTITION, None)


class _Stream:
    """What ``Batches`` uses of the agent's stream: acknowledging an event, as ``Stream.ack`` does."""

    def __init__(self) -> None:
        self.channel = type("Channel", (), {"queue": asyncio.Queue()})()

    def noack(self) -> _Stream:
        return self

    async def ack(self, event: Event) -> bool:
        return event.ack()


class _Tables:
    def __init__(self, app: _App) -> None:
        self.app = app

    def write(self, batch: object, names: Collection[str]) -> list[object]:
        return []


class _Outbox:
    async def declared(self, topic: object) -> str:
        return str(topic)

    async def send(self, records: object, dead_letters: object = ()) -> asyncio.Future[None]:
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        sent.set_result(None)  # Kafka has it
        return sent


class _Committed(State):
    """The tables as the delivery reads them, with the committed offsets the consumer knows."""

    def __init__(self, consumer: _Consumer) -> None:
        super().__init__()
        self.consumer = consumer

    def committed(self, position: str) -> int | None:
        topic, partition = position.rsplit("/", 1)
        return self.consumer._committed_offset.get(TP(topic, int(partition)))


class _Worker:
    """One worker's agent over one partition, its batches finished as the worker finishes them."""

    def __init__(self, agent: AlertDelivery | LineDelivery, partition: list[bytes]) -> None:
        self.agent, self.partition = agent, partition
        self.app = _App()
        self.consumer = self.app.consumer
        self.state = _Committed(self.consumer)
        self.batches = Batches(self.app, _Stream(), 100)  # type: ignore[arg-type]
        self.tables = _Tables(self.app)
        self.processed: list[int] = []
        self.alerts: list[str] = []
        self.clock = 0.0

    async def hand_over(self, offsets: list[int]) -> bool:
        """The agent's next batch; whether it asked for the partition to be read again."""
        self.clock += 0.1
        events = [self._event(offset) for offset in offsets]
        rereads = self.consumer.rereads
        batch = self.state.apply(self.agent.take(messages_of(events), self.state, NOW, self.clock))
        self.processed += [offset for index, offset in enumerate(offsets) if index not in batch.held]
        self.alerts += [alert.kind for alert in batch.alerts]
        await finish(events, batch, self.batches, self.tables, _Outbox(), [])  # type: ignore[arg-type]
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        await self.batches.settle([], done)  # the batch's acknowledgements are in
        return self.consumer.rereads > rereads

    async def read_again(self, limit: int = 5) -> None:
        """The partition from the committed offset, for as long as the agent asks for it."""
        for _ in range(limit):
            start = self.consumer.broker.get(PARTITION, 0)
            if not await self.hand_over(list(range(start, len(self.partition)))):
                return

    async def rebalance(self) -> None:
        """The partition taken away and given back to this worker, read from its committed offset."""
        self.consumer.revoke()
        self.agent.forget([f"{TOPIC}/0"])
        await self.consumer.perform_seek()

    def _event(self, offset: int) -> faust.EventT[Any]:
        value = self.partition[offset]
        fetched = ConsumerMessage(TOPIC, 0, offset, 0.0, 0, None, b"a", value, None, tp=PARTITION)
        fetched.incref()  # one stream reads the topic
        return Event(self.app, b"a", value, None, fetched)  # type: ignore[arg-type]


def classified_partition(classifier: LineClassifier) -> list[bytes]:
    """Six classified lines; offset 1 (Kuleba on war crimes) raises the war_crimes alert."""
    lines = [line(6, "b"), *(line(n) for n in range(1, 6))]
    batch = LineDelivery(classifier, 65_536).take(
        [message(offset, event) for offset, event in enumerate(lines)], State(), NOW, 0.0
    )
    return [c.model_dump_json().encode() for c in batch.classified]


def test_a_jump_the_reread_seems_to_confirm_does_not_stop_the_commits_or_lose_a_line(
    classifier: LineClassifier,
) -> None:
    worker = _Worker(AlertDelivery(classifier), classified_partition(classifier))

    async def drill() -> None:
        await worker.hand_over([0])
        await worker.consumer.commit_now()  # the group's committed offset: 1
        await worker.rebalance()
        # Offset 3 was fetched before the rebalance (faust-streaming #221): a jump, and a re-read.
        assert await worker.hand_over([3])
        # A copy of 3 fetched before the seek to the committed offset arrives ahead of the re-read:
        # to the sequencer it is the re-read bringing the same jump back.
        await worker.hand_over([3])
        await worker.read_again()  # from the committed offset, 1
        await worker.consumer.commit_now()

    with capture_logs() as logged:
        asyncio.run(asyncio.wait_for(drill(), timeout=10))
    assert "partition_jumped" in {entry["event"] for entry in logged}
    committed = worker.consumer.broker[PARTITION]
    assert (committed, sorted(set(worker.processed)), worker.alerts) == (6, [0, 1, 2, 3, 4, 5], ["war_crimes"])
