"""Reading the words of a line: tokens, quotations, the phrase before or after a verb, and which
words of a phrase are its subject. Pure functions over the line's text; no memory, no names known."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise

from pipeline.domain.lexicon import (
    CAPITALS_AND_STATES,
    CLAUSE_OPENERS,
    DETERMINERS,
    GROUP_PRONOUNS,
    ORGANISATION_HEADS,
    PASSIVE_AUXILIARIES,
    PERSONAL_PRONOUNS,
    PLACE_NOUNS,
    PREPOSITIONS,
    QUALIFIERS,
    QUANTIFIERS,
    RELATIVE_PRONOUNS,
    ROLE_WORDS,
    SUBJECT_LEADERS,
    SUBJECT_TRAILERS,
    TIME_LEADERS,
    TIME_WORDS,
)
from pipeline.domain.names import NAME_FUNCTION_WORDS, name_after_body
from pipeline.domain.text import fold, last_span_before

SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "representative", "spokespeople"})
Token = re.Match[str]  # a token is its match: text, start and end without building anything

TOKEN_RE = re.compile(
    r"(?:[A-Z]\.){2,}(?:-[A-Za-z]+)*"  # "U.N.", "U.N.-backed"
    r"|(?:Lt|Col|Gen|Maj|Sgt|Capt|Cmdr|Adm|Brig|Dr|Mr|Mrs|Ms|Prof|Sen|Rep|Gov)\.(?=\s)"  # titles cut short
    r"|[A-Za-z](?:[A-Za-z0-9'-]|\.(?=[A-Za-z]))*|[,;:\"()]|-(?=\s)|\S"  # "M23", "G7" are one word
)


CLAUSE_WORDS = frozenset({"that", "where", "which", "because", "whereas", "when", "if", "whether", "although"})
# Conjunctions that open a clause of their own: "The move came after the mayor said ..." is the mayor's.
SUBORDINATORS = frozenset({"after", "before", "while", "though", "as", "once", "until"})
_PHRASE_BOUNDARIES = frozenset({",", ";", ":", '"', "(", ")", "-"})
_SENTENCE_ENDS = frozenset({".", "?", "!"})


_NAME_PARTICLE = re.compile(r"^(?:al|el|bin|ibn|abu|de|da|van|von|der|di|du|la|le)(?:-[A-Z][\w'-]*)?$")


_IRREGULAR_PAST = frozenset({"told", "said", "spoke", "wrote", "asked", "described", "accused", "urged", "offered"})


def prefix(text: str, length: int) -> str:
    """``text`` cut after ``length`` characters, at the next space so no word is split."""
    if length >= len(text):
        return text
    space = text.find(" ", length)
    return text if space < 0 else text[:space]


def tokens(text: str) -> list[Token]:
    return list(TOKEN_RE.finditer(text))


def window_tokens(text: str, start: int, end: int) -> list[Token]:
    """The tokens between ``start`` and ``end``, as tokenising the whole line would give them: the
    window opens after a space (no token spans one) and closes at the space after ``end``, as ``prefix``
    cuts, so no word is split. A run of 200 characters without a space is no word: the window closes
    inside it rather than read on to the end of the line."""
    if start > 0:
        space = _SPACE.search(text, start, end)
        start = space.end() if space else end
    if end >= len(text):
        return list(TOKEN_RE.finditer(text, start))
    cut = text.find(" ", end, end + _LONGEST_WORD)
    return list(TOKEN_RE.finditer(text, start, end + _LONGEST_WORD if cut < 0 else cut))


def phrase_before(tokens: list[Token], position: int) -> tuple[list[Token], str] | None:
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
            lowered in CLAUSE_WORDS
            or (phrase and lowered in SUBORDINATORS and not _as_in_phrase(tokens, token))
            or (phrase and lowered == "but")  # "X has not confirmed it, but Y said ...": a clause of its own
        ):
            return phrase, lowered
        phrase.insert(0, token)
        if len(phrase) > 20:
            return None
    return phrase, ""


def _as_in_phrase(tokens: list[Token], token: Token) -> bool:
    """ "X, widely known as Y, said": this "as" belongs to the phrase, it opens no clause."""
    if token.group().casefold() != "as":
        return False
    index = bisect_right(tokens, token.start(), key=re.Match.start) - 1
    return index > 0 and tokens[index - 1].group().casefold() in _AS_COMPLEMENTS


_AS_COMPLEMENTS = frozenset({"known", "such", "well", "same", "so", "identified", "described", "serving"})


def negated(text: str, start: int, end: int) -> bool:
    """ "has not confirmed", "declined to comment", "offered no details": a verb that states nothing."""
    before = text[max(0, start - 16) : start].casefold().split()[-2:]
    after = text[end : end + 5].casefold().split()[:1]
    return (
        bool(before and (before[-1] in _NEGATIONS or before[-1].endswith("n't")))
        or before[-2:] in (["declined", "to"], ["refused", "to"], ["failed", "to"])
        or (after == ["no"] and text[start:end].casefold() not in _SAYING)
    )


_NEGATIONS = frozenset({"not", "never"})
# Documents that speak for whoever issued them ("the statement said", "a report by Reuters").
DOCUMENTS = frozenset({"statement", "communique", "letter", "message", "report", "post"})
_ISSUED = DOCUMENTS | {"notice"}
# "said no decision had been made" states something; "offered no details" does not.
_SAYING = frozenset({"said", "says", "say", "told", "tells", "added", "adds", "stated", "wrote", "insisted", "warned"})


def first_conjunct(phrase: list[Token]) -> list[Token]:
    """ "The Ukrainian government and the ICRC": two subjects, and the first is the one taken."""
    for index in range(1, len(phrase) - 1):
        if phrase[index].group() != "and":
            continue
        before, after = phrase[index - 1].group(), phrase[index + 1].group()
        if (is_name_word(before) or before.casefold() in ROLES_AND_BODIES) and (
            is_name_word(after)
            or after.casefold() in DETERMINERS
            # "The United Nations and aid agencies": a second body with a head of its own.
            or (is_name_word(before) and phrase[-1].group().casefold() in ROLES_AND_BODIES)
        ):
            return phrase[:index]
    return phrase


def text_at(tokens: list[Token], position: int) -> str:
    """The word that starts first at or after ``position``, or an empty string."""
    following = tokens[bisect_right(tokens, position - 1, key=re.Match.start) :]
    return following[0].group().casefold() if following else ""


def tokens_in(text: str, span: tuple[int, int]) -> list[Token]:
    return list(TOKEN_RE.finditer(text, span[0], span[1]))


def quotations(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of quoted words. A mark after a space (or at the start) opens, any other closes, so
    a quotation inside a quotation closes with it; a mark left open is not a quotation."""
    spans = []
    opened: int | None = None
    for mark in _QUOTE_MARK.finditer(text):
        index = mark.start()
        if index == 0 or text[index - 1] in " ([":
            opened = index if opened is None else opened
        elif opened is not None:
            spans.append((opened, index))
            opened = None
    return tuple(spans)


