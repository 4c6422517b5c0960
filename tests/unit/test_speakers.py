"""What the speaker rules do besides naming a sentence's speaker: the evidence they give, the bounds
on what they read, and input they must take without an error. Which speaker each sentence gets is
specified by the rule cases in evaluation/cases (speakers-*.yaml)."""

from __future__ import annotations

import pytest

from pipeline.domain import phrases
from pipeline.domain.classifier import LineClassifier
from tests.unit.helpers import speakers_of, verdicts_of


@pytest.mark.parametrize("stamp", ["09:25", "14.05", "2", "1/3"])
def test_a_time_heading_a_live_entry_is_not_part_of_the_speaker_or_its_evidence(
    classifier: LineClassifier, stamp: str
) -> None:
    (verdict,) = verdicts_of(classifier, f"{stamp} Guterres said the corridor must open.")
    assert verdict.speaker is not None
    assert (verdict.speaker.name, verdict.speaker.evidence) == ("Antonio Guterres", "Guterres said")


@pytest.mark.parametrize(
    "text",
    [
        "A spokesman for the opposition said the talks would resume.",  # a side with no name of its own
        "Separately, said the talks would resume.",  # an opener and no subject at all
    ],
)
def test_a_subject_that_names_nobody_gives_no_error(classifier: LineClassifier, text: str) -> None:
    speakers_of(classifier, text)  # each raised IndexError once: a phrase stripped to nothing was read on


def test_reading_a_phrase_for_its_subject_leaves_the_phrase_as_it_was(classifier: LineClassifier) -> None:
    phrase = phrases.tokens(classifier.english, "and later")
    assert phrases.strip_subject(classifier.english, phrase) == []
    assert [t.group() for t in phrase] == ["and", "later"]


@pytest.mark.parametrize("unit", ["said, ", "He was told, ", "Told. "])
def test_a_speaker_after_dozens_of_verbs_that_name_nobody_is_still_found(classifier: LineClassifier, unit: str) -> None:
    """The bound on what a line's verbs may read never cuts a line of copy short (under 1,000 characters)."""
    text = unit * 40 + "Anna Lind said the talks would resume."
    assert len(text) < 1_000
    assert speakers_of(classifier, text) == ["Anna Lind"]


def test_a_body_named_after_its_kind_is_an_organisation_however_many_spaces_stand_between(
    classifier: LineClassifier,
) -> None:
    (verdict,) = verdicts_of(classifier, "Korvia's militant group" + " " * 150 + "Tarvo Brigades said it would fight.")
    assert verdict.speaker is not None
    assert (verdict.speaker.name, verdict.speaker.kind) == ("Tarvo Brigades", "organisation")
