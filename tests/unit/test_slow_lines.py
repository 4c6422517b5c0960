"""No line is slow to classify: time grows with a line's length, whatever the line is made of.

Times are compared with each other in one run (processor time, best of a few), never with a
fixed figure: the machines are shared. The figures themselves are in benchmarks/adversarial.md.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from pipeline.contracts.events import LineEvent
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from pipeline.worker.processing import classify_line
from tests.adversarial import FAMILIES, adversarial_line, ordinary_copy
from tests.conftest import REPO

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def seconds_to_classify(classifier: LineClassifier, text: str, runs: int = 2) -> float:
    event = LineEvent(event_id="e", article_id="a", line_no=2, text=text, ingested_at=NOW)
    memory = classifier.classify("Secretary-General Antonio Guterres met Sergei Lavrov.", 1, ArticleMemory())[1]
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        classify_line(classifier, event, memory, NOW)
        best = min(best, time.process_time() - started)
    return max(best, 1e-4)  # below the clock's grain, a ratio means nothing


@pytest.fixture(scope="module")
def ordinary_64kb(classifier: LineClassifier) -> float:
    path = REPO / "evaluation" / "written" / "gold.jsonl"
    paragraphs = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    return seconds_to_classify(classifier, ordinary_copy(paragraphs, 65_536), runs=3)


@pytest.mark.parametrize("family", FAMILIES)
def test_eight_times_the_line_takes_about_eight_times_as_long(classifier: LineClassifier, family: str) -> None:
    """A rule that reads the line again for each word it meets makes this ratio 64."""
    short = seconds_to_classify(classifier, adversarial_line(family, 2_048))
    long = seconds_to_classify(classifier, adversarial_line(family, 16_384))
    assert long / short < 24, f"{family}: {short * 1000:.1f} ms for 2 KB, {long * 1000:.1f} ms for 16 KB"


@pytest.mark.parametrize("family", FAMILIES)
def test_a_64_kb_line_built_to_be_slow_takes_little_more_than_64_kb_of_news(
    classifier: LineClassifier, family: str, ordinary_64kb: float
) -> None:
    """64 KB of news paragraphs in one line take about 0.05 s here; eight times that is still well
    under a second. Measured again (up to three times, the best kept) only when over the bound, so a
    busy moment of a shared machine does not fail it."""
    text, adversarial = adversarial_line(family, 65_536), float("inf")
    for _ in range(3):
        adversarial = min(adversarial, seconds_to_classify(classifier, text, runs=1))
        if adversarial / ordinary_64kb < 8:
            break
    assert adversarial / ordinary_64kb < 8, f"{family}: {adversarial:.3f} s, against {ordinary_64kb:.3f} s"


def test_the_lines_are_as_long_as_they_say(classifier: LineClassifier) -> None:
    for family in FAMILIES:
        line = adversarial_line(family, 65_536)
        assert 65_536 - 64 < len(line.encode()) <= 65_536, family
