"""Text normalisation shared by the classifiers.

Live-blog copy mixes curly and straight quotes, several dashes and odd spaces;
the rules are written against one plain form so that none of them has to care.
Offsets are preserved (every replacement is one character for one character) so
evidence can be cut from the original text.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter

__all__ = ["fold", "plain"]

_ONE_FOR_ONE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)


def _base_letter(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[:1]
    if len(base) == 1 and all(unicodedata.combining(c) for c in decomposed[1:]) and base.isascii():
        return base
    return char


_ACCENTED = {c: _base_letter(c) for c in map(chr, range(0xC0, 0x250)) if _base_letter(c) != c}
_ONE_FOR_ONE.update(str.maketrans(_ACCENTED))


def plain(text: str) -> str:
    """Same length as ``text``: straight quotes, hyphens for dashes, plain spaces, no diacritics."""
    return text.translate(_ONE_FOR_ONE)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without diacritics, for comparing names (Erdoğan = erdogan)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def last_span_before(spans: Sequence[tuple[int, int]], position: int) -> tuple[int, int] | None:
    """Of ``spans`` in order and never overlapping, the last to start before ``position``: the only
    one that can hold it or reach past it, as each ends before the next starts. Found by halving,
    since a line of many spans is asked about many positions."""
    index = bisect_left(spans, position, key=itemgetter(0)) - 1
    return spans[index] if index >= 0 else None
