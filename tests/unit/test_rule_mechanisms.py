"""The mechanisms every rule relies on, each shown on a small taxonomy of its own, so that
removing the mechanism fails here whatever the default taxonomy says."""

from __future__ import annotations

import pytest

from pipeline.domain.alerts import AlertLedger, AlertRules
from pipeline.domain.taxonomy import AlertRule, Cue, Topic
from pipeline.domain.topics import TopicClassifier

SIREN = AlertRule(
    kind="siren", requires_topic="air", all_of=(("sirens?",), ("sound\\w*",)), none_of=("drill|exercise",)
)


def fired(rules: AlertRules, text: str, topics: frozenset[str] = frozenset({"air"})) -> list[str]:
    decisions, _ = rules.evaluate(text, topics, "Anna Petrova", AlertLedger(), 1)
    return [d.kind for d in decisions]


def test_an_alert_needs_one_pattern_of_every_group() -> None:
    rules = AlertRules((SIREN,))
    assert fired(rules, "Sirens sounded across the city.") == ["siren"]
    assert fired(rules, "Sirens were installed.") == []


def test_a_veto_pattern_stops_an_alert_that_would_fire() -> None:
    rules = AlertRules((SIREN,))
    assert fired(rules, "Sirens sounded across the city in a civil defence drill.") == []


def test_an_alert_fires_only_on_a_line_that_carries_its_required_topic() -> None:
    rules = AlertRules((SIREN,))
    assert fired(rules, "Sirens sounded across the city.", topics=frozenset({"sea"})) == []


@pytest.mark.parametrize(("weight", "shown"), [(0.5, True), (0.4999, False)])
def test_a_topic_is_shown_from_the_threshold_up(weight: float, shown: bool) -> None:
    classifier = TopicClassifier((Topic(id="air", cues=(Cue(pattern="sirens?", weight=weight),)),), threshold=0.5)
    assert bool(classifier.classify("Sirens sounded.")) is shown


def test_words_inside_a_longer_cue_are_read_once() -> None:
    """ "aid groups" is weak; the strong "aid" inside it must not add to it."""
    topic = Topic(id="aid", cues=(Cue(pattern="aid groups", weight=0.3), Cue(pattern="aid", weight=0.6)))
    classifier = TopicClassifier((topic,), threshold=0.5)
    assert classifier.classify("Aid groups met in the capital.") == ()
    (score,) = classifier.classify("Aid arrived, and aid groups met.")
    assert score.score == pytest.approx(1 - 0.7 * 0.4)


def test_a_cue_that_claims_its_words_keeps_other_topics_off_them() -> None:
    talks = Topic(id="talks", cues=(Cue(pattern="end (to )?the fighting", weight=0.9, claims_span=True),))
    war = Topic(id="war", cues=(Cue(pattern="fighting", weight=0.8),))
    classifier = TopicClassifier((talks, war), threshold=0.5)
    assert [t.id for t in classifier.classify("They called for an end to the fighting.")] == ["talks"]
    assert {t.id for t in classifier.classify("Fighting raged as they called for an end to the fighting.")} == {
        "talks",
        "war",
    }


def test_a_rule_that_requires_a_speaker_stays_silent_on_a_line_without_one() -> None:
    rules = AlertRules((SIREN.model_copy(update={"requires_speaker": True}),))
    silent, _ = rules.evaluate("Sirens sounded across the city.", frozenset({"air"}), None, AlertLedger(), 1)
    assert silent == []
    assert fired(rules, "Sirens sounded across the city.") == ["siren"]
