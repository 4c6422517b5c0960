"""The worker's consumer hands a fetch to its streams in one task, and keeps what Faust's drain loop
keeps: the order, the read offsets and gaps, a flow stop (a rebalance or a seek) cutting the
hand-over short at the message it is on, and commits that no flow stop cancels.

The consumer is the one ``build_app`` gives a worker, with its fetches and its streams stood in for:
no broker is involved.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from faust.types import TP, Message

from pipeline.app import build_app
from pipeline.config.settings import Settings
from pipeline.worker.fetch_handover import YIELD_EVERY, FetchHandOverConsumer

LINES_0, LINES_1 = TP("news.lines", 0), TP("news.lines", 1)

Fetch = list[tuple[TP, Message]]


def message(tp: TP, offset: int) -> Message:
    return Message(tp.topic, tp.partition, offset, 0.0, 0, [], b"key", b"value", None)


def task_name() -> str:
    task = asyncio.current_task()
    assert task is not None
    return task.get_name()


def fetch(tp: TP, *offsets: int) -> Fetch:
    return [(tp, message(tp, offset)) for offset in offsets]


class Streams:
    """Stands in for Faust's conductor: records each message handed over and the task that did it;
    ``on_message`` can make a message's hand-over wait, as a full stream buffer does, or fail."""

    def __init__(self) -> None:
        self.handed: list[tuple[TP, int]] = []
        self.tasks: list[str] = []
        """the name of the task that handed each message over: the task itself would keep its frames"""
        self.blocked = asyncio.Event()
        self.block_at: tuple[TP, int] | None = None
        self.after: Callable[[Message], Awaitable[None]] | None = None

    async def on_message(self, message: Message) -> None:
        if (message.tp, message.offset) == self.block_at:
            self.blocked.set()
            await asyncio.Event().wait()  # until cancelled
        self.handed.append((message.tp, message.offset))
        self.tasks.append(task_name())
        if self.after is not None:
            await self.after(message)


class Drain:
    """The consumer's drain loop over scripted fetches, until the script is done."""

    def __init__(self, consumer: FetchHandOverConsumer, fetches: list[Fetch | Callable[[], Fetch]]) -> None:
        self.consumer, self.fetches = consumer, list(fetches)
        self.fetcher = SimpleNamespace(_stopped=asyncio.Event())
        consumer.getmany = self.getmany  # type: ignore[method-assign]

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Message]]:
        while not self.consumer.flow_active:  # as Faust's fetch waits until the flow may resume
            await asyncio.sleep(0.001)
        if not self.fetches:
            self.fetcher._stopped.set()
            return
        step = self.fetches.pop(0)
        for pair in step() if callable(step) else step:
            yield pair

    async def run(self) -> None:
        await asyncio.wait_for(self.consumer._drain_messages(self.fetcher), timeout=10)  # type: ignore[arg-type]


@pytest.fixture
def settings(no_pipeline_env: None, tmp_path: Path) -> Settings:
    return Settings(app_id="fetch-handover", data_dir=tmp_path)


def new_consumer(settings: Settings) -> FetchHandOverConsumer:
    """A worker's consumer, built in the running event loop as a worker's is (its events belong to it)."""
    app = build_app(settings)
    consumer = app.consumer
    assert isinstance(consumer, FetchHandOverConsumer)
    app.topics.acks_enabled_for = lambda topic: True  # type: ignore[method-assign]
    return consumer


def with_streams(consumer: FetchHandOverConsumer) -> Streams:
    streams = Streams()
    consumer.callback = streams.on_message
    return streams


def test_the_worker_builds_this_consumer_on_fausts_own(settings: Settings) -> None:
    async def scenario() -> None:
        consumer = new_consumer(settings)
        assert type(consumer).__mro__[1].__module__ == "faust.transport.drivers.aiokafka"

    asyncio.run(scenario())


