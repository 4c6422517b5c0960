"""The fast matchers must find exactly what the plain regular expressions find."""

from __future__ import annotations

import re

import pytest

from pipeline.domain.matching import CueIndex, literal_alternation, word_bounded, word_start_alternation

TEXTS = [
    "Safe passage for evacuees: the evacuation of Mariupol's civilians began.",
    "A humanitarian corridor, new corridors and a corridor-like route were proposed.",
    "Unsafe passages, re-evacuation and 'evacuation' in quotes; EVACUATION in capitals.",
    "war crimes, war-crimes, warcrimes and crimes against humanity",
    "Evacuat",
    "",
    "the Erdoğan-style aid groups and aid, aid convoys",
    "A 72-hour pause, daily pauses and the army's forces in a two-year war; Moscow's TROOPS.",
]

PATTERNS = [
    r"evacuat\w*",
    r"safe (passage|exit)s?",
    r"(humanitarian )?corridors?",
    r"war[ -]crimes?",
    r"crimes? against humanity",
    r"aid( groups| convoys)?",
    r"aid",
    r"route",
    r"\w+-like",  # no literal opening: searched where "-like" stands
    r"(\w+-hour|daily) pauses?",
    r"[\w-]+'s (forces|troops)",
    r"(brutal|\w+-year) (conflict|war)",
]


@pytest.mark.parametrize("text", TEXTS)
def test_cue_index_finds_the_leftmost_match_of_every_pattern(text: str) -> None:
    found = CueIndex(PATTERNS).first_matches(text)
    for number, pattern in enumerate(PATTERNS):
        expected = word_bounded(pattern).search(text)
        got = found.get(number)
        assert (got.span() if got else None) == (expected.span() if expected else None), pattern


ALIASES = ["UN", "UNHCR", "Putin", "Vladimir Putin", "O'Brien", "Al Jazeera", "X"]
NAME_TEXTS = [
    "UN chief and UNHCR, not UNICEF; Vladimir Putin met Putin's aides.",
    "Putin",
    "McPutin and xUN and _UN and 1UN; O'Brien's O'Briens",
    "said 'Putin' - X, X-ray, Al Jazeera's",
]


@pytest.mark.parametrize("text", NAME_TEXTS)
@pytest.mark.parametrize("not_before", [r"\w", r"\w'-"])
def test_word_start_alternation_matches_as_a_leading_lookbehind_would(text: str, not_before: str) -> None:
    fast = re.compile(word_start_alternation(ALIASES, not_before) + r"(?![\w])")
    plain = re.compile(f"(?<![{not_before}])(?:" + literal_alternation(ALIASES) + r")(?![\w])")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize(
    ("pattern", "needed"),
    [
        (r"(\w+-hour|daily) pauses?", {" pause"}),
        (r"[\w-]+'s (forces|troops)", {"'s "}),
        (r"(brutal|\w+-year) (conflict|war)", {"conflict", "war"}),
        (r"\w+-like", {"-like"}),
        (r"\w+ \w+", None),
    ],
)
def test_a_pattern_that_can_start_anywhere_names_what_it_needs(pattern: str, needed: set[str] | None) -> None:
    from pipeline.domain.matching import required_literals

    found = required_literals(pattern)
    assert (set(found) if found is not None else None) == needed
