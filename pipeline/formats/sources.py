"""Reading articles into events: plain-text articles and JSONL archives into line events, and
news items in IPTC ninjs (one JSON document, or JSONL of them) into item versions.

A plain-text article is one line per event (blank lines are paragraph breaks,
not events); its id is given or taken from the file name. A JSONL archive holds
line events, of which ``article_id``, ``line_no`` and ``text`` are enough: the
event id is derived from them and the ingest time is filled in. Nothing is
dropped silently: every line that cannot become an event comes back as a
``Rejected`` naming the file and the line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import TypeAdapter, ValidationError

from pipeline.contracts.events import ArticleId, ItemVersion, LineEvent
from pipeline.formats.ninjs import NinjsError, is_ninjs, item_lines, read_item

__all__ = [
    "Rejected",
    "SourceFormat",
    "SourcedLine",
    "in_reading_order",
    "is_ninjs_source",
    "item_version",
    "read_events",
    "read_items",
    "read_lines",
    "screen",
]

SourceFormat = Literal["auto", "text", "jsonl", "ninjs"]
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Rejected:
    source: str
    physical_line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.physical_line}: {self.reason}"


@dataclass(frozen=True)
class SourcedLine:
    """A line event and where it was read: the file as it was given, and the line in that file."""

    event: LineEvent
    source: str
    physical_line: int


def article_id_from(name: str) -> str:
    return Path(name).stem if name != "-" else "stdin"


def _decoded_lines(source: str, data: bytes) -> Iterator[tuple[int, str | Rejected]]:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    chunks = data.split(b"\n")
    if chunks and chunks[-1] == b"":
        chunks.pop()  # a final newline ends the last line; it does not start another
    for number, chunk in enumerate(chunks, start=1):
        try:
            yield number, chunk.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError as error:
            yield number, Rejected(source, number, f"not valid UTF-8 at byte {error.start}")


def _is_jsonl(source: str, data: bytes, fmt: SourceFormat) -> bool:
    if fmt != "auto":
        return fmt == "jsonl"
    if Path(source).suffix.lower() in {".jsonl", ".ndjson"}:
        return True
    return data.lstrip(_BOM + b" \t\r\n").startswith(b"{")


def _validation_reason(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'event'}: {e['msg']}" for e in error.errors())


def read_lines(
    source: str, data: bytes, now: datetime, *, article_id: str | None = None, fmt: SourceFormat = "auto"
) -> Iterator[SourcedLine | Rejected]:
    """The line events in ``data`` (the bytes of ``source``), in order, each with where it was read."""
    if _is_jsonl(source, data, fmt):
        yield from _read_jsonl(source, data, now)
    else:
        yield from _read_text(source, data, now, article_id or article_id_from(source))


def read_events(
    source: str, data: bytes, now: datetime, *, article_id: str | None = None, fmt: SourceFormat = "auto"
) -> Iterator[LineEvent | Rejected]:
    """The line events in ``data``, in order, without where each was read."""
    for item in read_lines(source, data, now, article_id=article_id, fmt=fmt):
        yield item.event if isinstance(item, SourcedLine) else item


def _read_text(source: str, data: bytes, now: datetime, article_id: str) -> Iterator[SourcedLine | Rejected]:
    line_no = 0
    for number, decoded in _decoded_lines(source, data):
        if isinstance(decoded, Rejected):
            line_no += 1  # the line exists; numbering of the rest must not shift
            yield decoded
            continue
        if not decoded.strip():
            continue
        line_no += 1
        try:
            event = LineEvent(
                event_id=LineEvent.id_for(article_id, line_no),
                article_id=article_id,
                line_no=line_no,
                text=decoded.strip(),
                source=Path(source).name,
                ingested_at=now,
            )
        except ValidationError as error:
            yield Rejected(source, number, _validation_reason(error))
            continue
        yield SourcedLine(event, source, number)


_LINE_FIELDS = frozenset(LineEvent.model_fields)


def _read_jsonl(source: str, data: bytes, now: datetime) -> Iterator[SourcedLine | Rejected]:
    # Once per archive, not per line: an archive replays hundreds of thousands of lines.
    name, ingested_at = Path(source).name, now.isoformat()
    for number, decoded in _decoded_lines(source, data):
        if isinstance(decoded, Rejected):
            yield decoded
            continue
        if not decoded.strip():
            continue
        try:
            record = json.loads(decoded)
        except json.JSONDecodeError as error:
            yield Rejected(source, number, f"not JSON: {error.msg}")
            continue
        if not isinstance(record, dict):
            yield Rejected(source, number, "a line event must be a JSON object")
            continue
        try:
            record.setdefault("ingested_at", ingested_at)
            record.setdefault("source", name)
            if "event_id" not in record:
                record["event_id"] = LineEvent.id_for(str(record.get("article_id")), record.get("line_no", 0))
            event = LineEvent.model_validate(_only_line_fields(record))
        except ValidationError as error:
            yield Rejected(source, number, _validation_reason(error))
            continue
        yield SourcedLine(event, source, number)


def _only_line_fields(record: dict[str, object]) -> dict[str, object]:
    """Archives may carry labels or classifier output beside the line; keep what a line event has."""
    return {k: v for k, v in record.items() if k in _LINE_FIELDS}


def in_reading_order(rejected: Iterable[Rejected], sources: Sequence[str]) -> list[Rejected]:
    """Rejections as the files were read: by file in the order given, then by line. They are found by
    different steps (reading, then screening), each in its own pass."""
    order = {source: n for n, source in enumerate(sources)}
    return sorted(rejected, key=lambda item: (order.get(item.source, len(order)), item.physical_line))


def screen(lines: list[SourcedLine], max_text_bytes: int) -> tuple[list[LineEvent], list[Rejected]]:
    """What the worker would refuse, refused before publishing: lines over the size limit,
    and lines whose number does not follow the article's previous line in this batch.
    A refusal names the file as it was given and the line of that file."""
    kept: list[LineEvent] = []
    refused: list[Rejected] = []
    last: dict[str, int] = {}
    for line in lines:
        event = line.event
        size = len(event.text.encode("utf-8"))
        previous = last.get(event.article_id, 0)
        if size > max_text_bytes:
            refused.append(Rejected(line.source, line.physical_line, f"text of {size} bytes exceeds {max_text_bytes}"))
        elif event.line_no <= previous:
            refused.append(
                Rejected(
                    line.source,
                    line.physical_line,
                    f"line_no {event.line_no} of {event.article_id!r} after {previous}",
                )
            )
        else:
            last[event.article_id] = event.line_no
            kept.append(event)
    return kept, refused


_ARTICLE_ID = TypeAdapter(ArticleId)


def article_id_for_uri(uri: str) -> str:
    """A news item's article id: its uri, the same for every version, or a digest of a uri that is
    no article id (too long, spaced at an end, holding a control or bidirectional character), so
    that such an item is still read rather than refused for the id it was never asked for."""
    try:
        return _ARTICLE_ID.validate_python(uri)
    except ValidationError:
        # "surrogatepass": a uri from JSON may hold a lone surrogate, which plain UTF-8 cannot encode.
        return "item-" + hashlib.sha1(uri.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def is_ninjs_source(source: str, data: bytes, fmt: SourceFormat) -> bool:
    if fmt != "auto":
        return fmt == "ninjs"
    text = data.removeprefix(_BOM).strip()
    if not text.startswith(b"{"):
        return False
    try:
        return is_ninjs(json.loads(text))
    except (json.JSONDecodeError, UnicodeDecodeError):
        first = text.split(b"\n", 1)[0]
        try:
            return is_ninjs(json.loads(first))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return False


def read_items(
    source: str, data: bytes, now: datetime, *, article_id: str | None = None
) -> Iterator[ItemVersion | Rejected]:
    """The news items in ``data``: one ninjs document, or one per line."""
    text = data.removeprefix(_BOM)
    try:
        whole = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        whole = None
    if whole is not None:
        yield item_version(source, 1, whole, now, article_id)
        return
    for number, decoded in _decoded_lines(source, data):
        if isinstance(decoded, Rejected):
            yield decoded
        elif decoded.strip():
            try:
                record = json.loads(decoded)
            except json.JSONDecodeError as error:
                yield Rejected(source, number, f"not JSON: {error.msg}")
                continue
            yield item_version(source, number, record, now, article_id)


def item_version(
    source: str, number: int, record: object, now: datetime, article_id: str | None
) -> ItemVersion | Rejected:
    """One ninjs record as an item version, or why it cannot be one (``source:number`` naming it)."""
    try:
        item = read_item(record)
    except NinjsError as error:
        return Rejected(source, number, f"not a ninjs news item: {error}")
    lines = tuple(item_lines(item))
    if not lines:
        return Rejected(source, number, "the item's body has no text")
    article = article_id or article_id_for_uri(item.uri)
    try:
        return ItemVersion(
            event_id=ItemVersion.id_for(article, lines),
            article_id=article,
            uri=item.uri,
            version=None if item.version is None else str(item.version),
            versioncreated=item.versioncreated,
            headline=item.main_headline(),
            lines=lines,
            source=Path(source).name,
            ingested_at=now,
        )
    except ValidationError as error:
        return Rejected(source, number, _validation_reason(error))
