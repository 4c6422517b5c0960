"""Golden files for rule changes: what an archive should raise, and a readable diff against a run.

A golden file is JSONL, one record per alert (and, when asked, per classified line), holding what
an editor would call a difference (which line, which kind, who, on what evidence) and nothing that
changes from run to run (times).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.console.visible import visible
from pipeline.contracts.events import Alert, ClassifiedLine, SpeakerRef
from pipeline.evaluation.scoring import json_lines

__all__ = ["GoldenError", "differences", "golden_text", "read_golden", "records_of", "summary", "write_golden"]

Record = dict[str, Any]


def _speaker(speaker: SpeakerRef | None) -> str | None:
    return speaker.name if speaker else None


def alert_record(alert: Alert) -> Record:
    return {
        "record": "alert",
        "article_id": alert.article_id,
        "line_no": alert.line_no,
        "kind": alert.kind,
        "severity": alert.severity,
        "speaker": _speaker(alert.speaker),
        "evidence": list(alert.evidence),
    }


def line_record(line: ClassifiedLine) -> Record:
    return {
        "record": "line",
        "article_id": line.article_id,
        "line_no": line.line_no,
        "speaker": _speaker(line.speaker),
        "topics": sorted(topic.id for topic in line.topics),
    }


def _order(record: Record) -> tuple[str, int, str, str]:
    return (record["article_id"], record["line_no"], record["record"], record.get("kind", ""))


def records_of(events: Iterable[BaseModel], with_lines: bool) -> list[Record]:
    """The golden records of a run's events, in a stable order."""
    out: list[Record] = []
    for event in events:
        if isinstance(event, Alert):
            out.append(alert_record(event))
        elif with_lines and isinstance(event, ClassifiedLine):
            out.append(line_record(event))
    return sorted(out, key=_order)


class GoldenError(ValueError):
    """A golden file that cannot be read."""


def read_golden(path: Path, with_lines: bool) -> list[Record]:
    records: list[Record] = []
    for number, record in json_lines(path, GoldenError):
        if not isinstance(record, dict) or record.get("record") not in ("alert", "line"):
            raise GoldenError(f"{path}:{number}: a golden record is an object with record 'alert' or 'line'")
        if record["record"] == "alert" or with_lines:
            records.append(record)
    return sorted(records, key=_order)


def golden_text(records: list[Record]) -> str:
    return "".join(_line(record) + "\n" for record in records)


def write_golden(path: Path, records: list[Record]) -> None:
    path.write_text(golden_text(records), encoding="utf-8")


_FIELD_ORDER = ("record", "article_id", "line_no", "kind", "severity", "speaker", "topics", "evidence")


def _line(record: Record) -> str:
    """One record as one line, its fields in reading order whatever order the file had them in. Its
    evidence is quoted from lines, and a golden file may come from anyone: written, compared and shown
    with nothing in it that could act on a terminal (the same JSON)."""
    known = {name: record[name] for name in _FIELD_ORDER if name in record}
    rest = {name: record[name] for name in sorted(record) if name not in known}
    return visible(json.dumps({**known, **rest}, ensure_ascii=False))


def differences(expected: list[Record], actual: list[Record], expected_name: str) -> list[str]:
    """A unified diff from the golden records to this run's, empty when they agree."""
    return list(
        difflib.unified_diff(
            [_line(r) for r in expected], [_line(r) for r in actual], expected_name, "this run", lineterm="", n=1
        )
    )


def summary(expected: list[Record], actual: list[Record]) -> str:
    was, now = {_line(r) for r in expected}, {_line(r) for r in actual}
    return f"{len(was - now)} expected record(s) missing or changed, {len(now - was)} new or changed in this run"
