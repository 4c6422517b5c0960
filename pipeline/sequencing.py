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
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Literal

Admission = Literal["take", "hold", "reread"]


@dataclass
class OffsetSequencer:
    """Per partition, whether a message may be taken now, given the last offset taken there."""

    reread_after_s: float = 5.0
    """how long to wait for a re-read before asking for another"""
    _jumps: dict[Hashable, tuple[int, float]] = field(default_factory=dict)
    """partition -> the offset that jumped ahead and when the re-read was asked for"""

    def admit(self, partition: Hashable, offset: int, last_taken: int | None, now: float) -> Admission:
        # Nothing known yet, the next offset, or an earlier one (a redelivery after a restart
        # or rebalance, which the processing recognises): taken.
        if last_taken is None or offset <= last_taken + 1:
            self._jumps.pop(partition, None)
            return "take"
        jump = self._jumps.get(partition)
        if jump is None:
            self._jumps[partition] = (offset, now)
            return "reread"
        jumped_to, asked_at = jump
        if offset == jumped_to:
            del self._jumps[partition]
            return "take"
        if now - asked_at >= self.reread_after_s:
            self._jumps[partition] = (jumped_to, now)
            return "reread"
        return "hold"  # more of what was fetched before the re-read was asked for

    def forget(self, partitions: Iterable[Hashable]) -> None:
        """Partitions taken away by a rebalance: whoever reads them next starts afresh."""
        for partition in partitions:
            self._jumps.pop(partition, None)
