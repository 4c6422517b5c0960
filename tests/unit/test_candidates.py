"""The kinds of candidate speaker, decided on the words alone."""

from __future__ import annotations

import pytest

from pipeline.config.lexicon_file import load_english
from pipeline.domain import candidates

ENGLISH = load_english()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Reuters", True),
        ("Korvia's National News Agency", True),
        ("the Ruritanian Press Agency", True),
        ("news agency AFP", True),
        ("Russian media Interfax", True),
        ("state broadcaster RIA", True),
        ("the newspaper Kyodo", True),
        ("the outlet TASS", True),
        ("the daily Xinhua", True),
        ("wire service Anadolu", True),
        ("Korvian army", False),
        ("media office", False),
    ],
)
def test_a_news_agency_only_carries_the_story(name: str, expected: bool) -> None:
    assert candidates.is_news_agency(ENGLISH, name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("sources", True), ("local officials", True), ("Officials", True), ("Rapid Support Forces", False)],
)
def test_several_people_left_unnamed_are_never_it(name: str, expected: bool) -> None:
    assert candidates.unnamed_plural(ENGLISH, name) is expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [(["Rwanda-backed", "M23", "rebels"], "M23"), (["SDF", "fighters"], "SDF"), (["Korvian", "rebels"], None)],
)
def test_a_group_named_by_its_acronym_is_that_acronym(words: list[str], expected: str | None) -> None:
    assert candidates.named_group(ENGLISH, words) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Syrian Observatory", True), ("city council", True), ("top agency official", False)],
)
def test_a_body_name_is_not_a_title_left_unresolved(name: str, expected: bool) -> None:
    assert candidates.is_body_name(ENGLISH, name) is expected
