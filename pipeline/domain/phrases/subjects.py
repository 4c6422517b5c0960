"""Which words of a phrase are its subject: the name, pronoun, title or body that speaks, without the
time, place, medium or clause around it."""

from __future__ import annotations

from pipeline.domain.lexicon import English
from pipeline.domain.names import name_after_body
from pipeline.domain.phrases.adjuncts import without_leading_time, without_trailing_time
from pipeline.domain.phrases.tokens import Token
from pipeline.domain.phrases.words import (
    complement_head,
    is_name_word,
    name_particle_pattern,
)
from pipeline.domain.text import fold


def strip_subject(english: English, phrase: list[Token]) -> list[Token]:
    """The subject within ``phrase``, as a new list: ``phrase`` is left as it was."""
    words = list(
        without_place_of_body(
            english,
            without_place_of_person(
                english, without_trailing_time(english, without_medium(without_leading_time(english, phrase)))
            ),
        )
    )
    described = bool(words) and words[0].group().casefold() in english.descriptor_articles
    words = _without_clauses_and_leaders(english, words)
    inner = _subject_within(english, words)
    if inner is not None:
        return strip_subject(english, inner)
    if not words:
        return []
    return words if _reads_as_subject(english, words, described) else []


def _without_clauses_and_leaders(english: English, words: list[Token]) -> list[Token]:
    """``words`` without a relative clause or a modifier after the head, trailing adverbs, or the
    words that lead into a subject ("also", "the")."""
    # "Witnesses who fled Mariupol said": the subject is what the relative clause describes.
    relative = next(
        (
            i
            for i, t in enumerate(words)
            if i and t.group().casefold() in english.relative_pronouns and not t.group().isupper()
        ),
        None,
    )
    if relative is not None:
        words = words[:relative]
    modifier = next(
        (
            i
            for i, t in enumerate(words)
            if i and words[i - 1].group().casefold() in english.roles_and_bodies and _is_modifier(english, t.group())
        ),
        None,
    )
    if modifier is not None:
        words = words[:modifier]  # "a source briefed on the talks", "officials familiar with the plan"
    while words and words[-1].group().casefold() in english.subject_trailers:
        words.pop()
    if (
        len(words) > 1
        and words[-1].group().casefold() in {"reports", "report", "statement"}
        and not words[-2].group().endswith("'s")
        and words[-2].group().casefold() not in english.determiners
        and (words[-2].group().casefold() in english.organisation_heads or is_name_word(english, words[-2].group()))
    ):
        words = words[:-1]  # "State television reports said": the broadcaster speaks through them
    while words and words[0].group().casefold() in english.subject_leaders:
        words.pop(0)
    while (
        len(words) > 1
        and words[0].group().casefold() in english.determiners
        and not (
            words[0].group().casefold() in english.possessive_pronouns
            and words[-1].group().casefold() in english.organisation_heads
        )
    ):
        words.pop(0)
    return words


def _subject_within(english: English, words: list[Token]) -> list[Token] | None:
    """The words that hold the subject when the phrase only frames it: "one of the few eyewitnesses",
    "Wednesday's statement", "a statement from the defence ministry"."""
    if len(words) > 2 and words[0].group().casefold() == "of":
        # "one of the few eyewitnesses": the subject is what it is one of.
        return words[1:]
    opener = words[0].group().casefold() if words else ""
    if len(words) > 1 and opener.endswith("'s") and opener.removesuffix("'s") in english.time_words:
        return words[1:]  # "Wednesday's statement said": the statement speaks
    if len(words) > 2 and words[0].group().casefold() in english.issued_documents:
        # "A statement from the defence ministry said", "a statement today by the army": the issuer
        # speaks through it.
        by = 1
        while by < len(words) - 1 and words[by].group().casefold() in english.time_words:
            by += 1
        if words[by].group().casefold() in {"from", "by"} and by + 1 < len(words):
            return words[by + 1 :]
    return None


