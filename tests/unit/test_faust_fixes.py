"""Faust's commit bookkeeping around a gap, with the correction applied (see pipeline.worker.faust_fixes).

Runs Faust's own Consumer methods on a bare instance, so a change in those internals
shows up here first.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from faust.transport.drivers.aiokafka import Consumer
from faust.types import TP
from intervaltree import IntervalTree

from pipeline.worker.faust_fixes import count_gap_offsets_once

TOPIC_PARTITION = TP("news.lines", 0)


class _Topics:
    def acks_enabled_for(self, topic: str) -> bool:
        return True


class _App:
    topics = _Topics()


class _Message:
    def __init__(self, offset: int) -> None:
        self.tp, self.topic, self.offset, self.acked = TOPIC_PARTITION, TOPIC_PARTITION.topic, offset, False


def _consumer(committed: int) -> Any:
    consumer: Any = object.__new__(Consumer)
    consumer._acked, consumer._acked_index = defaultdict(list), defaultdict(set)
    consumer._gap = defaultdict(IntervalTree)
    consumer._committed_offset = defaultdict(lambda: None)
    consumer._committed_offset[TOPIC_PARTITION] = committed
    consumer._n_acked, consumer._unacked_messages, consumer._waiting_for_ack = 0, set(), None
    consumer.app = _App()
    return consumer


def _commits(consumer: Any, rounds: int = 6) -> list[int]:
    """The offsets committed by ``rounds`` commit intervals."""
    done = []
    for _ in range(rounds):
        offset = consumer._new_offset(TOPIC_PARTITION)
        if offset is not None and consumer._should_commit(TOPIC_PARTITION, offset):
            consumer._committed_offset[TOPIC_PARTITION] = offset
            done.append(offset)
    return done


def test_a_reread_gap_is_committed_in_one_step() -> None:
    count_gap_offsets_once()
    consumer = _consumer(committed=10)
    consumer.ack(_Message(10))
    asyncio.run(consumer._add_gap(TOPIC_PARTITION, 11, 15))  # offset 15 arrived right after 10
    for offset in range(11, 20):  # the partition read again, in order
        consumer.ack(_Message(offset))
    assert _commits(consumer) == [20]  # without the correction: 12, 13, 14, 15, 16, 20


def test_a_gap_being_reread_does_not_move_the_commit_past_unread_offsets() -> None:
    count_gap_offsets_once()
    consumer = _consumer(committed=10)
    consumer.ack(_Message(10))
    asyncio.run(consumer._add_gap(TOPIC_PARTITION, 11, 15))
    for offset in (11, 12):  # the re-read has reached 12; 13 to 15 are not processed yet
        consumer.ack(_Message(offset))
    assert _commits(consumer) == [13]


def test_a_gap_over_offsets_processed_already_does_not_slow_the_commit() -> None:
    count_gap_offsets_once()
    consumer = _consumer(committed=10)
    for offset in range(10, 15):
        consumer.ack(_Message(offset))
    # Faust sought back to 10 and then handed over 17, fetched before the seek.
    asyncio.run(consumer._add_gap(TOPIC_PARTITION, 11, 16))
    for offset in range(15, 18):
        consumer.ack(_Message(offset))
    assert _commits(consumer) == [18]  # without leaving 11 to 14 out of the gap: 12, 13, 14, 15, 18


def test_the_same_gap_recorded_twice_is_committed_once_its_offsets_are_processed() -> None:
    count_gap_offsets_once()
    consumer = _consumer(committed=1)
    for _ in range(2):  # 3, fetched before a seek back to 1, handed over after two seeks
        asyncio.run(consumer._add_gap(TOPIC_PARTITION, 2, 3))
    for offset in range(1, 6):  # the partition read again, in order
        consumer.ack(_Message(offset))
    # Taking the first gap's marks for acknowledgements left 2 and 3 out of the second, and out of
    # the acknowledged ones: the commit stopped at 2 for good.
    assert _commits(consumer) == [6]


def test_a_gap_that_ends_where_the_partition_does_is_committed_once_its_offsets_are_processed() -> None:
    count_gap_offsets_once()
    consumer = _consumer(committed=1)
    asyncio.run(consumer._add_gap(TOPIC_PARTITION, 2, 5))  # 5, fetched before a seek back to 1, came first
    for offset in range(1, 6):  # the partition read again, to its last offset
        consumer.ack(_Message(offset))
    # Marking the gap's offsets as acknowledged when it was recorded left it to count only once an
    # offset after 5 was acknowledged: the commit waited at 2 for more input.
    assert _commits(consumer) == [6]
