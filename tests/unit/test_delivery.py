"""Redelivered, repeated and late lines: what the worker does with each, decided without Kafka."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.decoding import Failure
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from pipeline.events import ClassifiedLine, LineEvent
from pipeline.processing import LineRecord, raise_alerts, take_line
from pipeline.sources import screen

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TEXTS = [
    "Dmytro Kuleba said the atrocities were war crimes.",
    "He said Kyiv would share the evidence with the ICC.",
    "Sirens sounded across the city.",
]


def line(n: int, text: str | None = None) -> LineEvent:
    return LineEvent(
        event_id=LineEvent.id_for("a", n), article_id="a", line_no=n, text=text or TEXTS[n - 1], ingested_at=NOW
    )


def run(classifier: LineClassifier, numbers: list[int]) -> tuple[ArticleMemory, dict[int, LineRecord], list[object]]:
    latest, records, outputs = ArticleMemory(), {}, []
    for n in numbers:
        taken = take_line(classifier, line(n), (0, n * 10), latest, records.get, NOW)
        outputs.append(taken.output)
        if taken.latest is not None:
            latest = taken.latest
        if taken.record is not None:
            records[n] = taken.record
    return latest, records, outputs


def test_a_line_read_again_from_the_same_offset_gives_the_same_output(classifier: LineClassifier) -> None:
    latest, records, outputs = run(classifier, [1, 2])
    again = take_line(classifier, line(2), (0, 20), latest, records.get, NOW)
    assert isinstance(again.output, ClassifiedLine) and again.output == outputs[1]
    assert again.latest is None and again.record is None  # nothing about the article changes


def test_the_same_line_from_another_offset_is_a_duplicate(classifier: LineClassifier) -> None:
    latest, records, _ = run(classifier, [1, 2])
    again = take_line(classifier, line(2), (0, 99), latest, records.get, NOW)
    assert isinstance(again.output, Failure) and again.output.reason == "duplicate_line"


def test_a_line_that_arrives_after_a_later_one_is_out_of_order(classifier: LineClassifier) -> None:
    latest, records, _ = run(classifier, [1, 3])
    late = take_line(classifier, line(2), (0, 40), latest, records.get, NOW)
    assert isinstance(late.output, Failure) and late.output.reason == "line_out_of_order"


def test_a_replayed_line_fires_its_alert_again_with_the_same_id(classifier: LineClassifier) -> None:
    _, _, outputs = run(classifier, [1, 2])
    first, second = outputs
    assert isinstance(first, ClassifiedLine) and isinstance(second, ClassifiedLine)
    alerts, ledger = raise_alerts(classifier, first, AlertLedger(), NOW)
    replayed, ledger = raise_alerts(classifier, first, ledger, NOW)
    later, _ = raise_alerts(classifier, second, ledger, NOW)
    assert [a.kind for a in alerts] == ["war_crimes"]
    assert [a.event_id for a in replayed] == [a.event_id for a in alerts]
    assert later == []


def test_ingest_refuses_oversized_and_repeated_lines_up_front() -> None:
    kept, refused = screen([line(1), line(1), line(2, "x" * 80), line(3)], max_text_bytes=60)
    assert [e.line_no for e in kept] == [1, 3]
    assert [r.physical_line for r in refused] == [1, 2]
    assert "after 1" in refused[0].reason and "exceeds 60" in refused[1].reason
