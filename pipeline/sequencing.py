"""Taking each partition's messages in offset order, whatever order the client hands them over.

Around a rebalance, faust-streaming can hand an agent a message fetched before the
rebalance ahead of messages it has not delivered yet (faust-streaming issues #221
and #606): the partition seems to jump forward. Taking that message would put an
article's lines out of order, and Faust records the offsets jumped over as a gap that
it may commit past once something beyond them is processed, so they would never be
read again.

Our input topics are written without transactions and never compacted, so their
offsets have no holes: a jump means messages were skipped. The agent then holds the
message (never counted as processed, so no commit passes the hole) and has the
consumer read its partitions again from their committed offsets. Should the re-read
bring the same jump back, the hole is real (a transactional producer's markers) or
the messages were processed elsewhere already, and the message is taken.

A jump is judged against what this process took last from the partition. Before it has
taken anything there, the first message must be where reading starts: the committed
offset when the consumer knows it, else a place the stored progress allows (the offset
after the last one taken, or the start of a batch, which the caller recognises). On a
fresh start Faust can hand over messages fetched before its seek to the committed
offsets, and skip some, while the partition is still being read again; taking one of
those would start the partition in the wrong place. For the same reason a message this
process has taken already is a repeat of the client's, and is not taken again.

"Taken already" means taken by this process, not merely passed: Faust commits only a run of
offsets acknowledged one after another from the committed offset, and this process
acknowledges only what it takes. Taking a jump the re-read seemed to bring back (a copy of
the jumped-to message fetched before the seek may arrive ahead of the re-read), or starting
after the committed offset when the consumer did not know it yet, passes offsets without
taking them. One of those arriving later proves they were there: left alone, it would never
be processed, and no commit could pass it again. The partition is then started afresh and
read again from the committed offset, repeating what was taken since (same ids).
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
        ``committed``: the first offset not committed, if the consumer knows it; ``starts_batch``:
        whether a batch taken before started at this offset."""
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
        if offset == jumped_to:  # the re-read brought it back: that is where the partition is
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
