from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from pipeline.decoding import Failure, Origin, dead_letter, decode_line
from pipeline.events import LineEvent

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
