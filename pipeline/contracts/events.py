"""The event contracts: one frozen, versioned pydantic model per event type.

Every event is JSON on the wire, keyed by its article id so that one article's
lines stay in order on one partition. Event ids are deterministic (UUID5 of
what identifies the event), so re-ingesting an article yields the same ids and
consumers can deduplicate.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "Alert",
    "ArticleId",
    "ClassifiedLine",
    "DeadLetter",
    "ItemVersion",
    "LineEvent",
    "LineNo",
    "LineText",
    "Severity",
    "SpeakerRef",
    "TopicRef",
    "event_id",
]

SCHEMA_VERSION: Literal[1] = 1
_NAMESPACE = uuid.UUID("6f1c35e4-2b8e-5c3a-9a57-2c1f0b6d7e90")


def event_id(*parts: object) -> str:
    """A stable id for the event identified by ``parts``: the UUID version 5 of their joined text."""
    # The same string as str(uuid.uuid5(...)), which spends most of its time building a UUID object.
    digest = bytearray(hashlib.sha1(_NAMESPACE.bytes + "\x1f".join(str(p) for p in parts).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    hexed = digest.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _printable_text(text: str) -> str:
    if not text.strip():
        raise ValueError("text is empty or whitespace only")
    if _CONTROL.search(text):
        raise ValueError("text contains control characters")
    return text


_UNPRINTABLE_KINDS = {
    "Cc": "a control character",
    "Cf": "a format character (such as a bidirectional control or a zero-width space)",
    "Cs": "a lone surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Zs": "a space other than U+0020",
}
_REFUSED_IN_THE_BMP = (
    "\\u0000-\\u001f\\u007f-\\u00a0\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2"
    "\\u1680\\u180e\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u2064\\u2066-\\u206f\\u3000\\ue000-\\uf8ff"
    "\\ufeff\\ufff9-\\ufffb"
)
ARTICLE_ID_PATTERN = f"^[^{_REFUSED_IN_THE_BMP} ]([^{_REFUSED_IN_THE_BMP}]*[^{_REFUSED_IN_THE_BMP} ])?$"
"""the article id rule as a regular expression every JSON Schema validator reads (Python's, ECMA-262's,
Rust's): it names the characters of the Basic Multilingual Plane the rule refuses, leaving out the
unassigned ones, which differ between Unicode versions"""
ARTICLE_ID_RULE = (
    "An article id is 1 to 200 printable characters: letters, marks, numbers, punctuation and symbols of"
    " any script (Unicode categories L, M, N, P, S), and the plain space U+0020 between them, never at"
    " either end. No control character (Cc: NUL, ESC, CR, LF, U+0085), no format character (Cf: the"
    " bidirectional controls U+202A-U+202E and U+2066-U+2069, zero-width characters), no line or paragraph"
    " separator (U+2028, U+2029), no other space (Zs), and no surrogate, private-use or unassigned code"
    " point: it is shown to editors and written in logs as it is. Slugs, URNs and URLs fit."
)


def _printable_id(article_id: str) -> str:
    if article_id != article_id.strip(" "):
        raise ValueError("an article id does not start or end with a space")
    if article_id.isprintable():  # the usual case, at C speed: every line event is checked
        return article_id
    for position, char in enumerate(article_id, start=1):
        if char != " " and not char.isprintable():
            kind = _UNPRINTABLE_KINDS.get(unicodedata.category(char), "not printable")
            raise ValueError(
                f"character {position} is U+{ord(char):04X}, {kind}: an article id holds only letters, marks,"
                " numbers, punctuation, symbols and spaces between them"
            )
    return article_id


ArticleId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description=ARTICLE_ID_RULE,
        json_schema_extra={"pattern": ARTICLE_ID_PATTERN},
    ),
    AfterValidator(_printable_id),
]
LineNo = Annotated[int, Field(ge=1, le=10_000_000)]
LineText = Annotated[str, Field(min_length=1), AfterValidator(_printable_text)]


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    event_id: str = Field(min_length=1, max_length=100)


class LineEvent(_Event):
    """One line of an article, as published to ``news.lines``."""

    type: Literal["news.line"] = "news.line"
    article_id: ArticleId
    line_no: LineNo
    text: LineText
    source: str | None = Field(default=None, description="where the line came from: a file name, a feed")
    published_at: datetime | None = None
    ingested_at: datetime
    corrects_line_no: LineNo | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="set on a correction: the line this one corrects (absent on every other line)",
    )

    @staticmethod
    def id_for(article_id: str, line_no: int) -> str:
        return event_id("line", article_id, line_no)


class ItemVersion(_Event):
    """One version of a news item (a live blog, a story updated in place), as published to ``news.items``:
    its body already split into lines. The worker publishes, of each version, the lines not seen before."""

    type: Literal["news.item"] = "news.item"
    article_id: ArticleId
    uri: str = Field(min_length=1, max_length=2_000, description="the item's ninjs uri")
    version: str | None = Field(default=None, description="the item's own version, when it gives one")
    versioncreated: datetime | None = None
    headline: str | None = None
    lines: tuple[LineText, ...] = Field(min_length=1, description="the body's lines, in reading order")
    source: str | None = None
    ingested_at: datetime

    @staticmethod
    def id_for(article_id: str, lines: tuple[str, ...]) -> str:
        """The same content gives the same id, whenever and however often it is sent."""
        return event_id("item", article_id, hashlib.sha256("\n".join(lines).encode()).hexdigest())


class SpeakerRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: Literal["person", "organisation"]
    method: str = Field(
        description=(
            "how the speaker was found: named, pronoun, descriptor, organisation, continuation,"
            " label (a transcript's speaker label) or turn (the floor since the last label)"
        )
    )
    evidence: str


class TopicRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    score: float = Field(ge=0.0, le=1.0)
    evidence: tuple[str, ...]


class ClassifiedLine(_Event):
    """A line with its speaker and topics, as published to ``news.lines.classified``."""

    type: Literal["news.line.classified"] = "news.line.classified"
    line_event_id: str
    article_id: ArticleId
    line_no: LineNo
    text: str
    speaker: SpeakerRef | None
    topics: tuple[TopicRef, ...]
    taxonomy_version: int
    ingested_at: datetime
    classified_at: datetime
    corrects_line_no: LineNo | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="set when the line is a correction: the line it corrects, whose alerts it does not raise again",
    )

    @staticmethod
    def id_for(article_id: str, line_no: int) -> str:
        return event_id("classified", article_id, line_no)


Severity = Literal["low", "medium", "high", "critical"]


class Alert(_Event):
    """An item an editor must not miss, as published to ``news.alerts``."""

    type: Literal["news.alert"] = "news.alert"
    kind: str
    severity: Severity
    article_id: ArticleId
    line_no: LineNo
    line_event_id: str
    speaker: SpeakerRef | None
    text: str
    evidence: tuple[str, ...]
    raised_at: datetime

    @staticmethod
    def id_for(article_id: str, kind: str, speaker_key: str) -> str:
        return event_id("alert", article_id, kind, speaker_key)


DeadLetterReason = Literal[
    "invalid_json",
    "invalid_event",
    "unsupported_schema_version",
    "empty_text",
    "text_too_long",
    "control_characters",
    "line_out_of_order",
    "duplicate_line",
    "processing_error",
    "line_too_slow",
    "webhook_failed",
]


class DeadLetter(_Event):
    """A message that could not be processed, with why, and its original bytes, on ``news.dlq``."""

    type: Literal["news.dead_letter"] = "news.dead_letter"
    reason: DeadLetterReason
    detail: str
    source_topic: str
    partition: int | None
    offset: int | None
    key: str | None
    payload_base64: str = Field(description="the original message value, base64-encoded")
    payload_text: str | None = Field(description="the original value as UTF-8 text, when it is valid UTF-8")
    failed_at: datetime

    @staticmethod
    def id_for(source_topic: str, partition: int | None, offset: int | None, payload: bytes) -> str:
        return event_id("dead-letter", source_topic, partition, offset, hashlib.sha256(payload).hexdigest())


EVENT_MODELS: dict[str, type[BaseModel]] = {
    "item": ItemVersion,
    "line": LineEvent,
    "classified-line": ClassifiedLine,
    "alert": Alert,
    "dead-letter": DeadLetter,
}
