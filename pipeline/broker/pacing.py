"""When each line of a replay is due, in seconds from its start: as fast as possible, at a fixed
rate, or at the archive's own pace (its lines' ingest times), sped up or slowed down."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence

from pipeline.contracts.events import LineEvent

__all__ = ["at_rate", "at_speed", "in_time_order"]


def in_time_order(archives: Iterable[Sequence[LineEvent]]) -> list[LineEvent]:
    """The lines of several archives as they happened: merged by ingest time, each archive's
    own order kept (an article's lines never swap, even where its clock went back)."""
    return list(heapq.merge(*archives, key=lambda line: line.ingested_at))


def at_rate(count: int, rate: float) -> list[float]:
    return [number / rate for number in range(count)]


def at_speed(lines: Sequence[LineEvent], speed: float) -> list[float]:
    """The archive's gaps divided by ``speed``. A gap that goes back in time counts as none, so
    the schedule never runs backwards."""
    due: list[float] = []
    elapsed = 0.0
    previous = lines[0].ingested_at if lines else None
    for line in lines:
        assert previous is not None
        elapsed += max(0.0, (line.ingested_at - previous).total_seconds()) / speed
        previous = line.ingested_at
        due.append(elapsed)
    return due
