"""The English word lists and gazetteers the speaker rules are built from.

They are data (``pipeline/data/english.yaml``), kept beside the taxonomy and
validated here when the package is imported: a newsroom can add a title, a
capital or a reporting verb without touching the rules.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator


def _lower_case(words: tuple[str, ...]) -> tuple[str, ...]:
    wrong = [w for w in words if not w or w != w.strip() or w != w.casefold()]
    if wrong:
        raise ValueError(f"entries must be lower case with no outer spaces: {wrong[:5]}")
    return words


Words = Annotated[tuple[str, ...], AfterValidator(_lower_case)]


class KinNameWords(BaseModel):
    """Heads ("tribunal") that may stand for a body named with any of ``name_words`` ("Criminal Court")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    heads: Words
    name_words: Words


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
    clause_words: Words
    subordinators: Words
    as_complements: Words
    attaching_prepositions: Words
    complement_prepositions: Words
    locatives: Words
    name_function_words: Words
    title_links: Words
    name_particles: Words
    abbreviated_titles: Words
    possessive_pronouns: dict[str, str]
    first_person_pronouns: Words
    descriptor_articles: Words
    not_names: Words
    negations: Words
    verbs_stating_content: Words
    closing_verbs: Words
    irregular_participles: Words
    after_quotation_only: Words
    statement_issuing_verbs: Words
    spokespeople: Words
    unnamed_officials: Words
    source_modifiers: Words
    documents: Words
    generic_body_heads: Words
    kin_name_words: tuple[KinNameWords, ...]
    carrier_words: Words
    transcript_honorifics: Words
    transcript_office_words: Words
    transcript_unnamed_labels: Words

    @model_validator(mode="after")
    def _subsets_of_the_reporting_verbs(self) -> EnglishLexicon:
        for field in ("verbs_stating_content", "closing_verbs"):
            stray = [verb for verb in getattr(self, field) if verb not in self.reporting_verbs]
            if stray:
                raise ValueError(f"{field} must be reporting verbs too: {stray[:5]}")
        return self


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
CLAUSE_WORDS = frozenset(_LEXICON.clause_words)
SUBORDINATORS = frozenset(_LEXICON.subordinators)
AS_COMPLEMENTS = frozenset(_LEXICON.as_complements)
ATTACHING_PREPOSITIONS = frozenset(_LEXICON.attaching_prepositions)
COMPLEMENT_PREPOSITIONS = frozenset(_LEXICON.complement_prepositions)
LOCATIVES = frozenset(_LEXICON.locatives)
NAME_FUNCTION_WORDS = frozenset(_LEXICON.name_function_words)
TITLE_LINKS = frozenset(_LEXICON.title_links)
# Patterns keep the lists' order: their alternations are built from them as given.
NAME_PARTICLES: tuple[str, ...] = _LEXICON.name_particles
ABBREVIATED_TITLES: tuple[str, ...] = _LEXICON.abbreviated_titles
POSSESSIVE_PRONOUNS: dict[str, str] = dict(_LEXICON.possessive_pronouns)
FIRST_PERSON_PRONOUNS = frozenset(_LEXICON.first_person_pronouns)
DESCRIPTOR_ARTICLES = frozenset(_LEXICON.descriptor_articles)
NOT_NAMES = frozenset(_LEXICON.not_names)
NEGATIONS = frozenset(_LEXICON.negations)
VERBS_STATING_CONTENT = frozenset(_LEXICON.verbs_stating_content)
CLOSING_VERBS: tuple[str, ...] = _LEXICON.closing_verbs
IRREGULAR_PARTICIPLES = frozenset(_LEXICON.irregular_participles)
AFTER_QUOTATION_ONLY = frozenset(_LEXICON.after_quotation_only)
STATEMENT_ISSUING_VERBS = frozenset(_LEXICON.statement_issuing_verbs)
SPOKESPEOPLE = frozenset(_LEXICON.spokespeople)
UNNAMED_OFFICIALS = frozenset(_LEXICON.unnamed_officials)
SOURCE_MODIFIERS = frozenset(_LEXICON.source_modifiers)
DOCUMENTS = frozenset(_LEXICON.documents)
GENERIC_BODY_HEADS = frozenset(_LEXICON.generic_body_heads)
KIN_NAME_WORDS = {head: frozenset(kin.name_words) for kin in _LEXICON.kin_name_words for head in kin.heads}
CARRIER_WORDS = frozenset(_LEXICON.carrier_words)
# Speaker labels are written in capitals.
TRANSCRIPT_HONORIFICS = frozenset(word.upper() for word in _LEXICON.transcript_honorifics)
TRANSCRIPT_OFFICE_WORDS = frozenset(word.upper() for word in _LEXICON.transcript_office_words)
TRANSCRIPT_UNNAMED_LABELS = frozenset(word.upper() for word in _LEXICON.transcript_unnamed_labels)
