"""Taking a partition's messages in offset order, whatever order they arrive in."""

from __future__ import annotations

from pipeline.sequencing import OffsetSequencer


def admitted(arrivals: list[int], start: int | None = None, every_s: float = 0.1) -> tuple[list[int], list[str]]:
    """Feed ``arrivals`` (offsets of one partition, ``every_s`` apart) through a sequencer:
    the offsets taken, and what was done with each arrival."""
    sequencer, last, taken, actions = OffsetSequencer(reread_after_s=1.0), start, [], []
    for number, offset in enumerate(arrivals):
        action = sequencer.admit("p0", offset, last, now=number * every_s)
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


def test_a_redelivery_of_earlier_offsets_is_taken_again() -> None:
    # After a restart the partition is read again from the committed offset.
    assert admitted([8, 9, 10, 11], start=10)[0] == [8, 9, 10, 11]


def test_the_same_jump_after_the_reread_is_taken() -> None:
    # Offsets 5 and 6 do not exist (transaction markers), or were processed elsewhere:
    # the re-read starts at 7 again.
    taken, actions = admitted([7, 8, 7, 8], start=4)
    assert taken == [7, 8]
    assert actions == ["reread", "hold", "take", "take"]


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
