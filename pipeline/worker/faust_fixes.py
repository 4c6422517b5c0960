"""Corrections to faust-streaming, applied when the app is built: its offset bookkeeping, and its
producer's idempotence.

When a partition's messages arrive with a jump, Faust records the offsets jumped over (and
the one that jumped) as a gap that counts as processed once something beyond it is
acknowledged. When the gap's offsets do arrive (what a seek brings, or a stray message
fetched before a rebalance) and are acknowledged, Faust keeps them in the gap as well, and
the same offset stands twice in the list it commits from. Its commit then advances by one
offset per commit interval (faust-streaming issues #559 and #606): a rebalance or a crash
in that time repeats everything processed since.

So an offset leaves the gap when it is acknowledged, and a gap is recorded without the
offsets acknowledged already (a seek back, Faust's own or the agent's, while messages
fetched before it are still arriving, makes a gap over offsets processed already). Each
offset then counts once, as acknowledged or as part of a gap, and a gap that ends where the
partition does is counted as soon as its offsets are acknowledged, not when something after
it is.
"""

from __future__ import annotations

from typing import Any

from faust.transport.consumer import Consumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

__all__ = ["count_gap_offsets_once", "idempotent_producer"]

_original_add_gap = Consumer._add_gap
_original_ack = Consumer.ack


async def _add_gap_of_offsets_not_acked(self: Any, tp: TP, offset_from: int, offset_to: int) -> None:
    await _original_add_gap(self, tp, offset_from, offset_to)
    gap = self._gap[tp]
    for offset in [offset for offset in self._acked_index[tp] if offset_from <= offset <= offset_to]:
        gap.chop(offset, offset + 1)


def _ack_out_of_gap(self: Any, message: Any) -> bool:
    counted: bool = _original_ack(self, message)
    if counted:
        gap = self._gap.get(message.tp)
        if gap:
            gap.chop(message.offset, message.offset + 1)
    return counted


def count_gap_offsets_once() -> None:
    Consumer._add_gap = _add_gap_of_offsets_not_acked  # type: ignore[method-assign]
    Consumer.ack = _ack_out_of_gap  # type: ignore[method-assign]


def _idempotent_settings(self: Any) -> dict[str, Any]:
    return {"acks": "all", "enable_idempotence": True}


def idempotent_producer() -> None:
    """Faust's producer is idempotent only inside its transactions, which the agents do not use (see
    docs/architecture.md). Without idempotence a send retried after a broker fails over can be written twice, or
    land after a later one of the same partition; with it the broker drops the repeat and keeps the order."""
    faust_aiokafka.Producer._settings_extra = _idempotent_settings  # type: ignore[method-assign]
