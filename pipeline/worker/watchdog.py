"""Noticing a worker that has stopped making progress while work is waiting.

A Kafka client can survive a broker restart yet never resume (a flush that waits
forever on a lost connection). The watchdog compares the consumer group's
committed offsets with the end of its input topics: if there is input waiting
and the committed offsets have not moved for ``stall_after_s``, the worker is
stuck, and the safe thing is to exit and be restarted: processing is idempotent,
so a restart loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


@dataclass
class ProgressWatch:
    """Pure bookkeeping: given samples of committed and end offsets, say whether progress stalled."""

    stall_after_s: float
    _last_committed: dict[Any, int] = field(default_factory=dict)
    _unchanged_since: float | None = None

    def stalled(self, now: float, committed: Mapping[Any, int], ends: Mapping[Any, int]) -> bool:
        waiting = any(end > committed.get(tp, 0) for tp, end in ends.items())
        moved = dict(committed) != self._last_committed
        self._last_committed = dict(committed)
        if not waiting or moved:
            self._unchanged_since = None if not waiting else now
            return False
        if self._unchanged_since is None:
            self._unchanged_since = now
        return now - self._unchanged_since >= self.stall_after_s


async def group_progress(
    options: dict[str, Any], group_id: str, topics: list[str]
) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
    """The group's committed offsets and the end offsets of ``topics``."""
    admin = AIOKafkaAdminClient(**options)
    consumer = AIOKafkaConsumer(**options, group_id=None, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        # Asked of the broker: a group-less consumer that has subscribed to nothing knows no topic's
        # partitions, so the topics looked empty and a stuck worker was never seen as stuck.
        described = await admin.describe_topics(list(topics))
        partitions = [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            if not topic["error_code"]
            for partition in topic["partitions"]
        ]
        if not partitions:
            return {}, {}
        ends = await consumer.end_offsets(partitions)
        offsets = await admin.list_consumer_group_offsets(group_id, partitions=partitions)
        committed = {tp: meta.offset for tp, meta in offsets.items() if meta is not None and meta.offset >= 0}
        return committed, dict(ends)
    finally:
        # aiokafka's group-less consumer can leak the cancellation of its own internal
        # task from stop(); the offsets are already read, so it must not fail the check.
        with contextlib.suppress(asyncio.CancelledError):
            await consumer.stop()
        await admin.close()
