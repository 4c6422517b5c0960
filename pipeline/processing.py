"""From events, through the pure domain, to events: the step every runner shares.

The streaming agents and the offline ``classify`` command call exactly these two
functions, so what is measured offline is what runs in production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from pipeline.decoding import Failure
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from pipeline.domain.speakers import Speaker
from pipeline.domain.text import plain
from pipeline.events import Alert, ClassifiedLine, LineEvent, SpeakerRef, TopicRef


def _speaker_ref(speaker: Speaker | None) -> SpeakerRef | None:
    if speaker is None:
        return None
    kind = "organisation" if speaker.kind == "organisation" else "person"
    return SpeakerRef(name=speaker.name, kind=kind, method=speaker.method, evidence=speaker.evidence)


def classify_line(
    classifier: LineClassifier, line: LineEvent, memory: ArticleMemory, now: datetime
) -> tuple[ClassifiedLine | Failure, ArticleMemory]:
    """The classified line and the article's memory after it; or, for a line that repeats or
    comes after a later one of its article, the reason it is refused and the memory unchanged."""
    refusal = _out_of_order(line, memory)
    if refusal is not None:
        return refusal, memory
    verdict, memory = classifier.classify(line.text, line.line_no, memory)
    classified = ClassifiedLine(
        event_id=ClassifiedLine.id_for(line.article_id, line.line_no),
        line_event_id=line.event_id,
        article_id=line.article_id,
        line_no=line.line_no,
        text=line.text,
        speaker=_speaker_ref(verdict.speaker),
        topics=tuple(TopicRef(id=t.id, score=t.score, evidence=t.evidence) for t in verdict.topics),
        taxonomy_version=classifier.taxonomy.version,
        ingested_at=line.ingested_at,
        classified_at=now,
    )
    return classified, memory


def _out_of_order(line: LineEvent, latest: ArticleMemory) -> Failure | None:
    """Why ``line`` cannot be taken next in its article, if it cannot."""
    problem = latest.order_problem(line.line_no)
    if problem is None:
        return None
    return Failure(problem, f"line {line.line_no} of {line.article_id!r} after line {latest.last_line_no}")


def raise_alerts(
    classifier: LineClassifier, line: ClassifiedLine, ledger: AlertLedger, now: datetime
) -> tuple[list[Alert], AlertLedger]:
    speaker_name = line.speaker.name if line.speaker else None
    decisions, ledger = classifier.alert_rules.evaluate(
        plain(line.text), frozenset(t.id for t in line.topics), speaker_name, ledger, line.line_no
    )
    alerts = [
        Alert(
            event_id=Alert.id_for(line.article_id, d.kind, AlertLedger.key(d.kind, d.speaker)),
            kind=d.kind,
            severity=d.severity,
            article_id=line.article_id,
            line_no=line.line_no,
            line_event_id=line.line_event_id,
            speaker=line.speaker,
            text=line.text,
            evidence=d.evidence,
            raised_at=now,
        )
        for d in decisions
    ]
    return alerts, ledger


class LineRecord(BaseModel):
    """What the classifier keeps for each recent line of an article: where the line was read
    from, and the article's memory after it. A line read again from the same place is a
    redelivery (a restart before its offset was committed) and is classified again from the
    memory before it, giving the same output; from another place, it is a duplicate."""

    model_config = ConfigDict(frozen=True)

    partition: int | None
    offset: int | None
    memory: ArticleMemory


@dataclass(frozen=True)
class Taken:
    output: ClassifiedLine | Failure
    latest: ArticleMemory | None = None
    """the article's memory to keep, or None to keep what it was"""
    record: LineRecord | None = None
    """the record to keep for this line, or None"""


def take_line(
    classifier: LineClassifier,
    line: LineEvent,
    read_at: tuple[int | None, int | None],
    latest: ArticleMemory,
    record_of: Callable[[int], LineRecord | None],
    now: datetime,
) -> Taken:
    """Classify the next line of an article, or recognise it as redelivered, repeated or late."""
    refusal = _out_of_order(line, latest)
    if refusal is None:
        classified, memory = classify_line(classifier, line, latest, now)
        record = LineRecord(partition=read_at[0], offset=read_at[1], memory=memory)
        return Taken(classified, memory, record)
    if refusal.reason == "duplicate_line":
        kept = record_of(line.line_no)
        before = ArticleMemory() if line.line_no == 1 else getattr(record_of(line.line_no - 1), "memory", None)
        if kept is not None and (kept.partition, kept.offset) == read_at and before is not None:
            classified, _ = classify_line(classifier, line, before, now)
            return Taken(classified)
    return Taken(refusal)
