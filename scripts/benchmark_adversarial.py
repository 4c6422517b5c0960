"""How long one line built to be slow takes to classify, at 1, 8 and 64 KB.

Each family of lines (tests/adversarial.py) repeats one thing a rule reads word by word. A line
goes through the step the worker runs for it, without Kafka: the event, speaker attribution, topic
scoring and the alert rules (``processing.classify_line`` and ``raise_alerts``), with no time budget,
so what is measured is the rules' own time. Ordinary copy of the same size (the development set's
paragraphs joined into one line) is measured beside them. Time grows with the line's length where
the ratio of 64 KB to 8 KB stays near 8; a rule that reads the line again per word makes it 64.

Run from the repository: python scripts/benchmark_adversarial.py [--repeat 3] [--limit-s 30]
Another version of the rules can be measured with PYTHONPATH pointing at its tree.
"""

from __future__ import annotations

import argparse
import json
import platform
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parent.parent
sys.path.append(str(REPO))  # after PYTHONPATH, so another tree's rules can be measured

from pipeline.config.lexicon_file import load_english  # noqa: E402
from pipeline.config.taxonomy_file import load_taxonomy  # noqa: E402
from pipeline.contracts.events import ClassifiedLine, LineEvent  # noqa: E402
from pipeline.domain.alerts import AlertLedger  # noqa: E402
from pipeline.domain.classifier import LineClassifier  # noqa: E402
from pipeline.domain.memory import ArticleMemory  # noqa: E402
from pipeline.worker.processing import classify_line, raise_alerts  # noqa: E402
from tests.adversarial import FAMILIES, adversarial_line, ordinary_copy  # noqa: E402

SIZES = (1_024, 8_192, 65_536)
ORDINARY = "ordinary copy"


class TooLong(Exception):
    pass


def _stop(signum: int, frame: FrameType | None) -> None:
    raise TooLong


def seconds_to_classify(classifier: LineClassifier, text: str, repeat: int, limit_s: int) -> float | None:
    """The best of ``repeat`` runs, or None if one ran past ``limit_s``."""
    now = datetime.now(UTC)
    event = LineEvent(event_id=LineEvent.id_for("a", 2), article_id="a", line_no=2, text=text, ingested_at=now)
    # An article that has named people before, as live copy has.
    memory = classifier.classify("Secretary-General Antonio Guterres met Sergei Lavrov.", 1, ArticleMemory())[1]
    best = float("inf")
    for _ in range(repeat):
        signal.alarm(limit_s)
        try:
            started = time.perf_counter()
            classified = classify_line(classifier, event, memory, now).result
            if isinstance(classified, ClassifiedLine):
                raise_alerts(classifier, classified, AlertLedger(), now)
            best = min(best, time.perf_counter() - started)
        except TooLong:
            return None
        finally:
            signal.alarm(0)
    return best


def paragraphs() -> list[str]:
    path = REPO / "evaluation" / "written" / "gold.jsonl"
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit-s", type=int, default=30, help="give up on a line after this long")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _stop)
    classifier = LineClassifier(load_taxonomy(), load_english())
    copy = paragraphs()

    print(f"python {platform.python_version()} on {platform.machine()}, best of {args.repeat}, in ms")
    print()
    print("| line | " + " | ".join(f"{size // 1024} KB" for size in SIZES) + " | 64 KB / 8 KB |")
    print("| --- | " + " | ".join("---:" for _ in SIZES) + " | ---: |")
    for family in [ORDINARY, *FAMILIES]:
        timings = []
        for size in SIZES:
            text = ordinary_copy(copy, size) if family == ORDINARY else adversarial_line(family, size)
            timings.append(seconds_to_classify(classifier, text, args.repeat, args.limit_s))
        cells = [f"> {args.limit_s * 1000:,}" if t is None else f"{t * 1000:,.1f}" for t in timings]
        small, large = timings[1], timings[2]
        ratio = f"{large / small:.1f}" if small and large else "-"
        print(f"| {family} | " + " | ".join(cells) + f" | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