def inside(spans: tuple[tuple[int, int], ...], position: int) -> bool:
    """Whether ``position`` falls inside one of ``spans`` (in order, never overlapping, as ``quotations``
    gives them)."""
    span = last_span_before(spans, position)
    return span is not None and position < span[1]


def name_beside(tokens: list[Token], last: Token) -> list[Token] | None:
    """The name set off by commas right after a title: ", Anna Lind," or ", Anna Lind" at the end."""
    following = tokens[bisect_right(tokens, last.start(), key=re.Match.start) :]
    # "Permanent Representative to the United Nations, Anna Lind": the title's complement comes first.
    if following and following[0].group().casefold() in ATTACHING_PREPOSITIONS:
        comma = next((i for i, t in enumerate(following[:8]) if t.group() == ","), None)
        complement = following[1:comma] if comma is not None else []
        if complement and all(is_name_word(t.group()) or t.group().casefold() in DETERMINERS for t in complement):
            following = following[comma:]
    if not following or following[0].group() != ",":
        return None
    name: list[Token] = []
    for token in following[1:]:
        if not is_name_word(token.group()):
            break
        name.append(token)
    rest = following[1 + len(name) :]
    if not name or (rest and rest[0].group() not in {",", ".", ";"}):
        return None
    return name


def followed_by_comma(tokens: list[Token], last: Token) -> bool:
    following = tokens[bisect_right(tokens, last.start(), key=re.Match.start) :]
    return bool(following) and following[0].group() == ","


def definite_before(text: str, start: int) -> bool:
    """ "the agency", "this group", "Wednesday's statement": a body already known to the reader."""
    before = text[max(0, start - 12) : start].casefold()
    if before.endswith(("the ", "this ", "that ")):
        return True
    last = before.split()[-1:] if before.endswith(" ") else []
    return bool(last) and last[0].endswith("'s") and last[0].removesuffix("'s") in TIME_WORDS


def opening_bracket(tokens: list[Token], position: int) -> int | None:
    """Where the short bracketed aside that ends just before ``position`` opens."""
    before = tokens[: bisect_right(tokens, position, key=re.Match.end)]
    for back, token in enumerate(reversed(before[:-1]), start=1):
        if token.group() == "(":
            return token.start()
        if back > 6 or token.group() == ")":
            return None
    return None


