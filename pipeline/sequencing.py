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
asks the broker for (``StoredState.committed`` gives the committed offset, or the log start
when it is later). So where a partition is to be read is known: from the committed offset, then
one offset after another. A message anywhere else waits, unacknowledged (so no commit passes
it), and the consumer seeks to the committed offsets of its partitions; the seek is asked for
again every ``seek_after_s`` until the partition arrives where it should. A copy of the
jumped-to message may arrive again after the seek (fetched before it): it waits like the first.

Only a worker that could not learn where a partition's log starts, and has nothing committed
there, goes without: it starts the partition after the last offset processed as stored, or at
a batch's start, and processes a jump that a later batch brings back, since nothing else says
where the partition is. Should that start turn out wrong (an offset before it arrives, neither
processed here nor committed), the partition is restarted: read again from the committed
offset, repeating what was processed since (same ids).

A message this process has processed already is a repeat of the client's, and is left alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Literal

Decision = Literal["process", "wait", "seek", "restart", "repeat"]
"""process it; leave it unacknowledged until the seek brings it again; leave it and seek to the
committed offsets; leave it, seek, and restart the partition, since this process went past it
without processing it; or leave it, since this process has processed it already (a repeat)"""


@dataclass
class OffsetSequencer:
    """Per partition, whether a message may be processed now."""

    seek_after_s: float = 5.0
    """how long to wait for a seek to bring the partition where it should be before asking again"""
    _jumps: dict[Hashable, tuple[int, float]] = field(default_factory=dict)
    """partition -> the offset that jumped ahead and when the seek was asked for"""
    _processed_here: dict[Hashable, list[range]] = field(default_factory=dict)
    """partition -> the offsets this process processed since it started the partition, in runs: a
    jump it processed begins a new run"""

    def decide(
        self,
        partition: Hashable,
        offset: int,
        last_processed: int | None,
        now: float,
        committed: int | None = None,
        starts_batch: bool = False,
    ) -> Decision:
        """``last_processed``: the last offset processed from the partition as stored, by any process;
        ``committed``: where the consumer reads the partition from (the first offset not committed,
        or the log start when later), if known; ``starts_batch``: whether a batch processed before
        started at this offset; ``now``: a clock that moves on between batches."""
        runs = self._processed_here.get(partition)
        here = runs[-1].stop - 1 if runs else None
        if here is not None:
            in_place = offset <= here + 1
        elif committed is not None:
            in_place = offset == committed
        else:
            in_place = last_processed is None or offset == last_processed + 1 or starts_batch
        if in_place:
            self._jumps.pop(partition, None)
            if here is not None and offset <= here:
                return self._behind(partition, offset, committed)
            self._mark_processed(partition, offset)
            return "process"
        jump = self._jumps.get(partition)
        if jump is None:
            self._jumps[partition] = (offset, now)
            return "seek"
        jumped_to, asked_at = jump
        if committed is None and offset == jumped_to and now > asked_at:
            # Nothing says where the partition is but a later batch bringing the same jump back.
            del self._jumps[partition]
            self._mark_processed(partition, offset)
            return "process"
        if now - asked_at >= self.seek_after_s:
            self._jumps[partition] = (jumped_to, now)
            return "seek"
        return "wait"  # more of what was fetched before the seek

    def _mark_processed(self, partition: Hashable, offset: int) -> None:
        runs = self._processed_here.setdefault(partition, [])
        if runs and offset == runs[-1].stop:
            runs[-1] = range(runs[-1].start, offset + 1)
        else:
            runs.append(range(offset, offset + 1))

    def _behind(self, partition: Hashable, offset: int, committed: int | None) -> Decision:
        """A message at or before the last offset processed here: a repeat, or one passed without processing it."""
        processed = any(offset in run for run in self._processed_here[partition])
        # With no committed offset known, Faust's commit does not wait for a hole either: left, as before.
        if processed or committed is None or offset < committed:
            return "repeat"
        # Neither processed here nor committed, and the consumer counts nothing past it until it
        # is acknowledged: restart the partition, at the committed offset.
        self.forget([partition])
        return "restart"

    def started(self, partition: Hashable) -> bool:
        """Whether this process has processed any of the partition since it was assigned."""
        return partition in self._processed_here

    def forget(self, partitions: Iterable[Hashable]) -> None:
        """Partitions revoked by a rebalance: whoever is assigned them next starts afresh."""
        for partition in partitions:
            self._jumps.pop(partition, None)
            self._processed_here.pop(partition, None)
