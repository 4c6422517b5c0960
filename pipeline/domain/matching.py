"""Finding, for many word-bounded regular expressions at once, the first match of each.

Running a hundred regular expressions over every line costs a hundred scans. But
a cue can only match where a word starts with one of its literal openings
("evacuat", "safe passage", "shell"), so the index finds, in one scan, the word
starts where some opening stands and tries there, with an anchored match, only
the cues that open that way. The result is the same as calling
``search`` on every pattern: the leftmost match of each.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

# The standard library's own regular-expression parser, to read a pattern's literal openings.
sre_parse: Any = importlib.import_module("re._parser")
sre_constants: Any = importlib.import_module("re._constants")


def word_bounded(pattern: str) -> re.Pattern[str]:
    """``pattern`` matched case-insensitively, and only as whole words."""
    return re.compile(r"(?<![\w])(?:" + pattern + r")(?![\w])", re.IGNORECASE)


_MAX_OPENINGS = 256


def _openings(items: list[tuple[object, object]]) -> tuple[set[str], bool] | None:
    """The literal strings a match of ``items`` can begin with, and whether they are all of it.

    None means a match can begin with anything (a character class, ``\\w``...)."""
    prefixes = {""}
    for index, (op, value) in enumerate(items):
        if op is sre_constants.LITERAL:
            prefixes = {p + chr(value).lower() for p in prefixes}  # type: ignore[arg-type]
            continue
        if op is sre_constants.AT:
            continue
        inner: tuple[set[str], bool] | None
        if op is sre_constants.SUBPATTERN:
            inner = _openings(list(value[-1]))  # type: ignore[index]
        elif op is sre_constants.BRANCH:
            inner = _branch_openings(value[1])  # type: ignore[index]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low: int = value[0]  # type: ignore[index]
            found = _openings(list(value[2]))  # type: ignore[index]
            if low != 0 or found is None:
                inner = (found[0], False) if found is not None else None
            else:
                rest = _openings(items[index + 1 :])
                if rest is None:
                    return _known(prefixes)
                combined = {p + q for p in prefixes for q in found[0] | rest[0]}
                return (combined, False) if len(combined) <= _MAX_OPENINGS else _known(prefixes)
        else:
            return _known(prefixes)
        if inner is None:
            return _known(prefixes)
        combined = {p + q for p in prefixes for q in inner[0]}
        if len(combined) > _MAX_OPENINGS:
            return _known(prefixes)
        prefixes = combined
        if not inner[1]:
            return prefixes, False
    return prefixes, True


def _branch_openings(branches: list[object]) -> tuple[set[str], bool] | None:
    found: set[str] = set()
    complete = True
    for branch in branches:
        opening = _openings(list(branch))  # type: ignore[call-overload]
        if opening is None:
            return None
        found |= opening[0]
        complete = complete and opening[1]
    return found, complete


def _known(prefixes: set[str]) -> tuple[set[str], bool] | None:
    return None if "" in prefixes else (prefixes, False)


def openings(pattern: str) -> set[str] | None:
    found = _openings(list(sre_parse.parse(pattern, re.IGNORECASE)))
    if found is None or not found[0] or "" in found[0] or any(not p[:1].isalnum() for p in found[0]):
        return None
    return found[0]


def required_literals(pattern: str) -> frozenset[str] | None:
    """Lower-case strings one of which every match of ``pattern`` must contain, or None when
    none can be told: a literal run of three or more characters in the pattern's main sequence,
    else an alternation of plain words there ("(conflict|war)")."""
    items = list(sre_parse.parse(pattern, re.IGNORECASE))
    runs: list[str] = []
    current = ""
    for op, value in items:
        if op is sre_constants.LITERAL:
            current += chr(value).lower()
            continue
        runs.append(current)
        current = ""
    runs.append(current)
    longest = max(runs, key=len)
    if len(longest) >= 3:
        return frozenset({longest})
    for op, value in items:
        if op is sre_constants.SUBPATTERN:
            inner = list(value[-1])
            if len(inner) == 1 and inner[0][0] is sre_constants.BRANCH:
                words = [_plain_literal(list(branch)) for branch in inner[0][1][1]]
                if all(w is not None and len(w) >= 2 for w in words):
                    return frozenset(w for w in words if w is not None)
    return None


def _plain_literal(items: list[tuple[object, object]]) -> str | None:
    if not all(op is sre_constants.LITERAL for op, _ in items):
        return None
    return "".join(chr(value).lower() for _, value in items)  # type: ignore[arg-type]


def literal_alternation(strings: Sequence[str]) -> str:
    """A regular expression matching any of ``strings``, with shared beginnings factored out
    so the engine follows one path per letter instead of trying every string in turn."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for string in strings:
        node = trie
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return render(trie)


