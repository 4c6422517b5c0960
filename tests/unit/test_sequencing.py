"""Processing a partition's messages in offset order, whatever order they arrive in."""

from __future__ import annotations

from pipeline.worker.sequencing import OffsetSequencer


def decided(
    arrivals: list[int], read_from: int | None = 0, every_s: float = 0.1, sequencer: OffsetSequencer | None = None
) -> tuple[list[int], list[str]]:
    """Feed ``arrivals`` (offsets of one partition, ``every_s`` apart) through a sequencer, with the
    consumer reading the partition from ``read_from``: the offsets processed, and each decision."""
    sequencer = sequencer or OffsetSequencer(seek_after_s=1.0)
    processed, decisions = [], []
    for number, offset in enumerate(arrivals):
        decision = sequencer.decide("p0", offset, read_from, number * every_s)
        decisions.append(decision)
        if decision == "process":
            processed.append(offset)
    return processed, decisions


def test_consecutive_offsets_from_where_the_consumer_reads_are_processed() -> None:
    assert decided([0, 1, 2, 3]) == ([0, 1, 2, 3], ["process"] * 4)
    assert decided([41, 42], read_from=41)[0] == [41, 42]


def test_a_jump_forward_seeks_to_the_commit_and_waits_until_it_arrives() -> None:
    # 21 processed; 24 and 25 were fetched before a rebalance and arrive ahead of 22 and 23.
    processed, decisions = decided([21, 24, 25, 22, 23, 24, 25, 26], read_from=21)
    assert processed == [21, 22, 23, 24, 25, 26]
    assert decisions[1:3] == ["seek", "wait"]


def test_a_first_message_that_is_not_where_reading_starts_waits_for_the_seek() -> None:
    # Fetched before the consumer sought to the committed offset, 9 and 10 arrive first.
    processed, decisions = decided([9, 10, 8, 9, 10, 11], read_from=8)
    assert processed == [8, 9, 10, 11] and decisions[:2] == ["seek", "wait"]


def test_a_copy_of_the_jump_ahead_of_the_seek_waits_like_the_first() -> None:
    # 3 is fetched before the rebalance, and again before the seek: the read position (the commit)
    # says where the partition is, so the copy is no sign of it.
    processed, decisions = decided([3, 3, 1, 2, 3, 4], read_from=1)
    assert decisions[:2] == ["seek", "wait"] and processed == [1, 2, 3, 4]


def test_a_jump_is_never_processed_however_often_it_comes_back() -> None:
    # Offsets 5 and 6 are there to be read: processing 7 would let Faust commit past them.
    processed, decisions = decided([7, 8, 7, 8, 7, 8], read_from=5, every_s=0.6)
    assert processed == [] and decisions == ["seek", "wait", "seek", "wait", "seek", "wait"]


def test_nothing_is_processed_while_the_read_position_is_unknown() -> None:
    # No commit, and the broker did not say where the log starts: the first message could be stale.
    processed, decisions = decided([0, 1, 0, 1], read_from=None, every_s=0.6)
    assert processed == [] and decisions == ["seek", "wait", "seek", "wait"]


def test_a_log_start_past_the_next_offset_is_where_the_partition_goes_on() -> None:
    # Retention deleted offsets 3 to 49 before this process read them: the consumer resets to 50.
    sequencer = OffsetSequencer()
    assert decided([0, 1, 2], sequencer=sequencer)[0] == [0, 1, 2]
    assert decided([50, 51], read_from=50, sequencer=sequencer) == ([50, 51], ["process", "process"])


def test_offsets_processed_already_or_committed_are_repeats() -> None:
    # After a seek back Faust hands over again what this process processed since the commit.
    processed, decisions = decided([5, 6, 7, 8, 5, 6, 7, 9], read_from=5)
    assert processed == [5, 6, 7, 8, 9] and decisions[4:7] == ["repeat"] * 3
    assert decided([3, 4, 5], read_from=5) == ([5], ["repeat", "repeat", "process"])


def test_a_repeat_does_not_end_the_wait_for_a_seek() -> None:
    # Stale messages before and after the next offset: one seek, not one per stale message.
    assert decided([5, 6, 9, 4, 9, 4, 9], read_from=5)[1][2:] == ["seek", "repeat", "wait", "repeat", "wait"]


def test_a_seek_undone_by_a_stale_message_is_asked_for_again_by_the_clock() -> None:
    sequencer = OffsetSequencer(seek_after_s=5.0)
    assert sequencer.decide("p0", 3, 1, now=0.0) == "seek"
    assert sequencer.overdue(4.0) == []
    assert sequencer.overdue(5.0) == ["p0"]  # nothing arrived since: asked again now
    assert sequencer.overdue(6.0) == [] and sequencer.jumps["p0"].seeks == 2
    assert sequencer.decide("p0", 1, 1, now=7.0) == "process" and sequencer.overdue(20.0) == []


def test_partitions_are_sequenced_independently_and_forgotten_on_rebalance() -> None:
    sequencer = OffsetSequencer()
    assert sequencer.decide("p0", 10, 5, now=0) == "seek"
    assert sequencer.decide("p1", 3, 3, now=0) == "process"
    sequencer.forget(["p0", "p1"])
    assert sequencer.decide("p0", 10, 5, now=1) == "seek"  # a new jump, asked for at once
    assert sequencer.decide("p1", 3, 3, now=1) == "process"  # assigned again: read again from the commit
