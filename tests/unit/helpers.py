"""Running whole articles through the pure domain, for tests that read like articles."""

from __future__ import annotations

from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier, LineVerdict
from pipeline.domain.memory import ArticleMemory
from pipeline.domain.text import plain


def speakers_of(classifier: LineClassifier, *lines: str) -> list[str | None]:
    return [v.speaker.name if v.speaker else None for v in verdicts_of(classifier, *lines)]


def verdicts_of(classifier: LineClassifier, *lines: str) -> list[LineVerdict]:
    memory = ArticleMemory()
    verdicts = []
    for number, line in enumerate(lines, start=1):
        verdict, memory = classifier.classify(line, number, memory)
        verdicts.append(verdict)
    return verdicts


def alerts_of(classifier: LineClassifier, *lines: str) -> list[tuple[int, str, str | None]]:
    ledger = AlertLedger()
    raised = []
    for number, verdict in enumerate(verdicts_of(classifier, *lines), start=1):
        speaker = verdict.speaker.name if verdict.speaker else None
        decisions, ledger = classifier.alert_rules.evaluate(
            plain(lines[number - 1]), verdict.topic_ids, speaker, ledger, number
        )
        raised.extend((number, d.kind, d.speaker) for d in decisions)
    return raised
