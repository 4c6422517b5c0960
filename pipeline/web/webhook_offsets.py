"""How far the webhook sink may commit: per partition, the first record that some subscriber wanting
it has not finished (had it delivered, or its dead letter acknowledged by Kafka).

Pure: no Kafka client, no asyncio. Subscribers finish records in their own time and order relative to
each other, so a record finished by all may sit behind one that is not; the commit stops at the first
unfinished one, and what follows it is posted again should the sink die before it finishes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from aiokafka.structs import TopicPartition


@dataclass
class _Partition:
    next_offset: int
    """the offset after the last record registered: where to commit once nothing is unfinished"""
    unfinished: dict[int, set[str]] = field(default_factory=dict)
    """offset to the subscribers yet to finish it; records are registered in offset order and a dict
    keeps the order of insertion, so its first key is the lowest unfinished offset"""


class PendingDeliveries:
    """The records read from each partition and not yet finished by every subscriber that wants them."""

    def __init__(self) -> None:
        self._partitions: dict[TopicPartition, _Partition] = {}

    def register(self, partition: TopicPartition, offset: int, subscribers: Iterable[str]) -> None:
        """A record read, with the names of the subscribers it is for (none: it is finished at once)."""
        known = self._partitions.get(partition)
        if known is None:
            known = self._partitions[partition] = _Partition(next_offset=offset)
        if offset < known.next_offset:
            # Commits would then skip what the earlier reading left unfinished: after a rebalance, a
            # partition is read again from its committed offset only once ``clear`` has forgotten it.
            raise ValueError(f"{partition} offset {offset} registered after {known.next_offset - 1}")
        waiting = set(subscribers)
        if waiting:
            known.unfinished[offset] = waiting
        known.next_offset = offset + 1

    def done(self, partition: TopicPartition, offset: int, subscriber: str) -> None:
        """``subscriber`` has finished the record. A record forgotten by ``clear`` is let be."""
        known = self._partitions.get(partition)
        waiting = known.unfinished.get(offset) if known is not None else None
        if known is None or waiting is None:
            return
        waiting.discard(subscriber)
        if not waiting:
            del known.unfinished[offset]

    def committable(self) -> dict[TopicPartition, int]:
        """Per partition read, the offset to commit: the first unfinished record's, or the next one's."""
        return {
            partition: next(iter(known.unfinished), known.next_offset) for partition, known in self._partitions.items()
        }

    def clear(self) -> None:
        """Forgets every partition: after a rebalance each is read again from its committed offset."""
        self._partitions.clear()
