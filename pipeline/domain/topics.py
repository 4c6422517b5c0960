"""Multi-label topic scores with the words that triggered them.

A topic's score is the noisy-or of the weights of its cues that match:
1 - prod(1 - w). One strong cue carries a topic; several weak ones can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.domain.matching import CueIndex
from pipeline.domain.taxonomy import Cue, Topic


@dataclass(frozen=True)
class TopicScore:
    id: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class _Cue:
    topic: str
    number: int
    weight: float
    unless: frozenset[str]
    needs_context: bool
    claims_span: bool


class TopicClassifier:
    def __init__(self, topics: tuple[Topic, ...], threshold: float) -> None:
        self.threshold = threshold
        cues: list[Cue] = []
        self._cues: list[_Cue] = []
        for topic in topics:
            for cue in topic.cues:
                self._cues.append(
                    _Cue(topic.id, len(cues), cue.weight, frozenset(cue.unless), cue.needs_context, cue.claims_span)
                )
                cues.append(cue)
        self._index = CueIndex([cue.pattern for cue in cues])
        self._claiming = tuple(c.number for c in self._cues if c.claims_span)

    def classify(self, text: str, previous_topics: frozenset[str] = frozenset()) -> tuple[TopicScore, ...]:
        """Topics at or above the threshold, highest score first. ``text`` is already ``plain``."""
        matches = self._index.first_matches(text)
        claimed = [(matches[n].start(), matches[n].end(), self._cues[n].topic) for n in self._claiming if n in matches]
        found: dict[str, list[tuple[re.Match[str], _Cue]]] = {}
        for number, match in matches.items():
            cue = self._cues[number]
            if cue.needs_context and cue.topic not in previous_topics:
                continue
            if claimed and any(s <= match.start() and match.end() <= e and t != cue.topic for s, e, t in claimed):
                continue  # these words were claimed by another topic's reading
            found.setdefault(cue.topic, []).append((match, cue))
        readings = {topic_id: _read_once(candidates) for topic_id, candidates in found.items()}
        # Cues that stand down for another topic need to know which topics are present without them.
        conditional = any(cue.unless for read in readings.values() for _, cue in read)
        present = self._present_without_conditional_cues(readings) if conditional else frozenset()
        results = []
        for topic_id, read in readings.items():
            counted = [(m, cue) for m, cue in read if not (cue.unless & present)] if conditional else read
            score = _noisy_or(cue for _, cue in counted)
            if score >= self.threshold:
                if len(counted) == 1:
                    evidence: tuple[str, ...] = (counted[0][0].group(),)
                else:
                    evidence = tuple(dict.fromkeys(m.group() for m, _ in sorted(counted, key=lambda r: r[0].start())))
                results.append(TopicScore(topic_id, round(score, 4), evidence))
        return tuple(sorted(results, key=lambda s: (-s.score, s.id)))

    def _present_without_conditional_cues(
        self, readings: dict[str, list[tuple[re.Match[str], _Cue]]]
    ) -> frozenset[str]:
        return frozenset(
            topic_id
            for topic_id, read in readings.items()
            if _noisy_or(cue for _, cue in read if not cue.unless) >= self.threshold
        )


def _read_once(candidates: list[tuple[re.Match[str], _Cue]]) -> list[tuple[re.Match[str], _Cue]]:
    """Each span of words read once, by the longest cue that covers it:
    "aid groups" is weak evidence, and "aid" inside it adds nothing."""
    if len(candidates) == 1:
        return candidates
    ordered = sorted(
        candidates, key=lambda found: (found[0].start() - found[0].end(), -found[1].weight, found[1].number)
    )
    readings: list[tuple[re.Match[str], _Cue]] = []
    for match, cue in ordered:
        if not any(m.start() < match.end() and match.start() < m.end() for m, _ in readings):
            readings.append((match, cue))
    return readings


def _noisy_or(cues: Iterable[_Cue]) -> float:
    miss = 1.0
    for cue in cues:
        miss *= 1.0 - cue.weight
    return 1.0 - miss
