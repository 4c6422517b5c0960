"""From the words that name a speaker to who they are: "Guterres", "he", "the UN chief", "the group",
"a spokesman for the ministry", "Russian officials". Each reading below tries one kind of phrase and
either decides (a speaker, or nobody) or reads on; the first to decide wins."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from pipeline.domain import candidates, phrases
from pipeline.domain.names import Entity, Mention, name_after_body
from pipeline.domain.speakers.context import LineContext
from pipeline.domain.speakers.references import (
    resolve_body_reference,
    resolve_descriptor,
    resolve_pronoun,
    side_of_officials,
)
from pipeline.domain.speakers.speaker import Speaker
from pipeline.domain.text import fold


class _ReadOn(Enum):
    """A reading that does not decide: the next one is tried."""

    READ_ON = "read on"


READ_ON = _ReadOn.READ_ON
_Decision = Speaker | _ReadOn | None
"""a speaker, nobody (``None``), or not this reading's to decide"""


@dataclass(frozen=True)
class _Phrase:
    """The subject phrase being resolved, with what every reading looks at."""

    tokens: list[phrases.Token]
    words: list[str]
    lowered: list[str]
    evidence: str
    at: int
    cue: str


def resolve_phrase(context: LineContext, phrase: list[phrases.Token], at: int, cue: str) -> Speaker | None:
    """Who ``phrase``, the subject of ``cue`` at ``at``, names; ``None`` when it names nobody."""
    english = context.english
    if not phrase:
        return None  # "a spokesman for the said ...": what was to name someone names nobody
    # "09:25 Guterres said": a time or a number heading the line names nobody (its digits are tokens each).
    phrase = list(itertools.dropwhile(_wordless, phrases.first_conjunct(english, phrase)))
    if not phrase:
        return None
    words = [t.group() for t in phrase]
    subject = _Phrase(phrase, words, [w.casefold() for w in words], f"{' '.join(words)} {cue}".strip(), at, cue)
    for reading in _READINGS:
        found = reading(context, subject)
        if found is not READ_ON:
            return found
    return None


def _wordless(token: phrases.Token) -> bool:
    return not any(character.isalpha() for character in token.group())


def _pronoun(context: LineContext, subject: _Phrase) -> _Decision:
    """ "He said", "it added", "which said"; "We announced" is nobody named."""
    english = context.english
    words, lowered = subject.words, subject.lowered
    if len(words) == 1 and (lowered[0] in english.indefinite_pronouns or lowered[0] in english.first_person_pronouns):
        return None  # "We announced ...": in a transcript, whoever has the floor
    if len(words) == 1 or (len(words) == 2 and lowered[1] in {"'s", "'d", "'ll"}):
        pronoun = lowered[0].removesuffix("'s")
        acronym = words[0].isupper() and len(words[0]) > 1  # "WHO said" is the World Health Organization
        if not acronym and (
            pronoun in english.personal_pronouns
            or pronoun in english.group_pronouns
            or pronoun in english.relative_pronouns
        ):
            return resolve_pronoun(context, pronoun, subject.tokens[0].start(), subject.evidence)
    return READ_ON


def _body_by_its_head(context: LineContext, subject: _Phrase) -> _Decision:
    """ "the aid agency said", "the group's media office said", "its press office said"."""
    english = context.english
    words, lowered, start = subject.words, subject.lowered, subject.tokens[0].start()
    if (
        lowered[-1] in english.organisation_heads
        and all(w.islower() and not w.endswith("'s") for w in words)
        and phrases.definite_before(english, context.text, start)
    ):
        return resolve_body_reference(context, words, subject.evidence, start)
    owner_head = lowered[0].removesuffix("'s")
    if (
        len(words) > 1
        and lowered[0].endswith("'s")
        and owner_head in english.referring_heads
        and phrases.definite_before(english, context.text, start)
    ):
        # "the group's media office said": the office speaks for the group named before.
        owner = resolve_body_reference(context, [owner_head], subject.evidence, start)
        if owner is not None:
            return owner
    if lowered[0] in english.possessive_pronouns and len(words) > 1 and lowered[-1] in english.organisation_heads:
        owner = resolve_pronoun(context, english.possessive_pronouns[lowered[0]], start, subject.evidence)
        body = " ".join(words[1:])
        return Speaker(f"{owner.name}'s {body}" if owner else body, "organisation", "organisation", subject.evidence)
    return READ_ON


def _on_behalf_of(context: LineContext, subject: _Phrase) -> _Decision:
    """ "a spokesman for the ministry", "a senior official of the movement": the side they speak for;
    "the head of the UN office in Ukraine Osnat Lubrani": the person the title ends on."""
    english = context.english
    words, lowered = subject.words, subject.lowered
    for index, word in enumerate(lowered[:-1]):
        speaks_for = (word in english.spokespeople and lowered[index + 1] in {"for", "of"}) or (
            # "a senior official of the movement", "an official from the ministry": an official left
            # unnamed speaks for the side named.
            word in english.unnamed_officials and lowered[index + 1] in {"of", "from"}
        )
        if speaks_for and index + 2 < len(words):
            behalf_of = phrases.strip_subject(english, subject.tokens[index + 2 :])
            behalf = resolve_phrase(context, behalf_of, subject.at, subject.cue)
            if behalf is not None:
                return Speaker(behalf.name, behalf.kind, behalf.method, subject.evidence)
        if lowered[index + 1] in english.attaching_prepositions and word in english.organisation_heads:
            person = phrases.name_after_place(english, words[index + 2 :])
            if person:
                # "the head of the UN office in Ukraine Osnat Lubrani said": the title ends on a place.
                return resolve_name(context, person, words, subject.evidence)
            return Speaker(phrases.as_written(english, words), "organisation", "organisation", subject.evidence)
    return READ_ON