def test_a_fetch_is_handed_over_in_its_order_by_one_task_of_its_own(settings: Settings) -> None:
    async def scenario() -> None:
        consumer = new_consumer(settings)
        streams = with_streams(consumer)
        first = fetch(LINES_0, 0, 1) + fetch(LINES_1, 0) + fetch(LINES_0, 2) + fetch(LINES_1, 1)
        drain = Drain(consumer, [first, fetch(LINES_0, 3, 4)])

        await drain.run()

        first_fetch = [(LINES_0, 0), (LINES_0, 1), (LINES_1, 0), (LINES_0, 2), (LINES_1, 1)]
        assert streams.handed == [*first_fetch, (LINES_0, 3), (LINES_0, 4)]
        assert consumer._read_offset[LINES_0] == 4 and consumer._read_offset[LINES_1] == 1
        assert len(set(streams.tasks[:5])) == 1 and len(set(streams.tasks[5:])) == 1
        assert streams.tasks[0] != task_name() and streams.tasks[0] != streams.tasks[5]

    asyncio.run(scenario())


def test_a_long_fetch_gives_the_event_loop_a_turn_as_faust_does(settings: Settings) -> None:
    async def scenario() -> None:
        consumer = new_consumer(settings)
        streams = with_streams(consumer)
        turns: list[int] = []

        async def count_turns() -> None:
            while True:
                turns.append(len(streams.handed))
                await asyncio.sleep(0)

        beside = asyncio.ensure_future(count_turns())
        await Drain(consumer, [fetch(LINES_0, *range(3 * YIELD_EVERY))]).run()
        beside.cancel()

        assert len(streams.handed) == 3 * YIELD_EVERY
        assert {YIELD_EVERY, 2 * YIELD_EVERY} <= set(turns)

    asyncio.run(scenario())


def test_a_flow_stop_cuts_the_hand_over_short_at_the_message_it_is_on(settings: Settings) -> None:
    """A rebalance or a seek stops the flow while a stream's buffer is full: the message waiting is not
    handed over, nor any after it in that fetch (they were fetched before the seek); once the seek has
    put the partition back and the flow resumes, the next fetch is handed over from there."""

    async def scenario() -> None:
        consumer = new_consumer(settings)
        streams = with_streams(consumer)
        streams.block_at = (LINES_0, 3)

        def after_the_seek() -> Fetch:
            assert not streams.handed[3:], "nothing of the first fetch after the blocked message"
            return fetch(LINES_0, 3, 4, 5)

        drain = Drain(consumer, [fetch(LINES_0, 0, 1, 2, 3, 4, 5), after_the_seek])

        async def seek_while_blocked() -> None:
            await streams.blocked.wait()
            consumer.stop_flow()
            await asyncio.sleep(0.01)
            assert consumer._read_offset[LINES_0] == 2, "the read offset stays at the last message handed over"
            consumer._read_offset[LINES_0] = 3  # where the seek to the committed offset puts it
            streams.block_at = None
            consumer.resume_flow()

        await asyncio.gather(drain.run(), seek_while_blocked())

        assert streams.handed == [(LINES_0, offset) for offset in (0, 1, 2, 3, 4, 5)]
        assert consumer._read_offset[LINES_0] == 5

    asyncio.run(scenario())


def test_a_rebalance_during_the_hand_over_hands_over_nothing_more_of_the_fetch(settings: Settings) -> None:
    async def scenario() -> None:
        consumer = new_consumer(settings)
        streams = with_streams(consumer)

        async def rebalance_after_the_second(message: Message) -> None:
            if message.offset == 1:
                consumer.app.consumer_generation_id += 1  # type: ignore[attr-defined]

        streams.after = rebalance_after_the_second
        await Drain(consumer, [fetch(LINES_0, 0, 1, 2, 3), fetch(LINES_0, 2, 3)]).run()

        assert streams.handed == [(LINES_0, offset) for offset in (0, 1, 2, 3)]
        assert len(set(streams.tasks[:2])) == 1 and streams.tasks[2] != streams.tasks[0]

    asyncio.run(scenario())


