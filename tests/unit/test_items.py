"""Versions of a news item into the lines not seen before, and corrections."""

from __future__ import annotations

from pipeline.domain.items import ItemLedger, ItemLine, split_version


def versions(*bodies: list[str]) -> tuple[list[list[ItemLine]], ItemLedger]:
    ledger = ItemLedger()
    out = []
    for offset, body in enumerate(bodies):
        brought, ledger = split_version(ledger, body, offset)
        out.append(brought)
    return out, ledger


def test_a_live_blog_growing_at_the_top_brings_only_its_new_entries() -> None:
    first = ["09:00 The summit opened.", "08:30 Delegates arrived."]
    second = ["10:15 A ceasefire was proposed.", "09:45 Talks paused.", *first]
    (one, two), _ = versions(first, second)
    assert one == [ItemLine(1, first[0]), ItemLine(2, first[1])]
    assert two == [ItemLine(3, second[0]), ItemLine(4, second[1])]


def test_the_same_version_sent_again_brings_nothing() -> None:
    body = ["The port reopened.", "Ships queued outside."]
    (one, two), _ = versions(body, body)
    assert len(one) == 2 and two == []


def test_whitespace_and_case_do_not_make_a_line_new() -> None:
    (_, two), _ = versions(["The port reopened."], ["  the port   REOPENED. "])
    assert two == []


def test_a_line_put_right_in_its_place_is_a_correction_of_it() -> None:
    first = ["The minister visited Kharkiv on Monday.", "She met the mayor.", "Power returned."]
    second = ["The minister visited Kharkiv on Tuesday.", "She met the mayor.", "Power returned."]
    (_, two), _ = versions(first, second)
    assert two == [ItemLine(4, second[0], corrects=1)]


def test_an_entry_touched_up_below_a_new_one_published_above_it_is_a_correction_of_it() -> None:
    """The commonest live-blog edit: a new entry at the top while the one below it is put right."""
    first = ["09:00 The minister arrived in Kyiv on Monday.", "08:30 Delegates gathered at the station."]
    second = ["10:15 A ceasefire was proposed.", "09:00 The minister arrived in Kyiv on Tuesday.", first[1]]
    (_, two), _ = versions(first, second)
    assert two == [ItemLine(3, second[0]), ItemLine(4, second[1], corrects=1)]


def test_two_entries_touched_up_under_two_new_ones_each_correct_their_own() -> None:
    first = ["Rescuers reached the village at noon.", "Twelve people were hurt.", "The road is closed."]
    second = [
        "Officials called an emergency meeting.",
        "The army sent helicopters.",
        "Rescuers reached the village at dawn.",
        "Fourteen people were hurt.",
        first[2],
    ]
    (_, two), _ = versions(first, second)
    assert two == [
        ItemLine(4, second[0]),
        ItemLine(5, second[1]),
        ItemLine(6, second[2], corrects=1),
        ItemLine(7, second[3], corrects=2),
    ]


def test_a_different_line_in_the_place_of_one_removed_is_new_not_a_correction() -> None:
    first = ["Rain is expected in the evening.", "Roads are open."]
    second = ["Officials announced a curfew from midnight.", "Roads are open."]
    (_, two), _ = versions(first, second)
    assert two == [ItemLine(3, second[0])]


def test_a_line_removed_and_put_back_is_not_new() -> None:
    a, b, c = "Aid trucks crossed at dawn.", "A convoy was delayed.", "Crossings closed at dusk."
    (_, two, three), _ = versions([a, b, c], [a, c], [a, b, c])
    assert two == [] and three == []


def test_a_line_repeated_within_a_version_is_two_lines() -> None:
    (one,), _ = versions(["Update follows.", "Shelling resumed.", "Update follows."])
    assert [line.line_no for line in one] == [1, 2, 3]


def test_a_version_read_again_gives_what_it_gave_and_nothing_a_later_one_brought() -> None:
    first = ["The summit opened.", "Delegates arrived."]
    second = ["A ceasefire was proposed.", *first]
    third = ["The ceasefire was signed.", *second]
    (one, two, _), ledger = versions(first, second, third)
    again_first, unchanged = split_version(ledger, first, 0)
    again_second, _ = split_version(ledger, second, 1)
    assert again_first == one and again_second == two and unchanged == ledger


def test_a_correction_read_again_is_the_same_correction() -> None:
    first = ["The minister visited Kharkiv on Monday."]
    second = ["The minister visited Kharkiv on Tuesday."]
    (_, two), ledger = versions(first, second)
    assert split_version(ledger, second, 1)[0] == two == [ItemLine(2, second[0], corrects=1)]
