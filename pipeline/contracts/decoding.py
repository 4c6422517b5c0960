"""Decoding message bytes into events, and turning failures into dead letters.

Every message that reaches an agent becomes either a valid event or a
``DeadLetter`` naming a machine-readable reason and carrying the original bytes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pipeline.contracts.events import DeadLetter, DeadLetterReason, LineEvent

__all__ = ["EventT", "Failure", "Origin", "dead_letter", "decode", "decode_line"]


@dataclass(frozen=True)
class Failure:
    reason: DeadLetterReason
    detail: str


@dataclass(frozen=True)
class Origin:
    """Where a message was read from."""

    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None


EventT = TypeVar("EventT", bound=BaseModel)


def _reason(error: ValidationError) -> DeadLetterReason:
    for problem in error.errors():
        location = tuple(problem["loc"])
        if problem["type"] == "json_invalid" or problem["type"] == "json_type":
            return "invalid_json"
        if location == ("schema_version",):
            return "unsupported_schema_version"
        if location == ("text",) and "control characters" in problem["msg"]:
            return "control_characters"
        if location == ("text",) and ("empty" in problem["msg"] or problem["type"] == "string_too_short"):
            return "empty_text"
    return "invalid_event"


def _detail(error: ValidationError, filled_in: frozenset[str] = frozenset()) -> str:
    """Each problem, where it is and what it is; a field in ``filled_in`` is not one when it is missing."""
    problems = [e for e in error.errors() if not _is_missing_of(e, filled_in)]
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'message'}: {e['msg']}" for e in problems)[:2000]


def decode(model: type[EventT], raw: bytes | None) -> EventT | Failure:
    if raw is None:
        return Failure("invalid_json", "the message has no value")
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        return Failure(_reason(error), _detail(error))


FILLED_IN = frozenset({"event_id", "ingested_at"})
"""what a producer writing straight to the lines topic may leave out: ``article_id``, ``line_no``
and ``text`` are the minimal form, as a JSONL archive may hold them"""


def _is_missing_of(problem: ErrorDetails, fields: frozenset[str]) -> bool:
    return problem["type"] == "missing" and len(problem["loc"]) == 1 and problem["loc"][0] in fields


def _lacks_only_filled_in(error: ValidationError) -> bool:
    return all(_is_missing_of(e, FILLED_IN) for e in error.errors())


def _filled_in(raw: bytes, received_at: float) -> LineEvent | Failure:
    """The minimal form completed as ingest completes it, so the event id is the same either way;
    the ingest time is the record's own timestamp, so reading it again gives the same event."""
    record = json.loads(raw)
    record.setdefault("event_id", LineEvent.id_for(str(record["article_id"]), record["line_no"]))
    record.setdefault("ingested_at", datetime.fromtimestamp(received_at, UTC))
    try:
        return LineEvent.model_validate(record)
    except ValidationError as error:
        return Failure(_reason(error), _detail(error))


def decode_line(raw: bytes | None, max_text_bytes: int, received_at: float | None = None) -> LineEvent | Failure:
    """A line event from its bytes. With ``received_at`` (the record's timestamp, in seconds), the minimal
    form ``{"article_id", "line_no", "text"}`` is completed rather than refused."""
    if raw is None:
        return Failure("invalid_json", "the message has no value")
    if len(raw) > max_text_bytes * 6 + 4096:
        # Refuse to parse what cannot hold a line of allowed size, even fully escaped.
        return Failure("text_too_long", f"message of {len(raw)} bytes exceeds the limit")
    try:
        decoded: LineEvent | Failure = LineEvent.model_validate_json(raw)
    except ValidationError as error:
        if received_at is None:
            return Failure(_reason(error), _detail(error))
        if not _lacks_only_filled_in(error):
            # Refused for what else is wrong: the fields it would have filled in are no problem of the line.
            return Failure(_reason(error), _detail(error, FILLED_IN))
        decoded = _filled_in(raw, received_at)
    if isinstance(decoded, LineEvent) and len(decoded.text.encode("utf-8")) > max_text_bytes:
        return Failure("text_too_long", f"text of {len(decoded.text.encode())} bytes exceeds {max_text_bytes}")
    return decoded


def dead_letter(failure: Failure, origin: Origin, raw: bytes | None, now: datetime) -> DeadLetter:
    payload = raw or b""
    try:
        text: str | None = payload.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return DeadLetter(
        event_id=DeadLetter.id_for(origin.topic, origin.partition, origin.offset, payload),
        reason=failure.reason,
        detail=failure.detail,
        source_topic=origin.topic,
        partition=origin.partition,
        offset=origin.offset,
        key=origin.key.decode("utf-8", "replace") if origin.key is not None else None,
        payload_base64=base64.b64encode(payload).decode("ascii"),
        payload_text=text,
        failed_at=now,
    )
