"""How far the webhook sink commits: per partition, up to the first record some subscriber has not finished."""

from __future__ import annotations

import pytest
from aiokafka.structs import TopicPartition

from pipeline.web.webhook_offsets import PendingDeliveries

FIRST, SECOND = TopicPartition("alerts", 0), TopicPartition("alerts", 1)


def test_nothing_read_is_nothing_to_commit() -> None:
    assert PendingDeliveries().committable() == {}


def test_a_record_is_committed_once_every_subscriber_wanting_it_has_finished_it() -> None:
    pending = PendingDeliveries()
    pending.register(FIRST, 10, ["desk", "archive"])
    assert pending.committable() == {FIRST: 10}
    pending.done(FIRST, 10, "desk")
    assert pending.committable() == {FIRST: 10}
    pending.done(FIRST, 10, "archive")
    assert pending.committable() == {FIRST: 11}


def test_records_finished_out_of_order_are_committed_only_up_to_the_first_unfinished() -> None:
    pending = PendingDeliveries()
    for offset in (5, 6, 7, 8):
        pending.register(FIRST, offset, ["desk", "broken"])
    for offset in (5, 6, 7, 8):  # the healthy subscriber runs ahead
        pending.done(FIRST, offset, "desk")
    assert pending.committable() == {FIRST: 5}
    pending.done(FIRST, 6, "broken")  # finished by all, behind one that is not
    assert pending.committable() == {FIRST: 5}
    pending.done(FIRST, 5, "broken")
    assert pending.committable() == {FIRST: 7}
    pending.done(FIRST, 7, "broken")
    pending.done(FIRST, 8, "broken")
    assert pending.committable() == {FIRST: 9}


def test_a_record_nobody_wants_is_finished_at_once_but_never_passes_an_unfinished_one() -> None:
    pending = PendingDeliveries()
    pending.register(FIRST, 0, [])
    assert pending.committable() == {FIRST: 1}
    pending.register(FIRST, 1, ["desk"])
    pending.register(FIRST, 2, [])
    pending.register(FIRST, 3, [])
    assert pending.committable() == {FIRST: 1}
    pending.done(FIRST, 1, "desk")
    assert pending.committable() == {FIRST: 4}


def test_each_partition_is_committed_on_its_own() -> None:
    pending = PendingDeliveries()
    pending.register(FIRST, 40, ["desk"])
    pending.register(SECOND, 3, ["desk", "archive"])
    pending.register(SECOND, 4, ["archive"])
    pending.register(FIRST, 41, ["archive"])
    pending.done(SECOND, 3, "desk")
    pending.done(SECOND, 3, "archive")
    pending.done(FIRST, 41, "archive")
    assert pending.committable() == {FIRST: 40, SECOND: 4}
    pending.done(SECOND, 4, "archive")
    pending.done(FIRST, 40, "desk")
    assert pending.committable() == {FIRST: 42, SECOND: 5}


def test_offsets_skipped_by_the_log_leave_no_gap_to_wait_for() -> None:
    # compaction and transaction markers leave offsets no record holds
    pending = PendingDeliveries()
    pending.register(FIRST, 3, ["desk"])
    pending.register(FIRST, 9, ["desk"])
    pending.done(FIRST, 3, "desk")
    assert pending.committable() == {FIRST: 9}
    pending.done(FIRST, 9, "desk")
    assert pending.committable() == {FIRST: 10}


def test_a_finish_of_a_record_not_pending_or_by_another_subscriber_changes_nothing() -> None:
    pending = PendingDeliveries()
    pending.register(FIRST, 0, ["desk"])
    pending.done(FIRST, 0, "archive")
    pending.done(FIRST, 7, "desk")
    pending.done(SECOND, 0, "desk")
    assert pending.committable() == {FIRST: 0}
    pending.done(FIRST, 0, "desk")
    pending.done(FIRST, 0, "desk")  # a second copy of the record, posted again after a rebalance
    assert pending.committable() == {FIRST: 1}


def test_after_a_rebalance_a_partition_is_read_again_from_its_committed_offset() -> None:
    pending = PendingDeliveries()
    pending.register(FIRST, 20, ["desk"])
    pending.register(FIRST, 21, ["desk"])
    pending.done(FIRST, 20, "desk")
    with pytest.raises(ValueError, match="offset 21 registered after 21"):
        pending.register(FIRST, 21, ["desk"])  # read again without the bookkeeping starting over
    pending.clear()
    assert pending.committable() == {}
    pending.register(FIRST, 21, ["desk"])
    assert pending.committable() == {FIRST: 21}