def phrase_after(tokens: list[Token], position: int) -> list[Token]:
    following = [t for t in tokens if t.start() >= position]
    phrase: list[Token] = []
    for index, token in enumerate(following):
        if not token.group()[:1].isalpha() and token.group() not in {"'s"}:
            break
        lowered = token.group().casefold()
        if lowered in CLAUSE_WORDS:
            break
        if phrase and lowered == "for" and phrase[-1].group().casefold() in SPOKESPEOPLE:
            phrase.append(token)  # "a spokesperson for the regional administration"
            continue
        if phrase and lowered in PREPOSITIONS and lowered != "of":
            name = _name_after_title_and_place(phrase, following[index:])
            if name:
                phrase.extend(name)
            break
        phrase.append(token)
        if len(phrase) > 12:
            return []
    phrase = without_trailing_time(phrase)
    while phrase and phrase[-1].group().casefold() in _AFTER_PHRASE_TRAILERS:
        phrase.pop()
    while len(phrase) > 1 and phrase[0].group().casefold() in DETERMINERS:
        phrase.pop(0)
    return phrase


def _name_after_title_and_place(phrase: list[Token], rest: list[Token]) -> list[Token]:
    """ "coordinator in Ruritania Anna Lind": after a title, a preposition and a place, the last two
    capitalised words are the holder's name."""
    if phrase[-1].group().casefold() not in ROLE_WORDS:
        return []
    words = []
    for token in rest[1:]:
        if not token.group()[:1].isupper():
            break
        words.append(token)
    return words[-2:] if len(words) >= 3 else []


def without_trailing_time(words: list[Token]) -> list[Token]:
    """ "Minister X on Monday denied": a time phrase after the subject is not part of it."""
    end = len(words)
    while end and (words[end - 1].group().casefold() in TIME_WORDS or words[end - 1].group().isdigit()):
        end -= 1
    if end == len(words):
        return words
    while end and words[end - 1].group().casefold() in TIME_LEADERS:
        end -= 1
    return words[:end]


def without_leading_time(words: list[Token]) -> list[Token]:
    """ "On Monday the UN said", "Earlier on Tuesday, the ministry said": the time opens the sentence."""
    start = 0
    while start < len(words) and words[start].group().casefold() in {"earlier", "later", "also"}:
        start += 1
    if start < len(words) - 1 and words[start].group().casefold() in TIME_LEADERS:
        end = start + 1
        while end < len(words) and (words[end].group().casefold() in TIME_WORDS or words[end].group().isdigit()):
            end += 1
        if end > start + 1:  # "On Monday"; a leader alone ("in the statement") is not a time
            start = end
    return words[start:] if start and start < len(words) else words


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


def issuer_after(tokens: list[Token], position: int) -> list[Token]:
    """The source named after ``position``; for "a report by Reuters", "a statement from the
    ministry", who issued it."""
    after = phrase_after(tokens, position)
    if after and after[-1].group().casefold() in _ISSUED:
        following = tokens[bisect_right(tokens, after[-1].start(), key=re.Match.start) :]
        if following and following[0].group().casefold() in {"by", "from"}:
            return phrase_after(tokens, following[0].end())
    return after


def name_after_place(words: list[str]) -> list[str]:
    """ "Ukraine Osnat Lubrani" after "office in": the person's name once the place is set aside."""
    rest = list(words)
    while rest and fold(rest[0]) in CAPITALS_AND_STATES:
        rest.pop(0)
    if len(rest) >= 2 and len(rest) < len(words) and all(is_name_word(w) for w in rest):
        return rest
    return []


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


def strip_subject(phrase: list[Token]) -> list[Token]:
    """The subject within ``phrase``, as a new list: ``phrase`` is left as it was."""
    words = list(
        without_place_of_body(
            without_place_of_person(without_trailing_time(without_medium(without_leading_time(phrase))))
        )
    )
    described = bool(words) and words[0].group().casefold() in _ARTICLES
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
    if len(words) > 2 and words[0].group().casefold() == "of":
        # "one of the few eyewitnesses": the subject is what it is one of.
        return strip_subject(words[1:])
    opener = words[0].group().casefold() if words else ""
    if len(words) > 1 and opener.endswith("'s") and opener.removesuffix("'s") in TIME_WORDS:
        return strip_subject(words[1:])  # "Wednesday's statement said": the statement speaks
    if len(words) > 2 and words[0].group().casefold() in _ISSUED:
        # "A statement from the defence ministry said", "a statement today by the army": the issuer
        # speaks through it.
        by = 1
        while by < len(words) - 1 and words[by].group().casefold() in TIME_WORDS:
            by += 1
        if words[by].group().casefold() in {"from", "by"} and by + 1 < len(words):
            return strip_subject(words[by + 1 :])
    if not words:
        return []
    lowered = [w.group().casefold() for w in words]
    if lowered[0] in _NOT_SUBJECT_OPENERS and len(words) > 1 and not words[0].group().isupper():  # "WHO chief"
        return []
    # The head is the last word, or the role or body that a complement attaches to:
    # "a spokesman for ...", "residents of ...", "headquarters for prisoners of war".
    governing = complement_head(lowered)
    head = len(words) - 1 if governing is None else governing
    # A subject is a name, a pronoun, a descriptor or a body: any other lowercase
    # word before the head means this is not a subject phrase at all.
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
        return []
    return words


