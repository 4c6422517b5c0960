"""Which words of a phrase are its subject: the name, pronoun, title or body that speaks, without the
time, place, medium or clause around it."""

from __future__ import annotations

from pipeline.domain.lexicon import (
    CAPITALS_AND_STATES,
    CLAUSE_OPENERS,
    DESCRIPTOR_ARTICLES,
    DETERMINERS,
    GROUP_PRONOUNS,
    NAME_FUNCTION_WORDS,
    ORGANISATION_HEADS,
    PASSIVE_AUXILIARIES,
    PERSONAL_PRONOUNS,
    PLACE_NOUNS,
    POSSESSIVE_PRONOUNS,
    PREPOSITIONS,
    QUALIFIERS,
    QUANTIFIERS,
    RELATIVE_PRONOUNS,
    ROLE_WORDS,
    SOURCE_MODIFIERS,
    SUBJECT_LEADERS,
    SUBJECT_TRAILERS,
    TIME_WORDS,
)
from pipeline.domain.names import name_after_body
from pipeline.domain.phrases.adjuncts import without_leading_time, without_trailing_time
from pipeline.domain.phrases.tokens import Token
from pipeline.domain.phrases.words import (
    ISSUED,
    NAME_PARTICLE,
    ROLES_AND_BODIES,
    complement_head,
    is_name_word,
)
from pipeline.domain.text import fold


def strip_subject(phrase: list[Token]) -> list[Token]:
    """The subject within ``phrase``, as a new list: ``phrase`` is left as it was."""
    words = list(
        without_place_of_body(
            without_place_of_person(without_trailing_time(without_medium(without_leading_time(phrase))))
        )
    )
    described = bool(words) and words[0].group().casefold() in DESCRIPTOR_ARTICLES
    words = _without_clauses_and_leaders(words)
    inner = _subject_within(words)
    if inner is not None:
        return strip_subject(inner)
    if not words:
        return []
    return words if _reads_as_subject(words, described) else []


def _without_clauses_and_leaders(words: list[Token]) -> list[Token]:
    """``words`` without a relative clause or a modifier after the head, trailing adverbs, or the
    words that lead into a subject ("also", "the")."""
    # "Witnesses who fled Mariupol said": the subject is what the relative clause describes.
    relative = next(
        (i for i, t in enumerate(words) if i and t.group().casefold() in RELATIVE_PRONOUNS and not t.group().isupper()),
        None,
    )
    if relative is not None:
        words = words[:relative]
    modifier = next(
        (
            i
            for i, t in enumerate(words)
            if i and words[i - 1].group().casefold() in ROLES_AND_BODIES and _is_modifier(t.group())
        ),
        None,
    )
    if modifier is not None:
        words = words[:modifier]  # "a source briefed on the talks", "officials familiar with the plan"
    while words and words[-1].group().casefold() in SUBJECT_TRAILERS:
        words.pop()
    if (
        len(words) > 1
        and words[-1].group().casefold() in {"reports", "report", "statement"}
        and not words[-2].group().endswith("'s")
        and words[-2].group().casefold() not in DETERMINERS
        and (words[-2].group().casefold() in ORGANISATION_HEADS or is_name_word(words[-2].group()))
    ):
        words = words[:-1]  # "State television reports said": the broadcaster speaks through them
    while words and words[0].group().casefold() in SUBJECT_LEADERS:
        words.pop(0)
    while (
        len(words) > 1
        and words[0].group().casefold() in DETERMINERS
        and not (
            words[0].group().casefold() in POSSESSIVE_PRONOUNS and words[-1].group().casefold() in ORGANISATION_HEADS
        )
    ):
        words.pop(0)
    return words


def _subject_within(words: list[Token]) -> list[Token] | None:
    """The words that hold the subject when the phrase only frames it: "one of the few eyewitnesses",
    "Wednesday's statement", "a statement from the defence ministry"."""
    if len(words) > 2 and words[0].group().casefold() == "of":
        # "one of the few eyewitnesses": the subject is what it is one of.
        return words[1:]
    opener = words[0].group().casefold() if words else ""
    if len(words) > 1 and opener.endswith("'s") and opener.removesuffix("'s") in TIME_WORDS:
        return words[1:]  # "Wednesday's statement said": the statement speaks
    if len(words) > 2 and words[0].group().casefold() in ISSUED:
        # "A statement from the defence ministry said", "a statement today by the army": the issuer
        # speaks through it.
        by = 1
        while by < len(words) - 1 and words[by].group().casefold() in TIME_WORDS:
            by += 1
        if words[by].group().casefold() in {"from", "by"} and by + 1 < len(words):
            return words[by + 1 :]
    return None


