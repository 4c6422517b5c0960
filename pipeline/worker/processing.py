"""From events, through the pure domain, to events: the step every runner shares.

The streaming agents and the offline ``classify`` command call exactly these two
functions, so what is measured offline is what runs in production.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from typing import NamedTuple

from pipeline.contracts.decoding import Failure
from pipeline.contracts.events import Alert, ClassifiedLine, ItemVersion, LineEvent, SpeakerRef, TopicRef
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.items import ItemLedger, split_version
from pipeline.domain.memory import ArticleMemory
from pipeline.domain.speakers import Speaker
from pipeline.domain.text import plain
from pipeline.worker.cpu_budget import CpuBudget, OverBudget


def _speaker_ref(speaker: Speaker | None) -> SpeakerRef | None:
    if speaker is None:
        return None
    kind = "organisation" if speaker.kind == "organisation" else "person"
    return SpeakerRef(name=speaker.name, kind=kind, method=speaker.method, evidence=speaker.evidence)


class LineOutcome(NamedTuple):
    result: ClassifiedLine | Failure
    """the classified line; or, for a line that repeats, comes after a later one of its article,
    or takes longer than its budget, the reason it is refused"""
    memory: ArticleMemory
    """the article's memory after the line (unchanged when it is refused)"""
    speaker_failure: Exception | None = None
    """a bug met finding the speaker: the line is classified without one, and this is for the log"""


def classify_line(
    classifier: LineClassifier,
    line: LineEvent,
    memory: ArticleMemory,
    now: datetime,
    budget: CpuBudget | None = None,
) -> LineOutcome:
    refusal = _out_of_order(line, memory)
    if refusal is not None:
        return LineOutcome(refusal, memory)
    try:
        with budget.spending() if budget else nullcontext():
            verdict, memory = classifier.classify(line.text, line.line_no, memory)
    except OverBudget as over:  # read again, it would take as long: it is refused for good
        return LineOutcome(Failure("line_too_slow", f"classifying it {over}"), memory)
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
        corrects_line_no=line.corrects_line_no,
    )
    return LineOutcome(classified, memory, verdict.speaker_failure)


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
        plain(line.text),
        frozenset(t.id for t in line.topics),
        speaker_name,
        ledger,
        line.line_no,
        line.corrects_line_no,
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


def split_item(item: ItemVersion, ledger: ItemLedger, offset: int) -> tuple[list[LineEvent], ItemLedger]:
    """The line events this version of a news item brings (``offset``: where it was read), and the ledger after."""
    brought, ledger = split_version(ledger, item.lines, offset)
    events = [
        LineEvent(
            event_id=LineEvent.id_for(item.article_id, line.line_no),
            article_id=item.article_id,
            line_no=line.line_no,
            text=line.text,
            source=item.source or item.uri,
            published_at=item.versioncreated,
            ingested_at=item.ingested_at,
            corrects_line_no=line.corrects,
        )
        for line in brought
    ]
    return events, ledger
