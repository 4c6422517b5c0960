"""News items in ninjs, split into lines."""

from __future__ import annotations

import time

import pytest

from pipeline.formats.ninjs import NinjsError, is_ninjs, item_lines, read_item


def lines_of(record: dict[str, object]) -> list[str]:
    return item_lines(read_item(record))


def html_item(html: str) -> dict[str, object]:
    return {"uri": "urn:newsroom:blog-1", "bodies": [{"role": "main", "contenttype": "text/html", "value": html}]}


def test_html_paragraphs_and_line_breaks_are_lines_and_entities_are_text() -> None:
    html = (
        "<p>The mayor opened the bridge on Monday.</p>"
        "<p>Traffic resumed at noon.<br/>Ferries stopped.</p><p>Tolls &amp; fees end.</p>"
    )
    assert lines_of(html_item(html)) == [
        "The mayor opened the bridge on Monday.",
        "Traffic resumed at noon.",
        "Ferries stopped.",
        "Tolls & fees end.",
    ]


def test_headings_list_items_and_nested_markup_split_but_inline_markup_does_not() -> None:
    html = "<h2>Latest</h2><ul><li>Roads <em>closed</em> in the north.</li><li>Schools open.</li></ul>"
    assert lines_of(html_item(html)) == ["Latest", "Roads closed in the north.", "Schools open."]


def test_scripts_styles_and_captions_are_not_lines() -> None:
    html = (
        "<p>One line.</p><script>track()</script><style>p{}</style>"
        "<figure><img/><figcaption>A photo.</figcaption></figure>"
    )
    assert lines_of(html_item(html)) == ["One line."]


def test_a_quotation_over_paragraphs_stays_one_line_with_its_attribution() -> None:
    html = (
        "<p>The envoy arrived in the capital.</p>"
        "<p>“We came to listen.</p>"
        "<p>“We will return next month with a plan,” she said.</p>"
        "<p>Talks begin Tuesday.</p>"
    )
    assert lines_of(html_item(html)) == [
        "The envoy arrived in the capital.",
        "“We came to listen. “We will return next month with a plan,” she said.",
        "Talks begin Tuesday.",
    ]


def test_a_hard_break_inside_a_quoted_sentence_does_not_split_it() -> None:
    text = 'The coach spoke after the match.\n"We played\nwell enough to win," he said.\nFans cheered.'
    assert lines_of({"uri": "u", "body_text": text}) == [
        "The coach spoke after the match.",
        '"We played well enough to win," he said.',
        "Fans cheered.",
    ]


def test_a_quotation_left_open_ends_where_the_next_paragraph_does_not_continue_it() -> None:
    html = "<p>“A sentence never closed.</p><p>The next paragraph is plain.</p>"
    assert lines_of(html_item(html)) == ["“A sentence never closed.", "The next paragraph is plain."]


def test_ninjs_1_fields_are_read_and_html_is_preferred_to_text() -> None:
    record = {
        "uri": "u",
        "headline": "Bridge opens",
        "body_text": "Plain.",
        "body_html": "<p>Rich one.</p><p>Rich two.</p>",
    }
    item = read_item(record)
    assert item.main_headline() == "Bridge opens" and item_lines(item) == ["Rich one.", "Rich two."]


def test_ninjs_2_headlines_and_plain_bodies() -> None:
    record = {
        "uri": "u",
        "headlines": [{"role": "sub", "value": "Second"}, {"role": "main", "value": "Main headline"}],
        "bodies": [{"contenttype": "text/plain", "value": "First.\nSecond."}],
    }
    item = read_item(record)
    assert item.main_headline() == "Main headline" and item_lines(item) == ["First.", "Second."]


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ({"bodies": [{"value": "x"}]}, "uri: Field required"),
        ({"uri": "u", "headline": "only a headline"}, "no body"),
        ({"uri": "u", "bodies": [{"contenttype": "text/html"}]}, "bodies.0.value"),
    ],
)
def test_what_is_not_a_readable_item_says_why(record: dict[str, object], words: str) -> None:
    with pytest.raises(NinjsError, match=words):
        read_item(record)


def test_what_counts_as_ninjs() -> None:
    assert is_ninjs({"uri": "u", "bodies": []}) and is_ninjs({"uri": "u", "body_text": ""})
    assert not is_ninjs({"article_id": "a", "line_no": 1, "text": "x"}) and not is_ninjs([1])


ADVERSARIAL_HTML = {
    "tags never closed": "<a" * 500_000,
    "attributes never closed (CVE-2025-6069)": "<b " * 333_333,
    "a comment never closed": "<!--" + "x" * 1_000_000,
    "comments opened over and over": "<!--x" * 200_000,
    "an attribute value never closed": '<p title="' + "x" * 1_000_000,
    "end tags with nothing to end": "</" * 500_000,
    "a megabyte of nesting": "<div><em>" * 110_000 + "tail",
}


@pytest.mark.parametrize("html", ADVERSARIAL_HTML.values(), ids=ADVERSARIAL_HTML.keys())
def test_a_megabyte_of_adversarial_html_is_read_in_time_that_grows_with_its_size(html: str) -> None:
    # The standard library's parser took 12 s on 40 KB of the second and minutes on the first;
    # this parser takes milliseconds (a few hundred at most for the nesting). The bound is loose
    # so that a loaded machine does not fail it; a quadratic parser would miss it by minutes.
    started = time.perf_counter()
    lines_of(html_item(html))
    assert time.perf_counter() - started < 5


def test_text_after_markup_never_closed_is_still_read() -> None:
    assert lines_of(html_item("<b " * 1_000 + "><p>The vote is on Friday.</p>")) == ["The vote is on Friday."]
    assert lines_of(html_item("<div>" * 10_000 + "Deep text.")) == ["Deep text."]


def test_a_lone_surrogate_from_json_is_read_as_a_replacement_character() -> None:
    assert lines_of(html_item("<p>Half \ud800 a pair.</p>")) == ["Half \ufffd a pair."]
