"""An agent's batches (``streaming.Batches``) take what is waiting, and never wait for more while they
hold events: Faust's stream skips what is queued while the flow is suspended or was fetched in an
earlier generation, and then waits; a batch waiting with it held its events unacknowledged, so they
were neither processed nor given up, and Faust's rebalance waited for them until the group's session
ran out. What a batch takes beside the stream is tracked as the stream tracks what it takes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

from pipeline.worker.streaming import Batches


class FlowControl:
    def __init__(self) -> None:
        self.active = True

    def is_active(self) -> bool:
        return self.active


def app_of_generation(generation: int) -> Any:
    consumer = SimpleNamespace(unacked=set())
    return SimpleNamespace(
        flow_control=FlowControl(),
        consumer_generation_id=generation,
        consumer=consumer,
        topics=SimpleNamespace(acking_topics={"lines"}),
    )


class SkippingStream:
    """What Batches uses of Faust's stream, skipping as Faust's does: an event queued while the flow
    is suspended, or of an earlier generation, is passed over, and the stream waits for the next.
    Like Faust's, it lets other tasks run before each take."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.channel = SimpleNamespace(queue=asyncio.Queue())
        self.events_total = 0
        self.sensed: list[tuple[str, int]] = []

    def _on_message_in(self, tp: str, offset: int, message: Any) -> None:
        self.sensed.append(("message in", offset))

    def _on_stream_event_in(self, tp: str, offset: int, stream: Any, event: Any) -> None:
        self.sensed.append(("event in", offset))

    def noack(self) -> SkippingStream:
        return self

    async def events(self) -> AsyncIterator[Any]:
        while True:
            await asyncio.sleep(0)
            event = await self.channel.queue.get()
            if not self.app.flow_control.is_active() or event.message.generation_id != self.app.consumer_generation_id:
                continue
            event.message.tracked = True
            self.app.consumer.unacked.add(event.message)
            yield event


class Message(SimpleNamespace):
    __hash__ = object.__hash__  # in the consumer's set of messages not yet acknowledged, as Faust's are


def event(offset: int, generation: int) -> Any:
    message = Message(topic="lines", tp="lines/0", offset=offset, generation_id=generation, tracked=False)
    return SimpleNamespace(message=message)


def first_batch(queued: list[Any], app: Any, stream_type: type[SkippingStream] = SkippingStream) -> list[int]:
    async def take() -> list[int]:
        stream = stream_type(app)
        for item in queued:
            stream.channel.queue.put_nowait(item)
        batches = Batches(app, stream, max_messages=100)  # type: ignore[arg-type]
        async for batch in batches:
            return [e.message.offset for e in batch]
        raise AssertionError("no batch")

    return asyncio.run(asyncio.wait_for(take(), timeout=5))


def test_a_batch_is_what_is_waiting() -> None:
    app = app_of_generation(3)
    assert first_batch([event(n, 3) for n in range(5)], app) == [0, 1, 2, 3, 4]


def test_what_a_batch_takes_is_tracked_as_the_stream_tracks_it() -> None:
    app = app_of_generation(3)
    queued = [event(7, 3), event(8, 3), event(5, 2)]
    assert first_batch(queued, app) == [7, 8]
    assert sorted(m.offset for m in app.consumer.unacked) == [7, 8]  # a rebalance waits for these
    assert [e.message.tracked for e in queued] == [True, True, False]


def test_a_batch_ends_before_an_event_of_an_earlier_generation_the_stream_would_skip() -> None:
    app = app_of_generation(3)
    assert first_batch([event(7, 3), event(8, 3), event(5, 2)], app) == [7, 8]


def test_a_batch_ends_when_the_flow_is_suspended() -> None:
    app = app_of_generation(3)
    queued = [event(7, 3), event(8, 3)]

    class SuspendingQueueStream(SkippingStream):
        async def events(self) -> AsyncIterator[Any]:
            async for taken in super().events():
                app.flow_control.active = False  # a rebalance begins as the first event is taken
                yield taken

    assert first_batch(queued, app, SuspendingQueueStream) == [7]


def test_a_batch_is_handed_over_when_the_flow_is_suspended_while_it_is_gathered() -> None:
    """The flow suspended after the batch saw a current event waiting, before the stream took it: the
    stream skips it and waits, and a batch gathered through the stream waited with it, holding 7."""
    app = app_of_generation(3)
    queued = [event(7, 3), event(8, 3)]

    class SuspendedSoonStream(SkippingStream):
        async def events(self) -> AsyncIterator[Any]:
            async for taken in super().events():
                asyncio.get_running_loop().call_soon(setattr, app.flow_control, "active", False)
                yield taken

    assert first_batch(queued, app, SuspendedSoonStream)[0] == 7
