"""From events, through the pure domain, to events: the step every runner shares.

The streaming agents and the offline ``classify`` command call exactly these two
functions, so what is measured offline is what runs in production.
"""

from __future__ import annotations

from datetime import datetime

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
) -> tuple[ClassifiedLine, ArticleMemory]:
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


def raise_alerts(
    classifier: LineClassifier, line: ClassifiedLine, ledger: AlertLedger, now: datetime
) -> tuple[list[Alert], AlertLedger]:
    speaker_name = line.speaker.name if line.speaker else None
    decisions, ledger = classifier.alert_rules.evaluate(
        plain(line.text), frozenset(t.id for t in line.topics), speaker_name, ledger
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
