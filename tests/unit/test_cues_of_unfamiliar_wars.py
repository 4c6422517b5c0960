"""Topic cues for the ways copy from wars the first cues were not written from says the same six
things, each with sentences written for the project, and the near misses that must stay quiet."""

from __future__ import annotations

import pytest

from pipeline.domain.classifier import LineClassifier
from tests.unit.helpers import topics_of


@pytest.mark.parametrize(
    ("line", "topic"),
    [
        # Hunger and the aid effort in other words.
        ("Two thirds of the province is now acutely food insecure.", "humanitarian_aid"),
        ("Families in the camps are struggling to survive on one meal a day.", "humanitarian_aid"),
        ("The country is living through one of the worst human crises of our time.", "humanitarian_aid"),
        ("Thirty aid workers were forced to relocate after the clashes reached the town.", "humanitarian_aid"),
        ("Aid staff detained by the militia must be released.", "humanitarian_aid"),
        ("We welcome the restoration of electricity supplies to the enclave.", "humanitarian_aid"),
        ("Any attempt to cut off services essential to the civilian population is unacceptable.", "humanitarian_aid"),
        # Wars and their dead.
        ("The country has been torn apart by two years of civil war.", "military"),
        ("Rescuers found 23 bodies in the rubble of the market.", "military"),
        ("He called it a senseless war that no side could win.", "military"),
        # Crimes described by their pattern, not their legal name.
        ("The report describes a campaign of widespread and systematic violence against civilians.", "war_crimes"),
        ("Deliberate attacks against civilians in the camp must stop.", "war_crimes"),
        ("Survivors spoke of children being shot as they ran to the river.", "war_crimes"),
        # A process named for its mediator.
        ("We remain committed to the AU-led process and to implementing the agreement.", "peace_talks"),
        ("The Qatar-brokered talks resume in Doha on Monday.", "peace_talks"),
    ],
)
def test_the_six_topics_in_the_words_of_other_wars(classifier: LineClassifier, line: str, topic: str) -> None:
    assert topic in topics_of(classifier, line)


@pytest.mark.parametrize(
    ("line", "quiet"),
    [
        ("The ministry said food security would be the focus of the farming budget.", "military"),
        ("The museum opened a new wing on the history of the civil rights movement.", "military"),
        ("The company said the takeover process would take a year.", "peace_talks"),
        ("Officials restored the power of the regional court to hear appeals.", "humanitarian_aid"),
        ("Police shot down rumours that the stadium would close.", "war_crimes"),
    ],
)
def test_the_same_words_in_other_senses_stay_quiet(classifier: LineClassifier, line: str, quiet: str) -> None:
    assert quiet not in topics_of(classifier, line)
