"""Processing each partition's messages in offset order, whatever order the client hands them over
(docs/delivery.md names the states and steps).

Around a rebalance or a seek, faust-streaming can hand an agent messages fetched before it
ahead of the ones it reads from the new position (faust-streaming issues #221 and #606): the
partition seems to jump forward. Processing such a message would put an article's lines out of
order, and Faust's commit arithmetic counts the offsets jumped over as processed once something
beyond them is acknowledged (a gap, or a first acknowledged offset one past the committed one),
so they would never be read again.

Our input topics are written without transactions and never compacted, so their offsets have
no holes: the only offsets a partition lacks are those before its log start, which the worker
asks the broker for. So where a partition is to be read is known: from the consumer's read
position (the committed offset, or the log start when that is later), then one offset after
another. A message anywhere else waits, unacknowledged (so no commit passes it), and the
consumer seeks to the committed offsets of its partitions; the seek is asked for again every
``seek_after_s`` (by the next message, or by the worker's timer) until the partition arrives
where it should. A copy of the jumped-to message may arrive again after the seek (fetched
before it): it waits like the first. While the read position is not known (the broker did not
say where the log starts, and nothing is committed), nothing is processed: every message waits
and asks for a seek, at which the worker asks the broker again.

A message before the next offset is a repeat of the client's: processed already here, or
committed. And a read position past the next offset means the log start moved past it
(retention, or records deleted): the partition goes on from there.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["SEEK_AFTER_S"]

SEEK_AFTER_S = 5.0
"""how long a partition waits for a seek to bring it where it should be before one is asked for again"""

Decision = Literal["process", "wait", "seek", "repeat"]
"""process it; leave it unacknowledged until a seek brings it again; leave it and seek to the
committed offsets; or leave it, since it is processed already (a repeat)"""


@dataclass
class Jump:
    """A partition waiting for a seek to bring it where it should be."""

    expected: int | None
    """the offset the partition is to be read from; None while the read position is not known"""
    arrived: int
    """the offset that came instead"""
    asked_at: float
    seeks: int = 1


@dataclass
class OffsetSequencer:
    """Per partition, whether a message may be processed now."""

    seek_after_s: float = SEEK_AFTER_S
    jumps: dict[Hashable, Jump] = field(default_factory=dict)
    _next: dict[Hashable, int] = field(default_factory=dict)
    """partition -> the offset after the last one this process processed"""

    def decide(self, partition: Hashable, offset: int, read_from: int | None, now: float) -> Decision:
        """``read_from``: where the consumer reads the partition from (the committed offset, or the
        log start when later), if known; ``now``: a clock."""
        expected = self._next.get(partition)
        if read_from is not None and (expected is None or read_from > expected):
            expected = read_from
        if expected is not None and offset < expected:
            return "repeat"
        if offset == expected:
            self.jumps.pop(partition, None)
            self._next[partition] = offset + 1
            return "process"
        jump = self.jumps.get(partition)
        if jump is None:
            self.jumps[partition] = Jump(expected, offset, now)
            return "seek"
        if now - jump.asked_at >= self.seek_after_s:
            self.jumps[partition] = Jump(expected, offset, now, jump.seeks + 1)
            return "seek"
        return "wait"  # more of what was fetched before the seek

    def overdue(self, now: float) -> list[Hashable]:
        """Partitions whose seek has not brought them where they should be for ``seek_after_s``, with
        no message since to ask again: they are asked for again now."""
        late = [p for p, jump in self.jumps.items() if now - jump.asked_at >= self.seek_after_s]
        for partition in late:
            jump = self.jumps[partition]
            self.jumps[partition] = Jump(jump.expected, jump.arrived, now, jump.seeks + 1)
        return late

    def forget(self, partitions: Iterable[Hashable]) -> None:
        """Partitions revoked by a rebalance: whoever is assigned them next starts afresh."""
        for partition in partitions:
            self.jumps.pop(partition, None)
            self._next.pop(partition, None)
