from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter

from pipeline.contracts.events import ArticleId, ItemVersion, LineEvent
from pipeline.formats.sources import (
    Rejected,
    SourcedLine,
    article_id_for_uri,
    is_ninjs_source,
    read_events,
    read_items,
    read_lines,
    screen,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def lines(data: bytes, source: str = "story.txt", **kwargs: object) -> list[LineEvent | Rejected]:
    return list(read_events(source, data, NOW, **kwargs))  # type: ignore[arg-type]


def texts(items: list[LineEvent | Rejected]) -> list[tuple[int, str]]:
    return [(i.line_no, i.text) for i in items if isinstance(i, LineEvent)]


def test_bom_crlf_blank_lines_and_no_final_newline() -> None:
    data = "\ufeffFirst line.\r\n\r\nSecond “line”.\r\nThird".encode()
    assert texts(lines(data)) == [(1, "First line."), (2, "Second “line”."), (3, "Third")]


def test_the_article_id_comes_from_the_file_name_or_the_option() -> None:
    assert {i.article_id for i in lines(b"a\nb\n", "dir/my-story.txt")} == {"my-story"}  # type: ignore[union-attr]
    assert {i.article_id for i in lines(b"a\n", "x.txt", article_id="given")} == {"given"}  # type: ignore[union-attr]


def test_event_ids_are_deterministic() -> None:
    first = [i.event_id for i in lines(b"a\nb\n")]  # type: ignore[union-attr]
    second = [i.event_id for i in read_events("story.txt", b"a\nb\n", datetime.now(UTC))]  # type: ignore[union-attr]
    assert first == second and len(set(first)) == 2


def test_bytes_that_are_not_utf8_name_the_file_and_line_and_the_rest_survives() -> None:
    items = lines(b"good\n\xff\xfe bad\nalso good\n", "feed.txt")
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [str(r) for r in rejected] == ["feed.txt:2: not valid UTF-8 at byte 0"]
    assert texts(items) == [(1, "good"), (3, "also good")]


def test_minimal_jsonl_records_are_filled_in_deterministically() -> None:
    data = b'{"article_id": "a1", "line_no": 1, "text": "Hello."}\n{"article_id": "a1", "line_no": 2, "text": "Bye."}\n'
    events = [i for i in lines(data, "archive.jsonl") if isinstance(i, LineEvent)]
    assert [e.event_id for e in events] == [LineEvent.id_for("a1", 1), LineEvent.id_for("a1", 2)]
    assert all(e.ingested_at == NOW for e in events)


def test_jsonl_with_labels_beside_the_line_is_accepted() -> None:
    record = {"article_id": "a", "line_no": 1, "text": "x", "speaker": None, "topics": []}
    assert len(texts(lines(json.dumps(record).encode(), "gold.jsonl"))) == 1


def test_bad_jsonl_lines_are_rejected_with_reasons() -> None:
    data = (
        b'not json\n[1]\n{"article_id": "a", "line_no": 0, "text": "x"}\n'
        b'{"article_id": "a", "line_no": 1, "text": " "}\n'
    )
    reasons = [i.reason for i in lines(data, "a.jsonl") if isinstance(i, Rejected)]
    assert reasons[0].startswith("not JSON")
    assert reasons[1] == "a line event must be a JSON object"
    assert "line_no" in reasons[2] and "empty" in reasons[3]


def screened(data: bytes, source: str, max_text_bytes: int = 65_536) -> tuple[list[LineEvent], list[str]]:
    sourced = [item for item in read_lines(source, data, NOW) if isinstance(item, SourcedLine)]
    kept, refused = screen(sourced, max_text_bytes)
    return kept, [str(r) for r in refused]


def test_a_repeated_line_number_is_refused_at_the_file_as_given_and_its_own_line() -> None:
    data = b'{"article_id": "a", "line_no": 1, "text": "x"}\n{"article_id": "a", "line_no": 1, "text": "y"}\n'
    kept, refused = screened(data, "archives/bad.jsonl")
    assert [e.text for e in kept] == ["x"]
    assert refused == ["archives/bad.jsonl:2: line_no 1 of 'a' after 1"]


def test_an_oversized_line_of_plain_text_is_refused_at_its_line_in_the_file() -> None:
    # Blank lines are not events, so the fourth line of the file is the article's second line.
    kept, refused = screened(b"short\n\n\n" + b"x" * 80 + b"\nlast\n", "in/story.txt", max_text_bytes=60)
    assert [(e.line_no, e.text) for e in kept] == [(1, "short"), (3, "last")]
    assert refused == ["in/story.txt:4: text of 80 bytes exceeds 60"]


def test_a_ninjs_document_is_recognised_and_read_as_one_item_version() -> None:
    document = json.dumps(
        {
            "uri": "urn:newsroom:story-9",
            "versioncreated": "2026-05-01T10:00:00Z",
            "body_html": "<p>One.</p><p>Two.</p>",
        },
        indent=2,
    ).encode()
    assert is_ninjs_source("story.json", document, "auto")
    [version] = list(read_items("story.json", document, NOW))
    assert isinstance(version, ItemVersion)
    assert (version.article_id, version.lines, version.source) == (
        "urn:newsroom:story-9",
        ("One.", "Two."),
        "story.json",
    )
    assert version.event_id == ItemVersion.id_for("urn:newsroom:story-9", ("One.", "Two."))


def test_jsonl_of_ninjs_items_is_read_item_by_item_and_a_bad_one_named() -> None:
    good = json.dumps({"uri": "u1", "body_text": "Only line."})
    data = f'{good}\n{{"uri": "u2", "headline": "no body"}}\n'.encode()
    assert is_ninjs_source("feed.jsonl", data, "auto") and not is_ninjs_source(
        "lines.jsonl", b'{"article_id": "a"}', "auto"
    )
    found = list(read_items("feeds/feed.jsonl", data, NOW))
    assert isinstance(found[0], ItemVersion)
    assert str(found[1]).startswith("feeds/feed.jsonl:2: not a ninjs news item: no body")


def test_a_long_uri_becomes_a_short_stable_article_id() -> None:
    uri = "https://newsroom.example.org/" + "x" * 300
    assert article_id_for_uri(uri) == article_id_for_uri(uri) and len(article_id_for_uri(uri)) < 200
    assert article_id_for_uri("urn:a") == "urn:a"


@pytest.mark.parametrize(
    "uri",
    [
        "urn:newsroom:story\x1b[2J",  # ESC: a control character
        "urn:newsroom:\u202estory",  # a bidirectional override
        "urn:newsroom:story\u200b",  # a zero-width space
        "urn:newsroom:story\ud800",  # a lone surrogate, as JSON may carry one
        " urn:newsroom:story",
        "",
    ],
)
def test_a_uri_that_is_no_article_id_becomes_a_stable_digest_id_that_is_one(uri: str) -> None:
    article_id = article_id_for_uri(uri)
    assert article_id != uri and article_id == article_id_for_uri(uri)
    assert TypeAdapter(ArticleId).validate_python(article_id) == article_id


def test_an_item_whose_uri_holds_a_control_character_is_read_under_the_digest_id() -> None:
    uri = "urn:newsroom:story\x07-9"
    [version] = list(read_items("feed.json", json.dumps({"uri": uri, "body_text": "One."}).encode(), NOW))
    assert isinstance(version, ItemVersion)
    assert (version.article_id, version.uri) == (article_id_for_uri(uri), uri)
