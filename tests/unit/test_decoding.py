from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from pipeline.contracts.decoding import Failure, Origin, dead_letter, decode_line
from pipeline.contracts.events import LineEvent

GOOD = {
    "schema_version": 1,
    "event_id": "e1",
    "article_id": "a",
    "line_no": 1,
    "text": "Hello.",
    "ingested_at": "2026-01-01T00:00:00Z",
}


def encoded(**changes: object) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


def test_a_good_line_decodes() -> None:
    assert isinstance(decode_line(encoded(), 65536), LineEvent)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "invalid_json"),
        (None, "invalid_json"),
        (b'{"hello": 1}', "invalid_event"),
        (encoded(schema_version=99), "unsupported_schema_version"),
        (encoded(text="   "), "empty_text"),
        (encoded(text=""), "empty_text"),
        (encoded(text="bell\x07"), "control_characters"),
        (encoded(text="x" * 200), "text_too_long"),
    ],
)
def test_bad_messages_get_a_machine_readable_reason(raw: bytes | None, reason: str) -> None:
    failure = decode_line(raw, 100)
    assert isinstance(failure, Failure) and failure.reason == reason


def test_a_dead_letter_keeps_the_original_bytes_and_where_they_came_from() -> None:
    raw = b"\xff not utf8"
    letter = dead_letter(Failure("invalid_json", "bad"), Origin("news.lines", 2, 41, b"a"), raw, datetime.now(UTC))
    assert base64.b64decode(letter.payload_base64) == raw and letter.payload_text is None
    assert (letter.source_topic, letter.partition, letter.offset, letter.key) == ("news.lines", 2, 41, "a")
    again = dead_letter(Failure("invalid_json", "bad"), Origin("news.lines", 2, 41, b"a"), raw, datetime.now(UTC))
    assert letter.event_id == again.event_id


MINIMAL = {"article_id": "wire-1", "line_no": 3, "text": "The minister said the talks would resume."}
RECORD_TIME = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC).timestamp()


def test_the_minimal_form_is_completed_with_the_id_ingest_would_give() -> None:
    line = decode_line(json.dumps(MINIMAL).encode(), 65536, RECORD_TIME)
    assert isinstance(line, LineEvent)
    assert line.event_id == LineEvent.id_for("wire-1", 3)
    assert line.ingested_at == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_the_minimal_form_read_twice_is_the_same_event() -> None:
    raw = json.dumps(MINIMAL).encode()
    assert decode_line(raw, 65536, RECORD_TIME) == decode_line(raw, 65536, RECORD_TIME)


def test_a_given_event_id_or_ingest_time_is_kept() -> None:
    line = decode_line(json.dumps({**MINIMAL, "event_id": "mine"}).encode(), 65536, RECORD_TIME)
    assert isinstance(line, LineEvent) and line.event_id == "mine"


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"line_no": 3, "text": "x"}, "invalid_event"),  # no article: nothing to key or identify it by
        ({**MINIMAL, "text": "  "}, "empty_text"),
        ({**MINIMAL, "line_no": 0}, "invalid_event"),
        ({**MINIMAL, "speaker": "someone"}, "invalid_event"),  # unknown fields are still refused
        ({**MINIMAL, "schema_version": 2}, "unsupported_schema_version"),
    ],
)
def test_an_incomplete_minimal_form_still_goes_to_the_dead_letters(record: dict[str, object], reason: str) -> None:
    failure = decode_line(json.dumps(record).encode(), 65536, RECORD_TIME)
    assert isinstance(failure, Failure) and failure.reason == reason


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({**MINIMAL, "article_id": "wire\u202e-1"}, "article_id"),
        ({**MINIMAL, "article_id": "wire\x1b-1"}, "article_id"),
        ({"line_no": 3, "text": "x"}, "article_id"),
        ({**MINIMAL, "line_no": 0}, "line_no"),
    ],
)
def test_a_refused_minimal_form_is_told_only_its_real_problems(record: dict[str, object], problem: str) -> None:
    failure = decode_line(json.dumps(record).encode(), 65536, RECORD_TIME)
    assert isinstance(failure, Failure)
    named = [part.split(":", 1)[0] for part in failure.detail.split("; ")]
    assert named == [problem]  # not event_id nor ingested_at, which the worker fills in


def test_without_a_record_time_the_minimal_form_is_refused() -> None:
    failure = decode_line(json.dumps(MINIMAL).encode(), 65536)
    assert isinstance(failure, Failure) and failure.reason == "invalid_event"
    assert "event_id: Field required" in failure.detail and "ingested_at: Field required" in failure.detail