def _reads_as_subject(english: English, words: list[Token], described: bool) -> bool:
    """Whether ``words`` is a name, a pronoun, a descriptor or a body: any other lowercase word
    before the head means this is not a subject phrase at all. A phrase opened by an article
    (``described``) is a descriptor, whose title takes modifiers of any kind."""
    lowered = [w.group().casefold() for w in words]
    if lowered[0] in english.not_subject_openers and len(words) > 1 and not words[0].group().isupper():  # "WHO chief"
        return False
    # The head is the last word, or the role or body that a complement attaches to:
    # "a spokesman for ...", "residents of ...", "headquarters for prisoners of war".
    governing = complement_head(english, lowered)
    head = len(words) - 1 if governing is None else governing
    head_is_name = is_name_word(english, words[head].group())
    head_is_body = lowered[head] in english.organisation_heads
    # "a rebel official", "local health officials": a title takes modifiers of any kind.
    head_is_role = lowered[head] in english.role_words and described
    for index, token in enumerate(words[: head + 1]):
        word = lowered[index].removesuffix("'s")
        if is_name_word(english, token.group()) or word in {"'s", "of", "and"} or word in english.role_words:
            continue
        if word in english.name_function_words and index and is_name_word(english, words[index - 1].group()):
            continue  # "Institute for the Study of War"
        if word in english.organisation_heads or word in english.qualifiers or word in english.determiners:
            continue
        if word in english.personal_pronouns or word in english.group_pronouns or word in english.relative_pronouns:
            continue
        if word.removesuffix("'s") in english.personal_pronouns or word.removesuffix("'s") in english.group_pronouns:
            continue
        if (head_is_name or head_is_body or head_is_role) and word not in english.prepositions and index < head:
            continue
        return False
    return True


def _is_modifier(english: English, word: str) -> bool:
    lowered = word.casefold()
    return lowered in english.source_modifiers or (
        word.islower() and lowered.endswith("ed") and lowered not in english.passive_auxiliaries
    )


def without_medium(words: list[Token]) -> list[Token]:
    """ "Spokesman X via X warned", "X on Telegram said": how it was said is not who said it."""
    at = next((i for i, t in enumerate(words) if i and t.group().casefold() == "via"), None)
    return words[:at] if at is not None else words


def without_place_of_person(english: English, words: list[Token]) -> list[Token]:
    """ "President Anna Petrova of Ruritania": the person, without where they are from."""
    of_at = next((i for i, t in enumerate(words) if i >= 2 and t.group() in {"of", "from"}), None)
    if of_at is None:
        return words
    name = [t.group() for t in words[of_at - 2 : of_at]]
    if all(is_name_word(english, w) and w.casefold() not in english.roles_and_bodies for w in name) and not any(
        t.group().casefold() in english.organisation_heads for t in words[:of_at]
    ):
        return words[:of_at]
    return words


def without_place_of_body(english: English, words: list[Token]) -> list[Token]:
    """ "the court in The Hague", "the agency in Geneva": a body already named, without where it sits."""
    at = next((i for i, t in enumerate(words) if i >= 2 and t.group() in {"in", "at"}), None)
    if at is None:
        return words
    place = [t.group() for t in words[at + 1 :] if t.group().casefold() != "the"]
    if not place or not (
        all(is_name_word(english, w) for w in place) or (len(place) == 1 and place[0] in english.place_nouns)
    ):
        return words  # "the court in The Hague", "civil defence in the territory"
    if name_after_place(english, place):
        return words  # "the office in Ukraine Osnat Lubrani": the place ends a title, a name follows
    if words[0].group().casefold() == "the" and words[at - 1].group() in english.organisation_heads:
        return words[:at]  # the head is written in lower case: a reference, not a name
    return words


def name_after_place(english: English, words: list[str]) -> list[str]:
    """ "Ukraine Osnat Lubrani" after "office in": the person's name once the place is set aside."""
    rest = list(words)
    while rest and fold(rest[0]) in english.capitals_and_states:
        rest.pop(0)
    if len(rest) >= 2 and len(rest) < len(words) and all(is_name_word(english, w) for w in rest):
        return rest
    return []


def trailing_name(english: English, words: list[str]) -> list[str]:
    """The name at the end of a subject phrase, without the titles before it.

    "Russian Foreign Minister Sergei Lavrov" ends in "Sergei Lavrov"; a named body
    keeps its capitalised words and inner function words whole: "the opposition
    National Unity Government", "The Institute for the Study of War".
    """
    run: list[str] = []
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        inner_function_word = (
            run
            and word.casefold() in english.name_function_words
            and index > 0
            and is_name_word(english, words[index - 1])
        )
        if is_name_word(english, word) or (run and name_particle_pattern(english).match(word)) or inner_function_word:
            run.insert(0, word)
            continue
        break
    while run and (run[0].casefold() in english.name_function_words or run[0].casefold() in english.determiners):
        run.pop(0)
    if any(w.casefold() in english.organisation_heads for w in run):
        person = name_after_body(english, run)
        if person is None:
            return run
        run = person
    name: list[str] = []
    for word in reversed(run):
        lowered = word.casefold()
        if lowered in english.role_words or lowered in english.determiners or (lowered in english.qualifiers and name):
            break
        name.insert(0, word)
    return name


def as_written(english: English, words: list[str]) -> str:
    while len(words) > 1 and (words[0].casefold() in english.determiners or words[0].casefold() in english.quantifiers):
        words = words[1:]
    return " ".join(words)
