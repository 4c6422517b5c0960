"""Taking each partition's messages in offset order, whatever order the client hands them over.

Around a rebalance or a seek, faust-streaming can hand an agent messages fetched before it
ahead of the ones it reads from the new position (faust-streaming issues #221 and #606): the
partition seems to jump forward. Taking such a message would put an article's lines out of
order, and Faust's commit arithmetic counts the offsets jumped over as processed once something
beyond them is (a gap, or a first acknowledged offset one past the committed one), so they
would never be read again.

Our input topics are written without transactions and never compacted, so their offsets have
no holes: the only offsets a partition lacks are those before its log start, which the worker
asks the broker for (``StoredState.committed`` gives the committed offset, or the log start
when it is later). So where a partition is to be read is known: from the committed offset, then
one offset after another. A message anywhere else is held (never counted as processed, so no
commit passes it) and the consumer reads its partitions again from their committed offsets,
asked again every ``reread_after_s`` until the partition arrives where it should. A copy of the
jumped-to message may arrive again after the re-read was asked for (fetched before it): it is
held like the first.

Only a worker that could not learn where a partition's log starts, and has nothing committed
there, goes without: it starts the partition after the last offset taken as stored, or at a
batch's start, and takes a jump that a later batch brings back, since nothing else says where
the partition is. Should that start turn out wrong (an offset before it arrives, neither taken
here nor committed), the partition is started afresh and read again from the committed offset,
repeating what was taken since (same ids).

A message this process has taken already is a repeat of the client's, and is not taken again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Literal

Admission = Literal["take", "hold", "reread", "restart", "seen"]
"""take it; hold it (not counted as processed) until a re-read; hold it and ask for the
re-read; hold it, ask for the re-read and start the partition afresh, since this process went
past it without taking it; or leave it, since this process has taken it already"""


@dataclass
class OffsetSequencer:
    """Per partition, whether a message may be taken now."""

    reread_after_s: float = 5.0
    """how long to wait for a re-read before asking for another"""
    _jumps: dict[Hashable, tuple[int, float]] = field(default_factory=dict)
    """partition -> the offset that jumped ahead and when the re-read was asked for"""
    _taken_here: dict[Hashable, list[range]] = field(default_factory=dict)
    """partition -> the offsets this process took since it started the partition, in runs: a
    jump it took begins a new run"""

    def admit(
        self,
        partition: Hashable,
        offset: int,
        last_taken: int | None,
        now: float,
        committed: int | None = None,
        starts_batch: bool = False,
    ) -> Admission:
        """``last_taken``: the last offset taken from the partition as stored, by any process;
        ``committed``: where the consumer reads the partition from (the first offset not committed,
        or the log start when later), if known; ``starts_batch``: whether a batch taken before
        started at this offset; ``now``: a clock that moves on between batches."""
        runs = self._taken_here.get(partition)
        here = runs[-1].stop - 1 if runs else None
        if here is not None:
            in_place = offset <= here + 1
        elif committed is not None:
            in_place = offset == committed
        else:
            in_place = last_taken is None or offset == last_taken + 1 or starts_batch
        if in_place:
            self._jumps.pop(partition, None)
            if here is not None and offset <= here:
                return self._behind(partition, offset, committed)
            self._take(partition, offset)
            return "take"
        jump = self._jumps.get(partition)
        if jump is None:
            self._jumps[partition] = (offset, now)
            return "reread"
        jumped_to, asked_at = jump
        if committed is None and offset == jumped_to and now > asked_at:
            # Nothing says where the partition is but a later batch bringing the same jump back.
            del self._jumps[partition]
            self._take(partition, offset)
            return "take"
        if now - asked_at >= self.reread_after_s:
            self._jumps[partition] = (jumped_to, now)
            return "reread"
        return "hold"  # more of what was fetched before the re-read was asked for

    def _take(self, partition: Hashable, offset: int) -> None:
        runs = self._taken_here.setdefault(partition, [])
        if runs and offset == runs[-1].stop:
            runs[-1] = range(runs[-1].start, offset + 1)
        else:
            runs.append(range(offset, offset + 1))

    def _behind(self, partition: Hashable, offset: int, committed: int | None) -> Admission:
        """A message at or before the last offset taken here: a repeat, or one passed without taking it."""
        taken = any(offset in run for run in self._taken_here[partition])
        # With no committed offset known, Faust's commit does not wait for a hole either: left, as before.
        if taken or committed is None or offset < committed:
            return "seen"
        # Neither processed here nor committed, and the consumer counts nothing past it until it
        # is acknowledged: start the partition again, at the committed offset.
        self.forget([partition])
        return "restart"

    def started(self, partition: Hashable) -> bool:
        """Whether this process has taken from the partition since it was assigned."""
        return partition in self._taken_here

    def forget(self, partitions: Iterable[Hashable]) -> None:
        """Partitions taken away by a rebalance: whoever reads them next starts afresh."""
        for partition in partitions:
            self._jumps.pop(partition, None)
            self._taken_here.pop(partition, None)
