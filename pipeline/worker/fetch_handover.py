"""Faust's consumer, handing each fetch to the streams in one task rather than one task a message.

Faust's drain loop gives each fetched message to its stream under a race with the consumer's
flow stop (``wait_first(callback(message), suspend_flow.wait())``), so that a rebalance or a
seek can cut a hand-over short while the stream's buffer is full. Each race makes four tasks
and cancels three, for every message: with the message's decoding and queueing, about a tenth
of a classifying worker's processor time (``benchmarks/profile-worker.md``, proposal 1).

``FetchHandOverConsumer`` races once a fetch: one task hands the fetch's messages over in
order, and a flow stop cancels it at the message it is on, as Faust's race cancels that
message's hand-over. What it keeps of Faust's loop:

- messages reach their streams in the order Faust's fetch iterator gives them;
- a message behind the partition's read offset is dropped, and one that jumps ahead of it
  records the offsets between as a gap (``Consumer._add_gap``, with ``faust_fixes``);
- the read offset moves to a message once it is on its streams;
- once the flow stops or the consumer's generation changes, nothing more of the fetch is
  handed over: the rest of it was fetched before the rebalance or the seek, and is read
  again from where the seek puts the partition;
- a commit every ``broker_commit_every`` acknowledgements, made between hand-overs, so that
  a flow stop never cancels a commit (nor the recording of a gap) half-way;
- the event loop gets a turn every ``YIELD_EVERY`` messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers.aiokafka import Consumer
from faust.types import TP, Message
from mode import ServiceT

__all__ = ["FetchHandOverConsumer"]

YIELD_EVERY = 100
"""Messages handed over between turns given to the event loop, as in Faust's loop."""

Fetch = list[tuple[TP, Message]]


class FetchHandOverConsumer(Consumer):
    async def _drain_messages(self, fetcher: ServiceT) -> None:
        fetcher_stopped: Any = fetcher._stopped  # type: ignore[attr-defined]
        try:
            while not (self._stopped.is_set() or fetcher_stopped.is_set()):
                self.diag.set_flag(CONSUMER_FETCHING)
                fetch: Fetch = [pair async for pair in self.getmany(timeout=1.0)]
                # Faust's fetch iterator stops at a generation change; this is the generation it saw.
                generation = self.app.consumer_generation_id
                await self.sleep(0)  # a fetch that comes back at once must not keep the loop to itself
                if fetch and not self.should_stop:
                    await self._hand_over(fetch, generation)
                # Let go of the fetch before waiting for the next: at a rebalance Faust waits until every
                # message handed over is acknowledged or gone (it tracks them weakly), and the messages
                # it clears from the streams' buffers are never acknowledged; held here, they kept the
                # rebalance waiting until the group's session ran out.
                del fetch
                self.diag.unset_flag(CONSUMER_FETCHING)
        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            self.diag.unset_flag(CONSUMER_FETCHING)

    async def _hand_over(self, fetch: Fetch, generation: int) -> None:
        """Hand ``fetch`` over until it is done, the flow stops or the service stops; commit when due."""
        messages = iter(fetch)
        while True:
            handing = self._hand_over_until_commit_due(messages, generation)
            race = await self.wait_first(handing, self.suspend_flow.wait())
            if race.stopped or handing not in race.done or self.suspend_flow.is_set():
                return
            commit_due = race.results[race.done.index(handing)]
            if not commit_due:
                return
            self._n_acked = 0
            await self.commit()

    async def _hand_over_until_commit_due(self, messages: Iterator[tuple[TP, Message]], generation: int) -> bool:
        """Hand messages over in order; True when it stopped for a commit, with the rest still in ``messages``."""
        callback, read_offsets = self.callback, self._read_offset
        acks_enabled_for = self.app.topics.acks_enabled_for
        commit_every = self._commit_every
        since_yield = 0
        for tp, message in messages:
            if not self.flow_active or self.app.consumer_generation_id != generation:
                return False
            offset, read_offset = message.offset, read_offsets[tp]
            if read_offset is not None and offset < read_offset:
                continue
            if read_offset and offset - read_offset > 1 and acks_enabled_for(message.topic):
                # Shielded: a flow stop must not leave a gap half-recorded.
                await asyncio.shield(self._add_gap(tp, read_offset + 1, offset))
            await callback(message)
            read_offsets[tp] = offset
            since_yield += 1
            if since_yield >= YIELD_EVERY:
                since_yield = 0
                await asyncio.sleep(0)
            if commit_every is not None and self._n_acked >= commit_every:
                return True
        return False