def _title_with_complement(context: LineContext, subject: _Phrase) -> _Decision:
    """ "the minister of state for social welfare": a title with a complement that names nobody;
    "an official at the Rafah border crossing": a title and where its holder stands."""
    english = context.english
    words, lowered = subject.words, subject.lowered
    role = phrases.complement_head(english, lowered)
    if (
        role is not None
        and lowered[role] in english.role_words
        and (
            not any(phrases.is_name_word(english, w) for w in words[role + 1 :])
            or (lowered[role + 1] in english.locatives and not phrases.is_name_word(english, words[-1]))
        )
    ):
        return resolve_descriptor(context, words[: role + 1], subject.evidence)
    return READ_ON


def _mentions_within(context: LineContext, subject: _Phrase) -> list[Mention]:
    start, end = subject.tokens[0].start(), subject.tokens[-1].end()
    return [m for m in context.mentions if start <= m.start and m.end <= end + 2]


def _named_in_it(context: LineContext, subject: _Phrase) -> _Decision:
    """ "Russian Foreign Minister Sergei Lavrov": the last name the phrase ends on, unless a
    preposition governs it ("the envoy to Korvia")."""
    english = context.english
    inside = _mentions_within(context, subject)
    if inside:
        last = inside[-1]
        start, end = subject.tokens[0].start(), subject.tokens[-1].end()
        governed = last.start > start and phrases.preposition_before(english, context.text, last.start)
        if phrases.only_trailers_between(english, context.text, last.end, end) and not governed:
            entity = context.remember(last.entity)
            method = "named" if entity.kind == "person" else "organisation"
            return Speaker(entity.name, entity.kind, method, subject.evidence)
    return READ_ON


def _body_or_name(context: LineContext, subject: _Phrase) -> _Decision:
    """ "The M23 rebels said" is M23; "Saudi Arabia said" is a state, though "Saudi" is also a
    nationality; "Minister Ivan Sorok said" a person nobody configured."""
    english = context.english
    words = subject.words
    joined = " ".join(words)
    named_body = candidates.named_group(english, words) or (
        joined if fold(joined) in english.capitals_and_states else None
    )
    if named_body is not None:
        entity = context.remember(Entity(named_body, "organisation"))
        return Speaker(entity.name, entity.kind, "organisation", subject.evidence)
    name_words = phrases.trailing_name(english, words)
    if name_words:
        return resolve_name(context, name_words, words, subject.evidence)
    return READ_ON


def _title(context: LineContext, subject: _Phrase) -> _Decision:
    """ "the foreign minister said": whoever holds the title; "Russian officials", whom nobody holds
    it for, speak for their side; "the council said" is the body."""
    english = context.english
    words, lowered = subject.words, subject.lowered
    if lowered[-1] in english.role_words:
        found = resolve_descriptor(context, words, subject.evidence)
        side = side_of_officials(context, subject.tokens) if lowered[-1] in english.unnamed_officials else None
        if side is not None and found is not None and found.name == phrases.as_written(english, words):
            # Nobody known holds the title: "a senior Tarvo official", "Russian officials" speak for their side.
            entity = context.remember(Entity(side, "organisation"))
            return Speaker(entity.name, entity.kind, "organisation", subject.evidence)
        bodies = [m for m in _mentions_within(context, subject) if m.entity.kind == "organisation"]
        if found is not None and found.method == "descriptor" and found.kind == "organisation" and bodies:
            entity = context.remember(bodies[-1].entity)
            return Speaker(entity.name, entity.kind, "organisation", subject.evidence)
        return found
    if lowered[-1] in english.organisation_heads:
        return Speaker(phrases.as_written(english, words), "organisation", "organisation", subject.evidence)
    return READ_ON


_READINGS: tuple[Callable[[LineContext, _Phrase], _Decision], ...] = (
    _pronoun,
    _body_by_its_head,
    _on_behalf_of,
    _title_with_complement,
    _named_in_it,
    _body_or_name,
    _title,
)


def resolve_name(context: LineContext, name_words: list[str], words: list[str], evidence: str) -> Speaker:
    """The name ``name_words`` read from ``words``: one configured, a body's, or a person's, by surname
    when the article named them in full before."""
    english = context.english
    name = " ".join(name_words).removesuffix("'s")
    configured = context.directory.lookup(name)
    if configured is not None:
        entity = context.remember(configured)
        return Speaker(entity.name, entity.kind, "named", evidence)
    if any(
        w.casefold() in english.organisation_heads or w.casefold() in english.name_function_words for w in name_words
    ):
        return Speaker(name, "organisation", "organisation", evidence)
    if any(w.casefold() in english.organisation_heads for w in words) and name_after_body(english, words) is None:
        return Speaker(phrases.as_written(english, words), "organisation", "organisation", evidence)
    if len(name_words) == 1:
        known = context.find_by_surname(name)
        if known is not None:
            return Speaker(known.name, known.kind, "named", evidence)
        if name.casefold() in english.capitals_and_states or name.casefold() in english.qualifiers:
            return Speaker(name, "organisation", "organisation", evidence)
    return Speaker(name, "person", "named", evidence)
