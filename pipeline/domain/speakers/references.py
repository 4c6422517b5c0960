"""What refers back to someone named before: a pronoun ("he", "it"), a body by its head noun ("the
group", "the tribunal"), a title ("the minister"), an unnamed official's side ("Russian officials")."""

from __future__ import annotations

import re

from pipeline.domain import candidates, phrases
from pipeline.domain.memory import RememberedEntity
from pipeline.domain.names import Descriptor, Mention, descriptor_key
from pipeline.domain.speakers.context import LineContext
from pipeline.domain.speakers.speaker import Speaker
from pipeline.domain.text import fold


def resolve_pronoun(context: LineContext, pronoun: str, at: int, evidence: str) -> Speaker | None:
    """ "which said" is whoever the line named just before; "it" the body that spoke last; "he" and
    "she" the line's own subject, else the last speaker, else the last person named, who fits."""
    english = context.english
    if pronoun in english.relative_pronouns:
        before = [m for m in context.mentions if m.end <= at]
        if before:
            entity = context.remember(before[-1].entity)
            return Speaker(entity.name, entity.kind, "pronoun", evidence)
        return None
    if pronoun in english.group_pronouns:
        candidate = context.memory.last_speaker
        known = context.find_by_name(candidate) if candidate else None
        # "it" is one body, not "sources" or "officials" left unnamed
        plural = known is not None and pronoun == "it" and candidates.unnamed_plural(english, known.name)
        if known is not None and known.kind == "organisation" and not plural:
            return Speaker(known.name, known.kind, "pronoun", evidence)
        return None
    gender = english.personal_pronouns[pronoun]

    def fits(entity: RememberedEntity | None) -> bool:
        return entity is not None and entity.kind == "person" and entity.gender in (None, gender)

    first = next(
        (m for m in context.mentions if m.entity.kind == "person" and not phrases.inside(context.quotations, m.start)),
        None,
    )
    opener = context.text.split(maxsplit=1)[0].casefold().strip(",") if context.text.strip() else ""
    if first is not None and first.start < at and opener not in english.clause_openers and _opens_line(context, first):
        subject = context.find_by_name(first.entity.name)
        if fits(subject) and subject is not None:
            return Speaker(subject.name, subject.kind, "pronoun", evidence)
    last = context.memory.last_speaker
    last_entity = context.find_by_name(last) if last else None
    if fits(last_entity) and last_entity is not None:
        return Speaker(last_entity.name, last_entity.kind, "pronoun", evidence)
    for entity in context.known.newest_first():
        if fits(entity):
            return Speaker(entity.name, entity.kind, "pronoun", evidence)
    return None


def _opens_line(context: LineContext, mention: Mention) -> bool:
    """ "Zelenskyy visited the front, he said": a person named as a subject can be "he"; one named
    as the object of a preposition ("... before flying to the United Arab Emirates, he added") is not."""
    english = context.english
    before = re.findall(r"[A-Za-z'-]+", context.text[max(0, mention.start - 60) : mention.start])
    while before and (before[-1][:1].isupper() or before[-1].casefold() in {"the", "a", "an"}):
        before.pop()
    return not before or before[-1].casefold() not in english.prepositions


def resolve_body_reference(context: LineContext, words: list[str], evidence: str, at: int) -> Speaker | None:
    """ "The group said", "the aid agency said": the body the article named before, by its head
    noun where one fits, else, for a plain "the group" or "the aid agency", the last body named.
    A statement or report speaks for whoever issued it."""
    english = context.english
    head, written = words[-1], phrases.as_written(english, words)
    # A body first named later in this line ("the statement said ... from the Gaza Strip") is not the one meant.
    known_before = {fold(e.name) for e in context.memory.entities} | {
        fold(m.entity.name) for m in context.mentions if m.start < at
    }
    bodies = [
        e
        for e in context.known.newest_first()
        if e.kind == "organisation" and candidates.is_body_name(english, e.name) and fold(e.name) in known_before
    ]
    fitting = next(
        (e for e in bodies if head in fold(e.name).split() or head in context.directory.alias_words(e.name)),
        None,
    )
    kin = english.kin_name_words.get(head)
    if fitting is None and kin is not None:
        fitting = next((e for e in bodies if kin & set(fold(e.name).split())), None)
    generic = head in english.referring_heads or head in english.group_references
    if fitting is None and generic and len(words) <= 2 and bodies:
        fitting = bodies[0]
    if fitting is not None:
        return Speaker(fitting.name, fitting.kind, "descriptor", evidence)
    if head in english.referring_documents:
        return None
    return Speaker(written, "organisation", "descriptor", evidence)


def resolve_descriptor(context: LineContext, words: list[str], evidence: str) -> Speaker | None:
    """ "the foreign minister": whoever the article gave that title, most recently named first."""
    english = context.english
    key = descriptor_key(english, words)
    if key is None:
        return None
    for entity in context.known.newest_first():
        if any(_descriptor_matches(key, role) for role in entity.roles):
            return Speaker(entity.name, entity.kind, "descriptor", evidence)
    # A configured title stands for its holder only once the article has named them: offices
    # change hands, and "the UN human rights chief" is whoever holds the office when the copy is written.
    return Speaker(phrases.as_written(english, words), "organisation", "descriptor", evidence)


def _descriptor_matches(phrase: Descriptor, role: Descriptor) -> bool:
    (q1, c1), (q2, c2) = phrase, role
    # "the spokesman" for a "Kremlin spokesman", "the Secretary" for a "secretary of state"
    if c1 != c2 and not c2.endswith(" " + c1) and c2.split()[0] != c1:
        return False
    return q1 is None or q2 is None or q1 == q2


def side_of_officials(context: LineContext, phrase: list[phrases.Token]) -> str | None:
    """The side named in an unnamed official's title, when it is a side: Russia for "Russian officials",
    the US for "a US official", the Tarvo Movement for "a senior Tarvo official" once the article has
    named it. A word nobody has named as a side is left alone ("Ruritanian officials")."""
    english = context.english
    for token in phrase[:-1]:
        word = token.group().removesuffix("'s")
        folded = fold(word)
        state = english.qualifiers.get(folded)
        if state is not None and state != folded:  # a demonym: "Russian", "British"
            configured = context.directory.lookup(state)
            return configured.name if configured else state.upper() if len(state) <= 3 else state.title()
        if state is not None and word[:1].isupper():
            return word
        if not phrases.is_name_word(english, word) or folded in english.regional_adjectives:
            continue
        if folded in english.capitals_and_states:
            return word
        body = next(
            (e for e in context.known.newest_first() if e.kind == "organisation" and folded in fold(e.name).split()),
            None,
        )
        if body is not None:
            return body.name
    return None
