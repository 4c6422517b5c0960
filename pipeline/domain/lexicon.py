"""The English word lists and gazetteers the speaker rules are built from.

They are data (``pipeline/data/english.yaml``), kept beside the taxonomy and
validated here when the package is imported: a newsroom can add a title, a
capital or a reporting verb without touching the rules.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError


def _lower_case(words: tuple[str, ...]) -> tuple[str, ...]:
    wrong = [w for w in words if not w or w != w.strip() or w != w.casefold()]
    if wrong:
        raise ValueError(f"entries must be lower case with no outer spaces: {wrong[:5]}")
    return words


Words = Annotated[tuple[str, ...], AfterValidator(_lower_case)]


class EnglishLexicon(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    reporting_verbs: Words
    clause_openers: Words
    subject_trailers: Words
    subject_leaders: Words
    passive_auxiliaries: Words
    personal_pronouns: dict[str, Literal["male", "female"] | None]
    group_pronouns: Words
    relative_pronouns: Words
    determiners: Words
    prepositions: Words
    role_words: Words
    organisation_heads: Words
    capitals_and_states: Words
    qualifiers: dict[str, str]
    continuation_openers: Words
    continuation_subjects: Words
    continuation_modals: Words
    calendar_words: Words
    time_words: Words
    time_leaders: Words
    indefinite_pronouns: Words
    quantifiers: Words
    news_agencies: Words
    group_references: Words
    place_nouns: Words
    regional_adjectives: Words


def load_lexicon(text: str, origin: str = "english.yaml") -> EnglishLexicon:
    try:
        return EnglishLexicon.model_validate(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except (yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{origin}: {error}") from error


_LEXICON = load_lexicon(files("pipeline").joinpath("data/english.yaml").read_text(encoding="utf-8"))

# Multiword verbs keep their place: the regex alternation is built from the list as given.
REPORTING_VERBS: tuple[str, ...] = _LEXICON.reporting_verbs
CLAUSE_OPENERS = frozenset(_LEXICON.clause_openers)
SUBJECT_TRAILERS = frozenset(_LEXICON.subject_trailers)
SUBJECT_LEADERS = frozenset(_LEXICON.subject_leaders)
PASSIVE_AUXILIARIES = frozenset(_LEXICON.passive_auxiliaries)
PERSONAL_PRONOUNS: dict[str, str | None] = dict(_LEXICON.personal_pronouns)
GROUP_PRONOUNS = frozenset(_LEXICON.group_pronouns)
RELATIVE_PRONOUNS = frozenset(_LEXICON.relative_pronouns)
DETERMINERS = frozenset(_LEXICON.determiners)
PREPOSITIONS = frozenset(_LEXICON.prepositions)
ROLE_WORDS = frozenset(_LEXICON.role_words)
ORGANISATION_HEADS = frozenset(_LEXICON.organisation_heads)
CAPITALS_AND_STATES = frozenset(_LEXICON.capitals_and_states)
QUALIFIERS: dict[str, str] = dict(_LEXICON.qualifiers)
CONTINUATION_OPENERS = frozenset(_LEXICON.continuation_openers)
CONTINUATION_SUBJECTS = frozenset(_LEXICON.continuation_subjects)
CONTINUATION_MODALS = frozenset(_LEXICON.continuation_modals)
CALENDAR_WORDS = frozenset(_LEXICON.calendar_words)
TIME_WORDS = CALENDAR_WORDS | frozenset(_LEXICON.time_words)
TIME_LEADERS = frozenset(_LEXICON.time_leaders)
INDEFINITE_PRONOUNS = frozenset(_LEXICON.indefinite_pronouns)
QUANTIFIERS = frozenset(_LEXICON.quantifiers)
NEWS_AGENCIES = frozenset(_LEXICON.news_agencies)
GROUP_REFERENCES = frozenset(_LEXICON.group_references)
PLACE_NOUNS = frozenset(_LEXICON.place_nouns)
REGIONAL_ADJECTIVES = frozenset(_LEXICON.regional_adjectives)
