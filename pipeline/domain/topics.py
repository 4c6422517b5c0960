"""Multi-label topic scores with the words that triggered them.

A topic's score is the noisy-or of the weights of its cues that match:
1 - prod(1 - w). One strong cue carries a topic; several weak ones can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.domain.taxonomy import Cue, Topic


@dataclass(frozen=True)
class TopicScore:
    id: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class _CompiledCue:
    regex: re.Pattern[str]
    weight: float
    unless: frozenset[str]
    needs_context: bool


def _compile(cue: Cue) -> _CompiledCue:
    regex = re.compile(r"(?<![\w])(?:" + cue.pattern + r")(?![\w])", re.IGNORECASE)
    return _CompiledCue(regex, cue.weight, frozenset(cue.unless), cue.needs_context)


class TopicClassifier:
    def __init__(self, topics: tuple[Topic, ...], threshold: float) -> None:
        self.threshold = threshold
        self._topics = [(topic.id, [_compile(cue) for cue in topic.cues]) for topic in topics]
        # One alternation per topic rejects most lines before any single cue runs.
        self._gates = {
            topic.id: re.compile("|".join(f"(?:{cue.pattern})" for cue in topic.cues), re.IGNORECASE)
            for topic in topics
        }

    def classify(self, text: str, previous_topics: frozenset[str] = frozenset()) -> tuple[TopicScore, ...]:
        """Topics at or above the threshold, highest score first. ``text`` is already ``plain``."""
        found: dict[str, list[tuple[re.Match[str], _CompiledCue]]] = {}
        for topic_id, cues in self._topics:
            if self._gates[topic_id].search(text):
                found[topic_id] = self._readings(text, cues, topic_id in previous_topics)
        scores = {
            topic_id: _noisy_or(cue for _, cue in readings if not cue.unless) for topic_id, readings in found.items()
        }
        present = {topic_id for topic_id, score in scores.items() if score >= self.threshold}
        results = []
        for topic_id, readings in found.items():
            counted = [(m, cue) for m, cue in readings if not (cue.unless & present)]
            score = _noisy_or(cue for _, cue in counted)
            if score >= self.threshold:
                evidence = tuple(dict.fromkeys(m.group() for m, _ in sorted(counted, key=lambda r: r[0].start())))
                results.append(TopicScore(topic_id, round(score, 4), evidence))
        return tuple(sorted(results, key=lambda s: (-s.score, s.id)))

    @staticmethod
    def _readings(text: str, cues: list[_CompiledCue], in_context: bool) -> list[tuple[re.Match[str], _CompiledCue]]:
        """The cues that match, each span of words read once, by the longest cue that covers it:
        "aid groups" is weak evidence, and "aid" inside it adds nothing."""
        matches = []
        for cue in cues:
            if cue.needs_context and not in_context:
                continue
            match = cue.regex.search(text)
            if match is not None:
                matches.append((match, cue))
        matches.sort(key=lambda found: (found[0].start() - found[0].end(), -found[1].weight))
        readings: list[tuple[re.Match[str], _CompiledCue]] = []
        for match, cue in matches:
            if not any(m.start() < match.end() and match.start() < m.end() for m, _ in readings):
                readings.append((match, cue))
        return readings


def _noisy_or(cues: Iterable[_CompiledCue]) -> float:
    miss = 1.0
    for cue in cues:
        miss *= 1.0 - cue.weight
    return 1.0 - miss
