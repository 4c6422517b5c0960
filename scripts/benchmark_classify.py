"""Throughput of in-process classification, the path `python -m pipeline classify` runs.

Builds a corpus from the seed article and the development set (articles renamed so
that every copy is its own article, as in a real archive), then times, on one core:

- domain: speaker attribution, topic scoring and alert rules on plain strings;
- events: the same through the event models (LineEvent -> ClassifiedLine, Alert),
  which is what `classify` and the worker do per line, without I/O.

Run: python scripts/benchmark_classify.py [--lines 40000] [--repeat 3] [--corpus written|real]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config.lexicon_file import load_english
from pipeline.config.taxonomy_file import load_taxonomy
from pipeline.contracts.events import LineEvent
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from pipeline.domain.text import plain
from pipeline.worker.offline import classify_events

REPO = Path(__file__).resolve().parent.parent
CORPORA = {
    "written": [REPO / "evaluation" / "written" / "gold.jsonl"],
    "real": [REPO / "evaluation" / "real" / "tune.gold.jsonl", REPO / "evaluation" / "real" / "holdout.gold.jsonl"],
}


def corpus(size: int, name: str = "written") -> list[tuple[str, int, str]]:
    articles: dict[str, list[str]] = {}
    for source in CORPORA[name]:
        for raw in source.read_text(encoding="utf-8").splitlines():
            record = json.loads(raw)
            articles.setdefault(record["article_id"], []).append(record["text"])
    lines: list[tuple[str, int, str]] = []
    copy = 0
    while len(lines) < size:
        for article_id, texts in articles.items():
            lines.extend((f"{article_id}-{copy}", n, text) for n, text in enumerate(texts, start=1))
        copy += 1
    return lines[:size]


def run_domain(classifier: LineClassifier, lines: list[tuple[str, int, str]]) -> int:
    memories: dict[str, ArticleMemory] = {}
    ledgers: dict[str, AlertLedger] = {}
    alerts = 0
    for article_id, line_no, text in lines:
        verdict, memories[article_id] = classifier.classify(text, line_no, memories.get(article_id) or ArticleMemory())
        speaker = verdict.speaker.name if verdict.speaker else None
        raised, ledgers[article_id] = classifier.alert_rules.evaluate(
            plain(text), verdict.topic_ids, speaker, ledgers.get(article_id) or AlertLedger(), line_no
        )
        alerts += len(raised)
    return alerts


def run_events(classifier: LineClassifier, events: list[LineEvent]) -> int:
    return sum(1 for _ in classify_events(classifier, events, datetime.now(UTC)))


def best_rate(label: str, count: int, repeat: int, work: object) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    rate = count / best
    print(f"{label:<8} {count} lines in {best:.3f} s: {rate:,.0f} lines/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="written", help="whose lines to repeat")
    args = parser.parse_args()

    classifier = LineClassifier(load_taxonomy(), load_english())
    lines = corpus(args.lines, args.corpus)
    now = datetime.now(UTC)
    events = [
        LineEvent(event_id=LineEvent.id_for(a, n), article_id=a, line_no=n, text=t, ingested_at=now)
        for a, n, t in lines
    ]
    average = sum(len(t) for _, _, t in lines) / len(lines)
    print(
        f"python {platform.python_version()} on {platform.machine()}, {len(lines)} {args.corpus} lines"
        f" of {average:.0f} characters on average, best of {args.repeat}"
    )
    best_rate("domain", len(lines), args.repeat, lambda: run_domain(classifier, lines))
    best_rate("events", len(lines), args.repeat, lambda: run_events(classifier, events))


if __name__ == "__main__":
    main()
