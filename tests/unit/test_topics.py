"""How topic scores are computed. Which topics each sentence gets is specified by the rule cases in
evaluation/cases (topics-*.yaml)."""

from __future__ import annotations

import pytest

from pipeline.domain.taxonomy import Cue, Topic
from pipeline.domain.topics import TopicClassifier


def test_scores_are_calibrated_noisy_or_with_evidence() -> None:
    topic = Topic(id="nuclear", cues=(Cue(pattern="reactor", weight=0.4), Cue(pattern="radiation", weight=0.4)))
    classifier = TopicClassifier((topic,), threshold=0.5)
    assert classifier.classify("A reactor was hit.") == ()
    (score,) = classifier.classify("A reactor was hit and radiation rose.")
    assert score.id == "nuclear" and score.score == pytest.approx(0.64) and score.evidence == ("reactor", "radiation")
    assert 0.0 <= score.score <= 1.0
