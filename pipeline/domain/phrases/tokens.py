"""The words of a line as tokens, each the match of its text, and the quotations among them."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from pipeline.domain.lexicon import English
from pipeline.domain.matching import literal_alternation
from pipeline.domain.text import last_span_before

Token = re.Match[str]  # a token is its match: text, start and end without building anything


@cache
def token_pattern(english: English) -> re.Pattern[str]:
    """What a token is: a word, a mark, or an abbreviation ("U.N.", "Lt.") with its full stops."""
    return re.compile(
        r"(?:[A-Z]\.){2,}(?:-[A-Za-z]+)*"  # "U.N.", "U.N.-backed"
        # titles cut short: "Lt.", "Gov."
        + rf"|(?:{literal_alternation([title.capitalize() for title in english.abbreviated_titles])})\.(?=\s)"
        + r"|[A-Za-z](?:[A-Za-z0-9'-]|\.(?=[A-Za-z]))*|[,;:\"()]|-(?=\s)|\S"  # "M23", "G7" are one word
    )


_QUOTE_MARK = re.compile('"')


_SPACE = re.compile(r"\s")


_LONGEST_WORD = 200


def prefix(text: str, length: int) -> str:
    """``text`` cut after ``length`` characters, at the next space so no word is split."""
    if length >= len(text):
        return text
    space = text.find(" ", length)
    return text if space < 0 else text[:space]


def tokens(english: English, text: str) -> list[Token]:
    return list(token_pattern(english).finditer(text))


def window_tokens(english: English, text: str, start: int, end: int) -> list[Token]:
    """The tokens between ``start`` and ``end``, as tokenising the whole line would give them: the
    window opens after a space (no token spans one) and closes at the space after ``end``, as ``prefix``
    cuts, so no word is split. A run of 200 characters without a space is no word: the window closes
    inside it rather than read on to the end of the line."""
    if start > 0:
        space = _SPACE.search(text, start, end)
        start = space.end() if space else end
    if end >= len(text):
        return list(token_pattern(english).finditer(text, start))
    cut = text.find(" ", end, end + _LONGEST_WORD)
    return list(token_pattern(english).finditer(text, start, end + _LONGEST_WORD if cut < 0 else cut))


def tokens_in(english: English, text: str, span: tuple[int, int]) -> list[Token]:
    return list(token_pattern(english).finditer(text, span[0], span[1]))


def text_at(tokens: list[Token], position: int) -> str:
    """The word that starts first at or after ``position``, or an empty string."""
    following = tokens[bisect_right(tokens, position - 1, key=re.Match.start) :]
    return following[0].group().casefold() if following else ""


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


def followed_by_comma(tokens: list[Token], last: Token) -> bool:
    following = tokens[bisect_right(tokens, last.start(), key=re.Match.start) :]
    return bool(following) and following[0].group() == ","


def opening_bracket(tokens: list[Token], position: int) -> int | None:
    """Where the short bracketed aside that ends just before ``position`` opens."""
    before = tokens[: bisect_right(tokens, position, key=re.Match.end)]
    for back, token in enumerate(reversed(before[:-1]), start=1):
        if token.group() == "(":
            return token.start()
        if back > 6 or token.group() == ")":
            return None
    return None


def quote_closes_before(tokens: list[Token], position: int) -> bool:
    before = [t.group() for t in tokens if t.end() <= position][-2:]
    return before == ['"', ","] or before[-1:] == ['"']


def ends_line(text: str, last: Token) -> bool:
    """Whether nothing but closing punctuation follows ``last``."""
    return not text[last.end() :].strip(" .\"')")