def word_start_alternation(strings: Sequence[str], not_before: str = r"\w") -> str:
    """Like ``literal_alternation``, matching only where no character of the class ``not_before``
    stands in front. The check is written after each string's first letter rather than before
    it, so that the pattern opens with plain letters and the engine skips, in C, to the places
    where one of them stands instead of trying the check at every position."""
    rests: dict[str, list[str]] = {}
    for string in strings:
        if string:
            rests.setdefault(string[0], []).append(string[1:])
    return (
        "(?:"
        + "|".join(
            re.escape(first) + f"(?<![{not_before}].)" + literal_alternation(ends)
            for first, ends in sorted(rests.items())
        )
        + ")"
    )


class CueIndex:
    """The first match of each pattern in a text, found by looking only where a match can start."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.regexes = [word_bounded(p) for p in patterns]
        by_opening: dict[str, list[int]] = {}
        self._anywhere: list[int] = []
        # A pattern that can start anywhere is searched only in texts holding a string it needs.
        self._needs: dict[int, frozenset[str]] = {}
        for number, pattern in enumerate(patterns):
            starts = openings(pattern)
            if starts is None:
                self._anywhere.append(number)
                needed = required_literals(pattern)
                if needed is not None:
                    self._needs[number] = needed
                continue
            for start in starts:
                by_opening.setdefault(start, []).append(number)
        # The openings that stand at one place in a text are all beginnings of the longest of
        # them, so the longest one found there names every pattern worth trying there.
        self._worth_trying: dict[str, tuple[int, ...]] = {
            opening: tuple(
                dict.fromkeys(n for end in range(1, len(opening) + 1) for n in by_opening.get(opening[:end], ()))
            )
            for opening in by_opening
        }
        # Finds, in C, each word start where some opening begins, and the longest opening there
        # (a greedy path through the trie of openings).
        self._opening_re = (
            re.compile(r"(?<!\w)(?=(" + literal_alternation(list(by_opening)) + "))") if by_opening else None
        )

    def first_matches(self, text: str, lowered: str | None = None) -> dict[int, re.Match[str]]:
        """Pattern number -> its leftmost match in ``text``."""
        lowered = lowered if lowered is not None else text.lower()
        found: dict[int, re.Match[str]] = {}
        if len(lowered) != len(text):  # a rare letter whose lower case is longer: offsets would drift
            return self._searched(text)
        regexes, worth_trying = self.regexes, self._worth_trying
        for place in self._opening_re.finditer(lowered) if self._opening_re is not None else ():
            position = place.start()
            for number in worth_trying[place.group(1)]:
                if number not in found:
                    match = regexes[number].match(text, position)
                    if match is not None:
                        found[number] = match
        for number in self._anywhere:
            needed = self._needs.get(number)
            if needed is not None and not any(literal in lowered for literal in needed):
                continue
            match = regexes[number].search(text)
            if match is not None:
                found[number] = match
        return found

    def _searched(self, text: str) -> dict[int, re.Match[str]]:
        found = {}
        for number, regex in enumerate(self.regexes):
            match = regex.search(text)
            if match is not None:
                found[number] = match
        return found
