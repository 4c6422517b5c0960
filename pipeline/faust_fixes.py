"""Corrections to faust-streaming, applied when the app is built: its offset bookkeeping, and its
producer's idempotence.

When a partition's messages arrive with a jump, Faust records the offsets jumped over as
a gap that counts as processed once something beyond it is processed. The gap's offsets
are not marked as acknowledged, though, so when they do arrive (a re-read, or a stray
message fetched before a rebalance) they are acknowledged a second time, and the same
offset stands twice in the list Faust commits from. Its commit then advances by one
offset per commit interval (faust-streaming issues #559 and #606): a rebalance or a crash
in that time repeats everything processed since.

Marking a gap's offsets as acknowledged when the gap is recorded keeps each offset once.
It also means a re-read of the gap never moves the commit by itself: only a message
beyond the gap does, and the agents take messages in offset order (see sequencing), so
by then the re-read is done.

For the same reason the offsets acknowledged before a gap is recorded are left out of it:
a seek back (Faust's own, to the committed offsets, while messages fetched before it are
still arriving) makes a gap over offsets that were processed already. Acknowledged means in
Faust's list of acknowledged offsets: its index also holds the marks of an earlier gap, and the
same gap recorded twice (one stale message after two seeks) must not take its own marks for
acknowledgements, or those offsets would count neither as a gap nor as processed, and the
commit would stop before them for good.
"""

from __future__ import annotations

from typing import Any

from faust.transport.consumer import Consumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

_original_add_gap = Consumer._add_gap


async def _add_gap_once(self: Any, tp: TP, offset_from: int, offset_to: int) -> None:
    # Acknowledged by the agent: in Faust's list of acknowledged offsets, and not only in its index,
    # where an earlier gap over the same offsets (the same stale message after two seeks) marked them.
    processed = [offset for offset in self._acked[tp] if offset_from <= offset <= offset_to]
    await _original_add_gap(self, tp, offset_from, offset_to)
    gap = self._gap[tp]
    for offset in processed:
        gap.chop(offset, offset + 1)
    committed = self._committed_offset[tp]
    start = max(offset_from, committed + 1) if committed is not None else offset_from
    self._acked_index[tp].update(range(start, offset_to + 1))


def count_gap_offsets_once() -> None:
    Consumer._add_gap = _add_gap_once  # type: ignore[method-assign]


def _idempotent_settings(self: Any) -> dict[str, Any]:
    return {"acks": "all", "enable_idempotence": True}


def idempotent_producer() -> None:
    """Faust's producer is idempotent only inside its transactions, which the agents do not use (see
    README). Without idempotence a send retried after a broker fails over can be written twice, or
    land after a later one of the same partition; with it the broker drops the repeat and keeps the order."""
    faust_aiokafka.Producer._settings_extra = _idempotent_settings  # type: ignore[method-assign]
