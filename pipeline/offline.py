"""Classifying articles in-process, with no broker: the same steps the agents run."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from pydantic import BaseModel

from pipeline.decoding import Failure
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from pipeline.events import LineEvent
from pipeline.processing import classify_line, raise_alerts


def classify_events(
    classifier: LineClassifier,
    lines: Iterable[LineEvent],
    now: datetime,
    refused: Callable[[LineEvent, Failure], None] = lambda line, failure: None,
) -> Iterator[BaseModel]:
    """Each classified line, followed by the alerts it raises, in input order.
    Lines the worker would dead-letter (repeats, late lines) go to ``refused``."""
    memories: dict[str, ArticleMemory] = {}
    ledgers: dict[str, AlertLedger] = {}
    for line in lines:
        memory = memories.get(line.article_id) or ArticleMemory()
        classified, memories[line.article_id] = classify_line(classifier, line, memory, now)
        if isinstance(classified, Failure):
            refused(line, classified)
            continue
        yield classified
        alerts, ledgers[line.article_id] = raise_alerts(
            classifier, classified, ledgers.get(line.article_id) or AlertLedger(), now
        )
        yield from alerts
