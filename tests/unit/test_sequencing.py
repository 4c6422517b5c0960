"""Taking a partition's messages in offset order, whatever order they arrive in."""

from __future__ import annotations

from pipeline.sequencing import OffsetSequencer


def admitted(
    arrivals: list[int],
    start: int | None = None,
    every_s: float = 0.1,
    committed: int | None = None,
    batch_starts: frozenset[int] = frozenset(),
) -> tuple[list[int], list[str]]:
    """Feed ``arrivals`` (offsets of one partition, ``every_s`` apart) through a sequencer, with
    ``start`` the last offset taken as stored: the offsets taken, and what was done with each arrival."""
    sequencer, last, taken, actions = OffsetSequencer(reread_after_s=1.0), start, [], []
    for number, offset in enumerate(arrivals):
        action = sequencer.admit("p0", offset, last, number * every_s, committed, offset in batch_starts)
        actions.append(action)
        if action == "take":
            taken.append(offset)
            last = offset
    return taken, actions


def test_consecutive_offsets_are_taken() -> None:
    assert admitted([0, 1, 2, 3]) == ([0, 1, 2, 3], ["take"] * 4)


def test_the_first_offset_seen_is_taken_when_nothing_was_taken_before() -> None:
    assert admitted([41, 42])[0] == [41, 42]


def test_a_jump_forward_asks_for_a_reread_and_holds_until_it_arrives() -> None:
    # 21 taken; 24 and 25 were fetched before a rebalance and arrive ahead of 22 and 23.
    taken, actions = admitted([24, 25, 22, 23, 24, 25, 26], start=21)
    assert taken == [22, 23, 24, 25, 26]
    assert actions[:2] == ["reread", "hold"]


def test_a_restart_reads_again_from_the_committed_offset() -> None:
    assert admitted([8, 9, 10, 11], start=10, committed=8)[0] == [8, 9, 10, 11]


def test_a_first_message_that_is_not_where_reading_starts_is_held_and_read_again() -> None:
    # Fetched before the consumer sought to the committed offset, 9 and 10 arrive first.
    taken, actions = admitted([9, 10, 8, 9, 10, 11], start=10, committed=8)
    assert taken == [8, 9, 10, 11] and actions[:2] == ["reread", "hold"]


def test_with_no_commit_known_reading_starts_after_the_last_offset_taken_or_at_a_batch() -> None:
    assert admitted([11, 12], start=10)[0] == [11, 12]
    assert admitted([6, 7], start=10, batch_starts=frozenset({6}))[0] == [6, 7]
    taken, actions = admitted([7, 8, 7, 8], start=10, batch_starts=frozenset({6}))
    assert actions[:2] == ["reread", "hold"] and taken == [7, 8]  # the re-read brought 7 back: taken


def test_with_no_commit_known_the_same_jump_after_the_reread_is_taken() -> None:
    # Nothing says whether offsets 5 and 6 exist: the re-read starting at 7 again is all there is.
    taken, actions = admitted([7, 8, 7, 8], start=4)
    assert taken == [7, 8]
    assert actions == ["reread", "hold", "take", "take"]


def test_with_the_commit_known_a_jump_is_never_taken_however_often_it_comes_back() -> None:
    # The commit (or the log start, if later) is where the consumer reads from: offsets 5 and 6 are
    # there to be read, and taking 7 would let Faust commit past them.
    taken, actions = admitted([7, 8, 7, 8, 7, 8], start=4, committed=5, every_s=0.6)
    assert taken == [] and actions == ["reread", "hold", "reread", "hold", "reread", "hold"]


def test_a_reread_that_never_comes_is_asked_for_again() -> None:
    taken, actions = admitted([30, 31, 32, 33, 34], start=20, every_s=0.6)
    assert taken == []
    assert actions == ["reread", "hold", "reread", "hold", "reread"]


def test_partitions_are_sequenced_independently_and_forgotten_on_rebalance() -> None:
    sequencer = OffsetSequencer()
    assert sequencer.admit("p0", 10, 5, now=0) == "reread"
    assert sequencer.admit("p1", 3, 2, now=0) == "take"
    sequencer.forget(["p0"])
    # After the rebalance the jump is new again: no stale "same jump" verdict.
    assert sequencer.admit("p0", 10, 5, now=1) == "reread"


def test_a_jump_is_judged_against_what_this_process_took_while_reading_again() -> None:
    # Another process took up to 20; reading again from 15, the client skips 18.
    taken, actions = admitted([15, 16, 17, 19, 20, 15, 16, 17, 18, 19], start=20, committed=15)
    assert taken == [15, 16, 17, 18, 19]
    assert actions[3:5] == ["reread", "hold"] and actions[5:8] == ["seen"] * 3


def test_offsets_this_process_took_already_are_not_taken_again() -> None:
    taken, actions = admitted([5, 6, 7, 6, 7, 8])
    assert taken == [5, 6, 7, 8] and actions[3:5] == ["seen", "seen"]


def test_a_rebalance_forgets_what_this_process_took() -> None:
    sequencer = OffsetSequencer()
    assert sequencer.admit("p0", 7, None, now=0) == "take"
    sequencer.forget(["p0"])
    assert sequencer.admit("p0", 3, 7, 1, committed=3) == "take"  # read again from the committed offset


def test_a_copy_of_the_jump_ahead_of_the_reread_is_held_like_the_first() -> None:
    # 3 is fetched before the rebalance, and again before the seek: where the partition is read
    # from is known (the committed offset), so the copy is no sign of where it is.
    taken, actions = admitted([3, 3, 1, 2, 3, 4], committed=1)
    assert actions[:2] == ["reread", "hold"] and taken == [1, 2, 3, 4]


def test_with_no_commit_known_a_jump_is_taken_only_when_a_later_batch_brings_it_back() -> None:
    taken, actions = admitted([7, 7, 8], start=4, every_s=0.0)  # one batch: the copies were fetched together
    assert taken == [] and actions == ["reread", "hold", "hold"]


def test_a_start_made_before_the_committed_offset_was_known_is_made_again_if_it_was_past_it() -> None:
    sequencer = OffsetSequencer()
    assert sequencer.admit("p0", 3, 2, now=0) == "take"  # after the last offset taken as stored
    assert sequencer.admit("p0", 1, 3, now=1, committed=1) == "restart"  # 1 and 2 were never committed
    assert sequencer.admit("p0", 1, 3, now=2, committed=1) == "take"
    assert sequencer.admit("p0", 0, 3, now=3, committed=1) == "seen"  # committed: processed before
