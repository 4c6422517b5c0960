"""What kind of word a word is: a name's, a title's, a clause's opener, a verb's negation."""

from __future__ import annotations

import re
from itertools import pairwise

from pipeline.domain.lexicon import (
    ATTACHING_PREPOSITIONS,
    DETERMINERS,
    DOCUMENTS,
    IRREGULAR_PARTICIPLES,
    NAME_PARTICLES,
    NEGATIONS,
    ORGANISATION_HEADS,
    PASSIVE_AUXILIARIES,
    PREPOSITIONS,
    QUALIFIERS,
    ROLE_WORDS,
    SUBJECT_TRAILERS,
    VERBS_STATING_CONTENT,
)
from pipeline.domain.phrases.tokens import Token

# What a source issues and speaks through: "a statement from the ministry", "a notice by the army".
ISSUED = DOCUMENTS | {"notice"}


ROLES_AND_BODIES = ROLE_WORDS | ORGANISATION_HEADS


NAME_PARTICLE = re.compile(rf"^(?:{'|'.join(map(re.escape, NAME_PARTICLES))})(?:-[A-Z][\w'-]*)?$")


def is_title_word(word: str) -> bool:
    lowered = word.casefold()
    return lowered in DETERMINERS or lowered in ROLE_WORDS or lowered in QUALIFIERS


def is_name_word(word: str) -> bool:
    return word[:1].isupper() or bool(NAME_PARTICLE.match(word) and "-" in word)


def complement_head(lowered: list[str]) -> int | None:
    """The first role or body that takes a complement, and so heads its phrase: "a spokesman
    for President Putin" is the spokesman, while "Turkish Foreign Minister Mevlut Cavusoglu" is
    Cavusoglu."""
    return next(
        (
            index
            for index, (word, following) in enumerate(pairwise(lowered))
            if word in ROLES_AND_BODIES and following in ATTACHING_PREPOSITIONS
        ),
        None,
    )


def role_governs(segment: list[Token]) -> bool:
    return complement_head([t.group().casefold().removesuffix("'s") for t in segment]) is not None


def mentions_role(segment: list[Token]) -> bool:
    return any(t.group().casefold().removesuffix("'s") in ROLES_AND_BODIES for t in segment)


def is_passive(phrase: list[Token], verb: str) -> bool:
    last = phrase[-1].group().casefold()
    lowered = verb.casefold().split()[0]
    return last in PASSIVE_AUXILIARIES and (lowered.endswith("ed") or lowered in IRREGULAR_PARTICIPLES)


def only_trailers_between(text: str, start: int, end: int) -> bool:
    between = re.findall(r"[A-Za-z']+", text[start:end])
    return all(w.casefold() in SUBJECT_TRAILERS or w.casefold() == "'s" for w in between)


def preposition_before(text: str, start: int) -> bool:
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 20) : start])
    return bool(before) and before[-1].casefold() in PREPOSITIONS


def negated(text: str, start: int, end: int) -> bool:
    """ "has not confirmed", "declined to comment", "offered no details": a verb that states nothing."""
    before = text[max(0, start - 16) : start].casefold().split()[-2:]
    after = text[end : end + 5].casefold().split()[:1]
    return (
        bool(before and (before[-1] in NEGATIONS or before[-1].endswith("n't")))
        or before[-2:] in (["declined", "to"], ["refused", "to"], ["failed", "to"])
        or (after == ["no"] and text[start:end].casefold() not in VERBS_STATING_CONTENT)
    )


# "said no decision had been made" states something; "offered no details" does not.