def test_a_commit_falls_due_between_hand_overs_and_no_flow_stop_cancels_it(settings: Settings) -> None:
    """Every second acknowledgement makes a commit due; a rebalance begins while Kafka has the first."""

    async def scenario() -> None:
        consumer = new_consumer(settings)
        streams = with_streams(consumer)
        consumer._commit_every = 2
        drain = Drain(consumer, [fetch(LINES_0, 0, 1, 2, 3), fetch(LINES_0, 2, 3)])
        finished: list[str] = []

        async def acknowledged(message: Message) -> None:
            consumer._n_acked += 1

        async def commit(*args: Any, **kwargs: Any) -> bool:
            if not finished:
                consumer.stop_flow()
                await asyncio.sleep(0.01)
                consumer.app.consumer_generation_id += 1  # type: ignore[attr-defined]
                consumer._read_offset[LINES_0] = 2  # the rebalance's seek to the committed offset
                consumer.resume_flow()
            finished.append(task_name())
            return True

        streams.after = acknowledged
        consumer.commit = commit  # type: ignore[method-assign]
        await drain.run()

        assert len(finished) == 2, "each commit ran to its end"
        assert not set(finished) & set(streams.tasks), "commits are made between hand-overs"
        assert streams.handed == [(LINES_0, offset) for offset in (0, 1, 2, 3)]
        assert len(set(streams.tasks[:2])) == 1 and streams.tasks[2] != streams.tasks[0]

    asyncio.run(scenario())


def test_messages_behind_the_read_offset_are_dropped_and_a_jump_records_a_gap(settings: Settings) -> None:
    async def scenario() -> None:
        consumer = new_consumer(settings)
        streams = with_streams(consumer)
        consumer._read_offset[LINES_0] = 5

        await Drain(consumer, [fetch(LINES_0, 3, 4, 5, 6, 9, 10)]).run()

        assert streams.handed == [(LINES_0, offset) for offset in (5, 6, 9, 10)]
        assert sorted((interval.begin, interval.end) for interval in consumer._gap[LINES_0]) == [(7, 10)]

    asyncio.run(scenario())


def test_a_failure_handing_a_message_over_ends_the_drain_loop_with_it(settings: Settings) -> None:
    async def scenario() -> None:
        consumer = new_consumer(settings)
        streams = with_streams(consumer)

        async def fail(message: Message) -> None:
            raise ValueError(f"cannot hand over {message.offset}")

        streams.after = fail
        with pytest.raises(ValueError, match="cannot hand over 0"):
            await Drain(consumer, [fetch(LINES_0, 0, 1)]).run()
        assert streams.handed == [(LINES_0, 0)]

    asyncio.run(scenario())


def test_a_fetch_cut_short_is_let_go_of_while_the_next_is_awaited(settings: Settings) -> None:
    """At a rebalance Faust waits until every message handed over is acknowledged or gone (it holds
    them weakly); messages it cleared from the streams' buffers are never acknowledged, so the drain
    loop must not hold them while it waits for the flow to resume."""

    async def scenario() -> None:
        consumer = new_consumer(settings)
        streams = with_streams(consumer)
        streams.block_at = (LINES_0, 2)
        handed_over: list[weakref.ref[Message]] = []

        def first() -> Fetch:
            pairs = fetch(LINES_0, 0, 1, 2, 3)
            handed_over.extend(weakref.ref(message) for _, message in pairs)
            return pairs

        drain = Drain(consumer, [first, fetch(LINES_0, 2, 3)])

        async def rebalance_while_blocked() -> None:
            await streams.blocked.wait()
            consumer.stop_flow()
            await asyncio.sleep(0.01)  # the drain loop waits for the flow to resume
            gc.collect()
            assert [ref() for ref in handed_over] == [None] * 4, "the cut fetch is let go of"
            consumer._read_offset[LINES_0] = 2
            streams.block_at = None
            consumer.resume_flow()

        await asyncio.gather(drain.run(), rebalance_while_blocked())
        assert streams.handed == [(LINES_0, offset) for offset in (0, 1, 2, 3)]

    asyncio.run(scenario())
