"""What kind of word a word is: a name's, a title's, a clause's opener, a verb's negation."""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise

from pipeline.domain.lexicon import English
from pipeline.domain.matching import literal_alternation
from pipeline.domain.phrases.tokens import Token


@cache
def name_particle_pattern(english: English) -> re.Pattern[str]:
    """A particle inside a name, alone or joined to what follows: "von", "al-Sisi"."""
    return re.compile(rf"^(?:{literal_alternation(english.name_particles)})(?:-[A-Z][\w'-]*)?$")


def is_title_word(english: English, word: str) -> bool:
    lowered = word.casefold()
    return lowered in english.determiners or lowered in english.role_words or lowered in english.qualifiers


def is_name_word(english: English, word: str) -> bool:
    return word[:1].isupper() or bool(name_particle_pattern(english).match(word) and "-" in word)


def complement_head(english: English, lowered: list[str]) -> int | None:
    """The first role or body that takes a complement, and so heads its phrase: "a spokesman
    for President Putin" is the spokesman, while "Turkish Foreign Minister Mevlut Cavusoglu" is
    Cavusoglu."""
    return next(
        (
            index
            for index, (word, following) in enumerate(pairwise(lowered))
            if word in english.roles_and_bodies and following in english.attaching_prepositions
        ),
        None,
    )


def role_governs(english: English, segment: list[Token]) -> bool:
    return complement_head(english, [t.group().casefold().removesuffix("'s") for t in segment]) is not None


def mentions_role(english: English, segment: list[Token]) -> bool:
    return any(t.group().casefold().removesuffix("'s") in english.roles_and_bodies for t in segment)


def is_passive(english: English, phrase: list[Token], verb: str) -> bool:
    last = phrase[-1].group().casefold()
    lowered = verb.casefold().split()[0]
    return last in english.passive_auxiliaries and (lowered.endswith("ed") or lowered in english.irregular_participles)


def only_trailers_between(english: English, text: str, start: int, end: int) -> bool:
    between = re.findall(r"[A-Za-z']+", text[start:end])
    return all(w.casefold() in english.subject_trailers or w.casefold() == "'s" for w in between)


def preposition_before(english: English, text: str, start: int) -> bool:
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 20) : start])
    return bool(before) and before[-1].casefold() in english.prepositions


def negated(english: English, text: str, start: int, end: int) -> bool:
    """ "has not confirmed", "declined to comment", "offered no details": a verb that states nothing."""
    before = text[max(0, start - 16) : start].casefold().split()[-2:]
    after = text[end : end + 5].casefold().split()[:1]
    return (
        bool(before and (before[-1] in english.negations or before[-1].endswith("n't")))
        or before[-2:] in (["declined", "to"], ["refused", "to"], ["failed", "to"])
        # "said no decision had been made" states something; "offered no details" does not.
        or (after == ["no"] and text[start:end].casefold() not in english.verbs_stating_content)
    )
