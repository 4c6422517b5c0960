"""Where a phrase begins and ends: the words between a verb and the clause boundary before it, the
phrase after it, a list's head, the first of two subjects."""

from __future__ import annotations

import re
from bisect import bisect_right

from pipeline.domain.lexicon import English
from pipeline.domain.phrases.adjuncts import without_trailing_time
from pipeline.domain.phrases.tokens import Token
from pipeline.domain.phrases.words import is_name_word

_PHRASE_BOUNDARIES = frozenset({",", ";", ":", '"', "(", ")", "-"})


_SENTENCE_ENDS = frozenset({".", "?", "!"})


def phrase_before(english: English, tokens: list[Token], position: int) -> tuple[list[Token], str] | None:
    """The words between the last clause boundary and ``position``, and that boundary."""
    phrase: list[Token] = []
    for token in reversed(tokens[: bisect_right(tokens, position, key=re.Match.end)]):
        word = token.group()
        if word in _PHRASE_BOUNDARIES:
            return phrase, word
        if word in _SENTENCE_ENDS:
            return phrase, "."
        lowered = word.casefold()
        if (
            lowered in english.clause_words
            or (phrase and lowered in english.subordinators and not _as_in_phrase(english, tokens, token))
            or (phrase and lowered == "but")  # "X has not confirmed it, but Y said ...": a clause of its own
        ):
            return phrase, lowered
        phrase.insert(0, token)
        if len(phrase) > 20:
            return None
    return phrase, ""


def _as_in_phrase(english: English, tokens: list[Token], token: Token) -> bool:
    """ "X, widely known as Y, said": this "as" belongs to the phrase, it opens no clause."""
    if token.group().casefold() != "as":
        return False
    index = bisect_right(tokens, token.start(), key=re.Match.start) - 1
    return index > 0 and tokens[index - 1].group().casefold() in english.as_complements


def phrase_after(english: English, tokens: list[Token], position: int) -> list[Token]:
    following = [t for t in tokens if t.start() >= position]
    phrase: list[Token] = []
    for index, token in enumerate(following):
        if not token.group()[:1].isalpha() and token.group() not in {"'s"}:
            break
        lowered = token.group().casefold()
        if lowered in english.clause_words:
            break
        if phrase and lowered == "for" and phrase[-1].group().casefold() in english.spokespeople:
            phrase.append(token)  # "a spokesperson for the regional administration"
            continue
        if phrase and lowered in english.prepositions and lowered != "of":
            name = _name_after_title_and_place(english, phrase, following[index:])
            if name:
                phrase.extend(name)
            break
        phrase.append(token)
        if len(phrase) > 12:
            return []
    phrase = without_trailing_time(english, phrase)
    while phrase and phrase[-1].group().casefold() in english.trailers_after_phrase:
        phrase.pop()
    while len(phrase) > 1 and phrase[0].group().casefold() in english.determiners:
        phrase.pop(0)
    return phrase


def _name_after_title_and_place(english: English, phrase: list[Token], rest: list[Token]) -> list[Token]:
    """ "coordinator in Ruritania Anna Lind": after a title, a preposition and a place, the last two
    capitalised words are the holder's name."""
    if phrase[-1].group().casefold() not in english.role_words:
        return []
    words = []
    for token in rest[1:]:
        if not token.group()[:1].isupper():
            break
        words.append(token)
    return words[-2:] if len(words) >= 3 else []


def issuer_after(english: English, tokens: list[Token], position: int) -> list[Token]:
    """The source named after ``position``; for "a report by Reuters", "a statement from the
    ministry", who issued it."""
    after = phrase_after(english, tokens, position)
    if after and after[-1].group().casefold() in english.issued_documents:
        following = tokens[bisect_right(tokens, after[-1].start(), key=re.Match.start) :]
        if following and following[0].group().casefold() in {"by", "from"}:
            return phrase_after(english, tokens, following[0].end())
    return after


def name_beside(english: English, tokens: list[Token], last: Token) -> list[Token] | None:
    """The name set off by commas right after a title: ", Anna Lind," or ", Anna Lind" at the end."""
    following = tokens[bisect_right(tokens, last.start(), key=re.Match.start) :]
    # "Permanent Representative to the United Nations, Anna Lind": the title's complement comes first.
    if following and following[0].group().casefold() in english.attaching_prepositions:
        comma = next((i for i, t in enumerate(following[:8]) if t.group() == ","), None)
        complement = following[1:comma] if comma is not None else []
        if complement and all(
            is_name_word(english, t.group()) or t.group().casefold() in english.determiners for t in complement
        ):
            following = following[comma:]
    if not following or following[0].group() != ",":
        return None
    name: list[Token] = []
    for token in following[1:]:
        if not is_name_word(english, token.group()):
            break
        name.append(token)
    rest = following[1 + len(name) :]
    if not name or (rest and rest[0].group() not in {",", ".", ";"}):
        return None
    return name


def first_conjunct(english: English, phrase: list[Token]) -> list[Token]:
    """ "The Ukrainian government and the ICRC": two subjects, and the first is the one taken."""
    for index in range(1, len(phrase) - 1):
        if phrase[index].group() != "and":
            continue
        before, after = phrase[index - 1].group(), phrase[index + 1].group()
        if (is_name_word(english, before) or before.casefold() in english.roles_and_bodies) and (
            is_name_word(english, after)
            or after.casefold() in english.determiners
            # "The United Nations and aid agencies": a second body with a head of its own.
            or (is_name_word(english, before) and phrase[-1].group().casefold() in english.roles_and_bodies)
        ):
            return phrase[:index]
    return phrase


def head_of_list(
    english: English, tokens: list[Token], phrase: list[Token], boundary: str
) -> tuple[list[Token], str] | None:
    """ "Britain, France and Germany said" and "The ministers of Germany, Jordan and Britain issued":
    a list of names ends the subject; the subject is what stands before its first item."""
    words = [t.group() for t in phrase]
    if boundary != "," or "and" not in words or not all(w == "and" or w[:1].isupper() for w in words):
        return None
    position = phrase[0].start()
    while True:
        comma = max((t.start() for t in tokens if t.end() <= position and t.group() == ","), default=None)
        if comma is None:
            return None
        before = phrase_before(english, tokens, comma)
        if before is None or not before[0]:
            return None
        item, mark = before
        if mark == "," and len(item) == 1 and item[0].group()[:1].isupper():
            position = item[0].start()
            continue
        return before


def ends_in_and(english: English, phrase: list[Token]) -> bool:
    """ "Russia denied it and later said", "... and has repeatedly warned": the verb is the second of
    two the sentence's subject shares, whatever adverbs stand between."""
    words = [t.group().casefold() for t in phrase]
    while words and words[-1] in english.subject_trailers:
        words.pop()
    return bool(words) and words[-1] == "and"


def definite_before(english: English, text: str, start: int) -> bool:
    """ "the agency", "this group", "Wednesday's statement": a body already known to the reader."""
    before = text[max(0, start - 12) : start].casefold()
    if before.endswith(("the ", "this ", "that ")):
        return True
    last = before.split()[-1:] if before.endswith(" ") else []
    return bool(last) and last[0].endswith("'s") and last[0].removesuffix("'s") in english.time_words
