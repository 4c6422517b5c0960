"""The English word lists and gazetteers the speaker rules are built from.

They are data (``pipeline/data/english.yaml``, read by ``pipeline.config.lexicon_file``), kept beside
the taxonomy, validated by the model here, and passed to the classifier as ``English``: a newsroom can
add a title, a capital or a reporting verb without touching the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

__all__ = ["English", "EnglishLexicon"]


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
    quoting_verbs: Words
    citing_verbs: Words
    framing_participles: Words
    reported_passives: Words
    finding_nouns: Words
    finding_verbs: Words
    statement_kinds: Words
    statement_release_verbs: Words
    heading_documents: Words
    heading_release_verbs: Words
    issued_documents_also: Words
    referring_documents_also: Words
    subordinate_openers: Words
    phrase_trailers_also: Words
    not_subject_openers_also: Words

    @model_validator(mode="after")
    def _subsets_of_the_reporting_verbs(self) -> EnglishLexicon:
        for field in ("verbs_stating_content", "closing_verbs"):
            stray = [verb for verb in getattr(self, field) if verb not in self.reporting_verbs]
            if stray:
                raise ValueError(f"{field} must be reporting verbs too: {stray[:5]}")
        return self


@dataclass(frozen=True, eq=False)
class English:
    """The word lists as the speaker rules read them: sets to look words up in, the lists whose order
    builds a pattern kept as lists, and the few sets the rules read as one. Built once from a
    validated lexicon and passed to the classifier, as the taxonomy is; compared by identity, so that
    the patterns built from it are built once."""

    reporting_verbs: tuple[str, ...]
    clause_openers: frozenset[str]
    subject_trailers: frozenset[str]
    subject_leaders: frozenset[str]
    passive_auxiliaries: frozenset[str]
    personal_pronouns: dict[str, str | None]
    group_pronouns: frozenset[str]
    relative_pronouns: frozenset[str]
    determiners: frozenset[str]
    prepositions: frozenset[str]
    role_words: frozenset[str]
    organisation_heads: frozenset[str]
    capitals_and_states: frozenset[str]
    qualifiers: dict[str, str]
    continuation_openers: frozenset[str]
    continuation_subjects: frozenset[str]
    continuation_modals: frozenset[str]
    time_words: frozenset[str]
    time_leaders: frozenset[str]
    indefinite_pronouns: frozenset[str]
    quantifiers: frozenset[str]
    news_agencies: frozenset[str]
    group_references: frozenset[str]
    place_nouns: frozenset[str]
    regional_adjectives: frozenset[str]
    clause_words: frozenset[str]
    subordinators: frozenset[str]
    as_complements: frozenset[str]
    attaching_prepositions: frozenset[str]
    complement_prepositions: frozenset[str]
    locatives: frozenset[str]
    name_function_words: frozenset[str]
    title_links: frozenset[str]
    name_particles: tuple[str, ...]
    abbreviated_titles: tuple[str, ...]
    possessive_pronouns: dict[str, str]
    first_person_pronouns: frozenset[str]
    descriptor_articles: frozenset[str]
    negations: frozenset[str]
    verbs_stating_content: frozenset[str]
    closing_verbs: tuple[str, ...]
    irregular_participles: frozenset[str]
    after_quotation_only: frozenset[str]
    statement_issuing_verbs: frozenset[str]
    spokespeople: frozenset[str]
    unnamed_officials: frozenset[str]
    source_modifiers: frozenset[str]
    kin_name_words: dict[str, frozenset[str]]
    carrier_words: frozenset[str]
    transcript_honorifics: frozenset[str]
    transcript_office_words: frozenset[str]
    transcript_unnamed_labels: frozenset[str]
    quoting_verbs: tuple[str, ...]
    citing_verbs: tuple[str, ...]
    framing_participles: tuple[str, ...]
    reported_passives: tuple[str, ...]
    finding_nouns: tuple[str, ...]
    finding_verbs: tuple[str, ...]
    statement_kinds: tuple[str, ...]
    statement_release_verbs: tuple[str, ...]
    heading_documents: tuple[str, ...]
    heading_release_verbs: tuple[str, ...]
    not_names: frozenset[str]
    """capitalised words that end or open no name, the calendar's among them"""
    roles_and_bodies: frozenset[str]
    """a title's or a body's head"""
    issued_documents: frozenset[str]
    """what a source issues and speaks through: "a statement from the ministry", "a notice by the army" """
    referring_documents: frozenset[str]
    """"the document said" refers back to whoever issued it"""
    referring_heads: frozenset[str]
    """heads that refer back to the body named before, documents among them: "the group said" """
    trailers_after_phrase: frozenset[str]
    """words a phrase after a verb does not end on: "said a spokesman on" is cut before "on" """
    not_subject_openers: frozenset[str]
    """words a subject phrase never opens with"""
    subordinate_boundaries: frozenset[str]
    """boundaries that open a subordinate clause: its verb attributes only when the main clause's does not"""

    @classmethod
    def of(cls, lexicon: EnglishLexicon) -> English:
        # A list a pattern is built from stays a list (its field says so); a mapping stays a mapping;
        # every other list is looked words up in, and becomes a set.
        read: dict[str, Any] = {
            name: value if name in _LISTS or isinstance(value, dict) else frozenset(value)
            for name, value in lexicon
            if name in _AS_GIVEN
        }
        calendar = frozenset(lexicon.calendar_words)
        documents = frozenset(lexicon.documents)
        return cls(
            **read,
            time_words=calendar | frozenset(lexicon.time_words),
            kin_name_words={head: frozenset(kin.name_words) for kin in lexicon.kin_name_words for head in kin.heads},
            # Speaker labels are written in capitals.
            transcript_honorifics=frozenset(word.upper() for word in lexicon.transcript_honorifics),
            transcript_office_words=frozenset(word.upper() for word in lexicon.transcript_office_words),
            transcript_unnamed_labels=frozenset(word.upper() for word in lexicon.transcript_unnamed_labels),
            not_names=frozenset(lexicon.not_names) | calendar,
            roles_and_bodies=read["role_words"] | read["organisation_heads"],
            issued_documents=documents | frozenset(lexicon.issued_documents_also),
            referring_documents=documents | frozenset(lexicon.referring_documents_also),
            referring_heads=documents
            | frozenset(lexicon.referring_documents_also)
            | frozenset(lexicon.generic_body_heads),
            trailers_after_phrase=read["subject_trailers"] | frozenset(lexicon.phrase_trailers_also),
            not_subject_openers=read["clause_openers"]
            | read["relative_pronouns"]
            | frozenset(lexicon.not_subject_openers_also),
            subordinate_boundaries=read["subordinators"] | frozenset(lexicon.subordinate_openers),
        )


_BUILT = frozenset(
    {
        "time_words",
        "kin_name_words",
        "not_names",
        "transcript_honorifics",
        "transcript_office_words",
        "transcript_unnamed_labels",
    }
)
"""the fields ``English.of`` builds from the file's lists rather than takes as they are"""
_AS_GIVEN = (frozenset(f.name for f in fields(English)) & EnglishLexicon.model_fields.keys()) - _BUILT
"""the lists ``English`` takes from the file as they are"""
_LISTS = frozenset(f.name for f in fields(English) if f.type == "tuple[str, ...]")
"""the fields kept as lists: those the patterns are built from"""