def _is_modifier(word: str) -> bool:
    lowered = word.casefold()
    return lowered in _MODIFIERS or (word.islower() and lowered.endswith("ed") and lowered not in PASSIVE_AUXILIARIES)


_MODIFIERS = frozenset({"familiar", "close", "involved", "knowledgeable", "aware", "speaking", "briefed"})


# "a rebel official" is a descriptor; "rebel official" with no article may be the tail of a clause.
_ARTICLES = frozenset({"a", "an", "the", "one"})


ATTACHING_PREPOSITIONS = frozenset({"of", "for", "in", "from", "at", "to"})


POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they", "its": "it"}


_AFTER_PHRASE_TRAILERS = SUBJECT_TRAILERS | {"on", "in", "of"}


_NOT_SUBJECT_OPENERS = CLAUSE_OPENERS | RELATIVE_PRONOUNS | {"which"}


ROLES_AND_BODIES = ROLE_WORDS | ORGANISATION_HEADS


_QUOTE_MARK = re.compile('"')
_SPACE = re.compile(r"\s")
_LONGEST_WORD = 200


def is_title_word(word: str) -> bool:
    lowered = word.casefold()
    return lowered in DETERMINERS or lowered in ROLE_WORDS or lowered in QUALIFIERS


def is_name_word(word: str) -> bool:
    return word[:1].isupper() or bool(_NAME_PARTICLE.match(word) and "-" in word)


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
    return last in PASSIVE_AUXILIARIES and (lowered.endswith("ed") or lowered in _IRREGULAR_PAST)


def quote_closes_before(tokens: list[Token], position: int) -> bool:
    before = [t.group() for t in tokens if t.end() <= position][-2:]
    return before == ['"', ","] or before[-1:] == ['"']


def only_trailers_between(text: str, start: int, end: int) -> bool:
    between = re.findall(r"[A-Za-z']+", text[start:end])
    return all(w.casefold() in SUBJECT_TRAILERS or w.casefold() == "'s" for w in between)


def preposition_before(text: str, start: int) -> bool:
    before = re.findall(r"[A-Za-z]+", text[max(0, start - 20) : start])
    return bool(before) and before[-1].casefold() in PREPOSITIONS


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
        if is_name_word(word) or (run and _NAME_PARTICLE.match(word)) or inner_function_word:
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


def only_adverbials(words: list[Token]) -> bool:
    """Whether a phrase is nothing but words that stand between a subject and its verb ("later",
    "last month", "on Friday")."""
    return bool(words) and not without_trailing_time([t for t in words if t.group().casefold() not in SUBJECT_TRAILERS])


def only_adjuncts(words: list[Token]) -> bool:
    """Whether a phrase holds no subject, only what may follow one: "(ICC) in The Hague on Friday
    issued", "(RSF) have announced"."""
    rest = [t for t in words if t.group().casefold() not in SUBJECT_TRAILERS]
    return not rest or only_adverbials(rest) or rest[0].group().casefold() in PREPOSITIONS


def head_of_list(tokens: list[Token], phrase: list[Token], boundary: str) -> tuple[list[Token], str] | None:
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
        before = phrase_before(tokens, comma)
        if before is None or not before[0]:
            return None
        item, mark = before
        if mark == "," and len(item) == 1 and item[0].group()[:1].isupper():
            position = item[0].start()
            continue
        return before


def ends_in_and(phrase: list[Token]) -> bool:
    """ "Russia denied it and later said", "... and has repeatedly warned": the verb is the second of
    two the sentence's subject shares, whatever adverbs stand between."""
    words = [t.group().casefold() for t in phrase]
    while words and words[-1] in SUBJECT_TRAILERS:
        words.pop()
    return bool(words) and words[-1] == "and"


def ends_line(text: str, last: Token) -> bool:
    """Whether nothing but closing punctuation follows ``last``."""
    return not text[last.end() :].strip(" .\"')")
