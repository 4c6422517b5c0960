"""Classifying articles in-process, with no broker: the same steps the agents run."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from datetime import datetime

from pydantic import BaseModel

from pipeline.contracts.decoding import Failure
from pipeline.contracts.events import ClassifiedLine, ItemVersion, LineEvent
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.items import ItemLedger
from pipeline.domain.memory import ArticleMemory
from pipeline.worker.cpu_budget import CpuBudget
from pipeline.worker.processing import classify_line, raise_alerts, split_item

__all__ = ["ItemSplitter", "classify_events"]


def classify_events(
    classifier: LineClassifier,
    lines: Iterable[LineEvent],
    now: datetime,
    refused: Callable[[LineEvent, Failure], None] = lambda line, failure: None,
    budget: CpuBudget | None = None,
    speaker_failed: Callable[[ClassifiedLine, Exception], None] = lambda line, error: None,
) -> Iterator[BaseModel]:
    """Each classified line, followed by the alerts it raises, in input order.
    Lines the worker would dead-letter (repeats, late lines, lines over ``budget``) go to ``refused``;
    a bug met finding a line's speaker goes to ``speaker_failed``, and the line on without one."""
    memories: dict[str, ArticleMemory] = {}
    ledgers: dict[str, AlertLedger] = {}
    for line in lines:
        memory = memories.get(line.article_id) or ArticleMemory()
        # Enforced for the line alone: a generator's caller runs between its yields.
        with budget.enforced() if budget else nullcontext():
            classified, memories[line.article_id], speaker_failure = classify_line(
                classifier, line, memory, now, budget
            )
        if isinstance(classified, Failure):
            refused(line, classified)
            continue
        if speaker_failure is not None:
            speaker_failed(classified, speaker_failure)
        yield classified
        alerts, ledgers[line.article_id] = raise_alerts(
            classifier, classified, ledgers.get(line.article_id) or AlertLedger(), now
        )
        yield from alerts


class ItemSplitter:
    """News item versions split into the lines the worker would publish, in the order they are given,
    over as many calls as there are files: each article's item ledger, and where each version was
    read, carry from one call to the next, as they do in the worker's topic."""

    def __init__(self) -> None:
        self._ledgers: dict[str, ItemLedger] = {}
        self._read = 0

    def lines(self, items: Iterable[ItemVersion]) -> Iterator[tuple[ItemVersion, LineEvent]]:
        for item in items:
            lines, self._ledgers[item.article_id] = split_item(
                item, self._ledgers.get(item.article_id) or ItemLedger(), self._read
            )
            self._read += 1
            for line in lines:
                yield item, line
