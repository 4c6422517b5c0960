"""Multi-label topic scores with the words that triggered them.

A topic's score is the noisy-or of the weights of its cues that match:
1 - prod(1 - w). One strong cue carries a topic; several weak ones can.
"""

from __future__ import annotations

import re
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
        misses: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        deferred: list[tuple[str, _CompiledCue, str]] = []
        for topic_id, cues in self._topics:
            if not self._gates[topic_id].search(text):
                continue
            for cue in cues:
                if cue.needs_context and topic_id not in previous_topics:
                    continue
                match = cue.regex.search(text)
                if match is None:
                    continue
                if cue.unless:
                    deferred.append((topic_id, cue, match.group()))
                    continue
                misses[topic_id] = misses.get(topic_id, 1.0) * (1.0 - cue.weight)
                evidence.setdefault(topic_id, []).append(match.group())
        present = {t for t, miss in misses.items() if 1.0 - miss >= self.threshold}
        for topic_id, cue, words in deferred:
            if cue.unless & present:
                continue
            misses[topic_id] = misses.get(topic_id, 1.0) * (1.0 - cue.weight)
            evidence.setdefault(topic_id, []).append(words)
        scores = [
            TopicScore(topic_id, round(1.0 - miss, 4), tuple(dict.fromkeys(evidence[topic_id])))
            for topic_id, miss in misses.items()
            if 1.0 - miss >= self.threshold
        ]
        return tuple(sorted(scores, key=lambda s: (-s.score, s.id)))
