"""Processing a partition's messages in offset order, whatever order they arrive in."""

from __future__ import annotations

from pipeline.sequencing import OffsetSequencer


def decided(
    arrivals: list[int],
    start: int | None = None,
    every_s: float = 0.1,
    committed: int | None = None,
    batch_starts: frozenset[int] = frozenset(),
) -> tuple[list[int], list[str]]:
    """Feed ``arrivals`` (offsets of one partition, ``every_s`` apart) through a sequencer, with
    ``start`` the last offset processed as stored: the offsets processed, and the decision on each arrival."""
    sequencer, last, taken, actions = OffsetSequencer(seek_after_s=1.0), start, [], []
    for number, offset in enumerate(arrivals):
        action = sequencer.decide("p0", offset, last, number * every_s, committed, offset in batch_starts)
        actions.append(action)
        if action == "process":
            taken.append(offset)
            last = offset
    return taken, actions


def test_consecutive_offsets_are_processed() -> None:
    assert decided([0, 1, 2, 3]) == ([0, 1, 2, 3], ["process"] * 4)


def test_with_nothing_known_the_first_offset_is_processed() -> None:
    assert decided([41, 42])[0] == [41, 42]


def test_a_jump_forward_seeks_to_the_commit_and_waits_until_it_arrives() -> None:
    # 21 taken; 24 and 25 were fetched before a rebalance and arrive ahead of 22 and 23.
    taken, actions = decided([24, 25, 22, 23, 24, 25, 26], start=21)
    assert taken == [22, 23, 24, 25, 26]
    assert actions[:2] == ["seek", "wait"]


def test_a_restart_reads_again_from_the_committed_offset() -> None:
    assert decided([8, 9, 10, 11], start=10, committed=8)[0] == [8, 9, 10, 11]


def test_a_first_message_that_is_not_where_reading_starts_waits_for_the_seek() -> None:
    # Fetched before the consumer sought to the committed offset, 9 and 10 arrive first.
    taken, actions = decided([9, 10, 8, 9, 10, 11], start=10, committed=8)
    assert taken == [8, 9, 10, 11] and actions[:2] == ["seek", "wait"]


def test_with_no_commit_known_reading_starts_after_the_last_offset_processed_or_at_a_batch() -> None:
    assert decided([11, 12], start=10)[0] == [11, 12]
    assert decided([6, 7], start=10, batch_starts=frozenset({6}))[0] == [6, 7]
    taken, actions = decided([7, 8, 7, 8], start=10, batch_starts=frozenset({6}))
    assert actions[:2] == ["seek", "wait"] and taken == [7, 8]  # the re-read brought 7 back: taken


def test_with_no_commit_known_the_same_jump_after_the_seek_is_processed() -> None:
    # Nothing says whether offsets 5 and 6 exist: the re-read starting at 7 again is all there is.
    taken, actions = decided([7, 8, 7, 8], start=4)
    assert taken == [7, 8]
    assert actions == ["seek", "wait", "process", "process"]


def test_with_the_commit_known_a_jump_is_never_processed_however_often_it_comes_back() -> None:
    # The commit (or the log start, if later) is where the consumer reads from: offsets 5 and 6 are
    # there to be read, and taking 7 would let Faust commit past them.
    taken, actions = decided([7, 8, 7, 8, 7, 8], start=4, committed=5, every_s=0.6)
    assert taken == [] and actions == ["seek", "wait", "seek", "wait", "seek", "wait"]


def test_a_seek_that_never_brings_the_partition_is_asked_for_again() -> None:
    taken, actions = decided([30, 31, 32, 33, 34], start=20, every_s=0.6)
    assert taken == []
    assert actions == ["seek", "wait", "seek", "wait", "seek"]


def test_partitions_are_sequenced_independently_and_forgotten_on_rebalance() -> None:
    sequencer = OffsetSequencer()
    assert sequencer.decide("p0", 10, 5, now=0) == "seek"
    assert sequencer.decide("p1", 3, 2, now=0) == "process"
    sequencer.forget(["p0"])
    # After the rebalance the jump is new again: no stale "same jump" verdict.
    assert sequencer.decide("p0", 10, 5, now=1) == "seek"


def test_a_jump_is_judged_against_what_this_process_took_while_reading_again() -> None:
    # Another process took up to 20; reading again from 15, the client skips 18.
    taken, actions = decided([15, 16, 17, 19, 20, 15, 16, 17, 18, 19], start=20, committed=15)
    assert taken == [15, 16, 17, 18, 19]
    assert actions[3:5] == ["seek", "wait"] and actions[5:8] == ["repeat"] * 3


def test_offsets_this_process_processed_already_are_repeats() -> None:
    taken, actions = decided([5, 6, 7, 6, 7, 8])
    assert taken == [5, 6, 7, 8] and actions[3:5] == ["repeat", "repeat"]


def test_a_rebalance_forgets_what_this_process_took() -> None:
    sequencer = OffsetSequencer()
    assert sequencer.decide("p0", 7, None, now=0) == "process"
    sequencer.forget(["p0"])
    assert sequencer.decide("p0", 3, 7, 1, committed=3) == "process"  # read again from the committed offset


def test_a_copy_of_the_jump_ahead_of_the_seek_waits_like_the_first() -> None:
    # 3 is fetched before the rebalance, and again before the seek: where the partition is read
    # from is known (the committed offset), so the copy is no sign of where it is.
    taken, actions = decided([3, 3, 1, 2, 3, 4], committed=1)
    assert actions[:2] == ["seek", "wait"] and taken == [1, 2, 3, 4]


def test_with_no_commit_known_a_jump_is_processed_only_when_a_later_batch_brings_it_back() -> None:
    taken, actions = decided([7, 7, 8], start=4, every_s=0.0)  # one batch: the copies were fetched together
    assert taken == [] and actions == ["seek", "wait", "wait"]


def test_a_start_made_before_the_committed_offset_was_known_is_made_again_if_it_was_past_it() -> None:
    sequencer = OffsetSequencer()
    assert sequencer.decide("p0", 3, 2, now=0) == "process"  # after the last offset taken as stored
    assert sequencer.decide("p0", 1, 3, now=1, committed=1) == "restart"  # 1 and 2 were never committed
    assert sequencer.decide("p0", 1, 3, now=2, committed=1) == "process"
    assert sequencer.decide("p0", 0, 3, now=3, committed=1) == "repeat"  # committed: processed before
