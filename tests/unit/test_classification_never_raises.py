"""Classification returns a result for any text, the same result for the same text, and a bug in
finding the speaker costs a line its speaker only, never its topics, its alerts or the line itself.

The property-based tests run over arbitrary text and over real lines broken the ways feeds break
them (cut anywhere, two run together, quotation marks and ellipses put in or left open, text
decoded with the wrong encoding). They are derandomised, so a run in CI is the same run every
time; a failure prints the smallest text that fails."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from tests.conftest import REPO
from tests.unit.helpers import alerts_of

# The development lines, never the held-out ones.
REAL_LINES = [
    json.loads(raw)["text"]
    for path in ("evaluation/written/gold.jsonl", "evaluation/real/tune.gold.jsonl")
    for raw in (REPO / path).read_text(encoding="utf-8").splitlines()
]
EXAMPLES = settings(max_examples=1000, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def misencoded(text: str) -> str:
    """UTF-8 read as Windows-1252 ("Erdoğan" as "ErdoÄŸan"), as a feed with the wrong charset gives it."""
    return text.encode("utf-8").decode("cp1252", errors="replace")


@st.composite
def broken_lines(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(REAL_LINES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        change = draw(st.sampled_from(["cut", "join", "insert", "misencode", "drop"]))
        if change == "cut":
            text = text[:at]
        elif change == "join":
            text = text[:at] + draw(st.sampled_from([" ", "", ", "])) + draw(st.sampled_from(REAL_LINES))
        elif change == "insert":
            mark = draw(st.sampled_from(['"', "“", "”", "'", "…", "...", "(", ")", " - ", ":", ",", "\n", "\t"]))
            text = text[:at] + mark + text[at:]
        elif change == "misencode":
            text = misencoded(text)
        else:
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
    return text


def classified_twice(classifier: LineClassifier, text: str) -> tuple[Any, Any]:
    before = classifier.classify("Antonio Guterres met Sergei Lavrov in Moscow.", 1, ArticleMemory())[1]
    return classifier.classify(text, 2, before), classifier.classify(text, 2, before)


@EXAMPLES
@given(text=st.text(max_size=400))
def test_any_text_is_classified_without_a_bug_and_the_same_way_twice(classifier: LineClassifier, text: str) -> None:
    (verdict, memory), again = classified_twice(classifier, text)
    assert verdict.speaker_failure is None, repr(verdict.speaker_failure)
    assert (verdict, memory) == again


@EXAMPLES
@given(text=broken_lines())
def test_real_lines_broken_as_feeds_break_them_are_classified_without_a_bug(
    classifier: LineClassifier, text: str
) -> None:
    (verdict, memory), again = classified_twice(classifier, text)
    assert verdict.speaker_failure is None, repr(verdict.speaker_failure)
    assert (verdict, memory) == again


class BrokenSpeakers(LineClassifier):
    """A classifier whose speaker rules have a bug on one line."""

    def __init__(self, classifier: LineClassifier) -> None:
        super().__init__(classifier.taxonomy, classifier.english)
        attribute = self._speakers.attribute

        def failing(text: str, memory: ArticleMemory) -> Any:
            if "evidence" in text or "Sirens" in text:
                raise IndexError("a rule read past the end of a phrase")
            return attribute(text, memory)

        self._speakers.attribute = failing  # type: ignore[method-assign]


def test_a_bug_finding_the_speaker_leaves_the_line_its_topics_and_alerts(classifier: LineClassifier) -> None:
    broken = BrokenSpeakers(classifier)
    memory = broken.classify("Dmytro Kuleba said the shelling went on.", 1, ArticleMemory())[1]
    verdict, after = broken.classify("Kyiv will share the evidence of war crimes with the ICC.", 2, memory)
    assert verdict.speaker is None and isinstance(verdict.speaker_failure, IndexError)
    assert verdict.topic_ids == {"war_crimes"}
    # The article goes on: the line is counted, and what was known before it is still known.
    assert after.last_line_no == 2 and after.entities == memory.entities
    assert after.last_speaker == "Dmytro Kuleba"
    assert alerts_of(broken, "Kyiv will share the evidence of war crimes with the ICC.") == [(1, "war_crimes", None)]
