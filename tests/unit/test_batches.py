"""An agent's batches (``streaming.Batches``) take what is waiting, and never wait for more while they
hold events: Faust's stream skips what is queued while the flow is suspended or was fetched in an
earlier generation, and then waits; a batch waiting with it held its events unacknowledged, so they
were neither processed nor given up, and Faust's rebalance waited for them until the group's session
ran out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

from pipeline.streaming import Batches


class FlowControl:
    def __init__(self) -> None:
        self.active = True

    def is_active(self) -> bool:
        return self.active


class SkippingStream:
    """What Batches uses of Faust's stream, skipping as Faust's does: an event queued while the flow
    is suspended, or of an earlier generation, is passed over, and the stream waits for the next."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.channel = SimpleNamespace(queue=asyncio.Queue())

    def noack(self) -> SkippingStream:
        return self

    async def events(self) -> AsyncIterator[Any]:
        while True:
            await asyncio.sleep(0)
            event = await self.channel.queue.get()
            if not self.app.flow_control.is_active() or event.message.generation_id != self.app.consumer_generation_id:
                continue
            yield event


def event(offset: int, generation: int) -> Any:
    return SimpleNamespace(message=SimpleNamespace(offset=offset, generation_id=generation))


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
    app = SimpleNamespace(flow_control=FlowControl(), consumer_generation_id=3)
    assert first_batch([event(n, 3) for n in range(5)], app) == [0, 1, 2, 3, 4]


def test_a_batch_ends_before_an_event_of_an_earlier_generation_the_stream_would_skip() -> None:
    app = SimpleNamespace(flow_control=FlowControl(), consumer_generation_id=3)
    assert first_batch([event(7, 3), event(8, 3), event(5, 2)], app) == [7, 8]


def test_a_batch_ends_when_the_flow_is_suspended() -> None:
    app = SimpleNamespace(flow_control=FlowControl(), consumer_generation_id=3)
    queued = [event(7, 3), event(8, 3)]

    class SuspendingQueueStream(SkippingStream):
        async def events(self) -> AsyncIterator[Any]:
            async for taken in super().events():
                app.flow_control.active = False  # a rebalance begins as the first event is taken
                yield taken

    assert first_batch(queued, app, SuspendingQueueStream) == [7]