def _reads_as_subject(words: list[Token], described: bool) -> bool:
    """Whether ``words`` is a name, a pronoun, a descriptor or a body: any other lowercase word
    before the head means this is not a subject phrase at all. A phrase opened by an article
    (``described``) is a descriptor, whose title takes modifiers of any kind."""
    lowered = [w.group().casefold() for w in words]
    if lowered[0] in _NOT_SUBJECT_OPENERS and len(words) > 1 and not words[0].group().isupper():  # "WHO chief"
        return False
    # The head is the last word, or the role or body that a complement attaches to:
    # "a spokesman for ...", "residents of ...", "headquarters for prisoners of war".
    governing = complement_head(lowered)
    head = len(words) - 1 if governing is None else governing
    head_is_name = is_name_word(words[head].group())
    head_is_body = lowered[head] in ORGANISATION_HEADS
    # "a rebel official", "local health officials": a title takes modifiers of any kind.
    head_is_role = lowered[head] in ROLE_WORDS and described
    for index, token in enumerate(words[: head + 1]):
        word = lowered[index].removesuffix("'s")
        if is_name_word(token.group()) or word in {"'s", "of", "and"} or word in ROLE_WORDS:
            continue
        if word in NAME_FUNCTION_WORDS and index and is_name_word(words[index - 1].group()):
            continue  # "Institute for the Study of War"
        if word in ORGANISATION_HEADS or word in QUALIFIERS or word in DETERMINERS:
            continue
        if word in PERSONAL_PRONOUNS or word in GROUP_PRONOUNS or word in RELATIVE_PRONOUNS:
            continue
        if word.removesuffix("'s") in PERSONAL_PRONOUNS or word.removesuffix("'s") in GROUP_PRONOUNS:
            continue
        if (head_is_name or head_is_body or head_is_role) and word not in PREPOSITIONS and index < head:
            continue
        return False
    return True


def _is_modifier(word: str) -> bool:
    lowered = word.casefold()
    return lowered in SOURCE_MODIFIERS or (
        word.islower() and lowered.endswith("ed") and lowered not in PASSIVE_AUXILIARIES
    )


_NOT_SUBJECT_OPENERS = CLAUSE_OPENERS | RELATIVE_PRONOUNS | {"which"}


def without_medium(words: list[Token]) -> list[Token]:
    """ "Spokesman X via X warned", "X on Telegram said": how it was said is not who said it."""
    at = next((i for i, t in enumerate(words) if i and t.group().casefold() == "via"), None)
    return words[:at] if at is not None else words


def without_place_of_person(words: list[Token]) -> list[Token]:
    """ "President Anna Petrova of Ruritania": the person, without where they are from."""
    of_at = next((i for i, t in enumerate(words) if i >= 2 and t.group() in {"of", "from"}), None)
    if of_at is None:
        return words
    name = [t.group() for t in words[of_at - 2 : of_at]]
    if all(is_name_word(w) and w.casefold() not in ROLES_AND_BODIES for w in name) and not any(
        t.group().casefold() in ORGANISATION_HEADS for t in words[:of_at]
    ):
        return words[:of_at]
    return words


def without_place_of_body(words: list[Token]) -> list[Token]:
    """ "the court in The Hague", "the agency in Geneva": a body already named, without where it sits."""
    at = next((i for i, t in enumerate(words) if i >= 2 and t.group() in {"in", "at"}), None)
    if at is None:
        return words
    place = [t.group() for t in words[at + 1 :] if t.group().casefold() != "the"]
    if not place or not (all(is_name_word(w) for w in place) or (len(place) == 1 and place[0] in PLACE_NOUNS)):
        return words  # "the court in The Hague", "civil defence in the territory"
    if name_after_place(place):
        return words  # "the office in Ukraine Osnat Lubrani": the place ends a title, a name follows
    if words[0].group().casefold() == "the" and words[at - 1].group() in ORGANISATION_HEADS:
        return words[:at]  # the head is written in lower case: a reference, not a name
    return words


def name_after_place(words: list[str]) -> list[str]:
    """ "Ukraine Osnat Lubrani" after "office in": the person's name once the place is set aside."""
    rest = list(words)
    while rest and fold(rest[0]) in CAPITALS_AND_STATES:
        rest.pop(0)
    if len(rest) >= 2 and len(rest) < len(words) and all(is_name_word(w) for w in rest):
        return rest
    return []


def trailing_name(words: list[str]) -> list[str]:
    """The name at the end of a subject phrase, without the titles before it.

    "Russian Foreign Minister Sergei Lavrov" ends in "Sergei Lavrov"; a named body
    keeps its capitalised words and inner function words whole: "the opposition
    National Unity Government", "The Institute for the Study of War".
    """
    run: list[str] = []
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        inner_function_word = (
            run and word.casefold() in NAME_FUNCTION_WORDS and index > 0 and is_name_word(words[index - 1])
        )
        if is_name_word(word) or (run and NAME_PARTICLE.match(word)) or inner_function_word:
            run.insert(0, word)
            continue
        break
    while run and (run[0].casefold() in NAME_FUNCTION_WORDS or run[0].casefold() in DETERMINERS):
        run.pop(0)
    if any(w.casefold() in ORGANISATION_HEADS for w in run):
        person = name_after_body(run)
        if person is None:
            return run
        run = person
    name: list[str] = []
    for word in reversed(run):
        lowered = word.casefold()
        if lowered in ROLE_WORDS or lowered in DETERMINERS or (lowered in QUALIFIERS and name):
            break
        name.insert(0, word)
    return name


def as_written(words: list[str]) -> str:
    while len(words) > 1 and (words[0].casefold() in DETERMINERS or words[0].casefold() in QUANTIFIERS):
        words = words[1:]
    return " ".join(words)
