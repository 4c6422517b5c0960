"""Versions of one news item (a live blog republished as it grows, a story corrected in place) into
the lines not seen before, and corrections of lines that were.

A line is known by its content, not its place: a live blog adds entries at the top and every
older entry moves down, yet none of them is new. A line that takes the place of a similar line
that has gone is a correction of it. Line numbers are given in the order lines first appear,
so a correction gets a new number and names the line it corrects.

Reading an item version again (after a crash) gives what it gave the first time: the ledger
remembers which version (by its offset) brought each line, so the same lines come out with the
same numbers, and nothing a later version brought.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from pydantic import BaseModel, ConfigDict

from pipeline.domain.text import fold

__all__ = ["ItemLedger", "split_version"]

SIMILAR_ENOUGH = 0.6
"""how alike, word for word, a line must be to the line whose place it takes to be its correction"""


class KnownLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    line_no: int
    offset: int
    """the item version (its offset on the items topic) that brought the line"""
    corrects: int | None = None


class ItemLedger(BaseModel):
    """What one item's versions have brought so far."""

    model_config = ConfigDict(frozen=True)

    known: dict[str, KnownLine] = {}
    """fingerprint -> the line"""
    latest: tuple[tuple[str, str], ...] = ()
    """the latest version's lines, in order: (fingerprint, text)"""
    last_offset: int | None = None
    last_line_no: int = 0


@dataclass(frozen=True)
class ItemLine:
    line_no: int
    text: str
    corrects: int | None = None


def fingerprints(lines: Sequence[str]) -> list[str]:
    """A line's identity: its folded words, and which occurrence of them it is in the version
    (a line repeated within one version is two lines)."""
    seen: Counter[str] = Counter()
    out = []
    for line in lines:
        words = " ".join(fold(line).split())
        seen[words] += 1
        out.append(hashlib.sha1(f"{seen[words]}|{words}".encode()).hexdigest()[:20])
    return out


def _likeness(before: str, after: str) -> float:
    return SequenceMatcher(None, fold(before).split(), fold(after).split()).ratio()


def split_version(ledger: ItemLedger, lines: Sequence[str], offset: int) -> tuple[list[ItemLine], ItemLedger]:
    """The lines of this version to publish, and the ledger after it."""
    prints = fingerprints(lines)
    if ledger.last_offset is not None and offset <= ledger.last_offset:  # read again: give what it gave
        again = [
            ItemLine(brought.line_no, text, brought.corrects)
            for fingerprint, text in zip(prints, lines, strict=True)
            if (brought := ledger.known.get(fingerprint)) is not None and brought.offset == offset
        ]
        return sorted(again, key=lambda line: line.line_no), ledger
    corrected = _corrections(ledger, prints, lines)
    out: list[ItemLine] = []
    known = dict(ledger.known)
    number = ledger.last_line_no
    for fingerprint, text in zip(prints, lines, strict=True):
        if fingerprint in known:
            continue
        number += 1
        corrects = corrected.get(fingerprint)
        known[fingerprint] = KnownLine(line_no=number, offset=offset, corrects=corrects)
        out.append(ItemLine(number, text, corrects))
    after = ItemLedger(
        known=known, latest=tuple(zip(prints, lines, strict=True)), last_offset=offset, last_line_no=number
    )
    return out, after


def _corrections(ledger: ItemLedger, prints: list[str], lines: Sequence[str]) -> dict[str, int]:
    """New fingerprint -> the line number it corrects: a new line in the place of a similar one gone.

    Inside a block of changed lines each line gone is paired with the new line most like it, not the
    one at the same position: a live blog publishes a new entry at the top while the entry below it is
    put right, and the entry put right then stands one place lower than the one it replaces."""
    before = [fingerprint for fingerprint, _ in ledger.latest]
    texts = dict(ledger.latest)
    corrected: dict[str, int] = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, prints, autojunk=False).get_opcodes():
        if tag != "replace":
            continue
        gone = [old for old in before[i1:i2] if old in ledger.known and old not in prints]
        new = list(zip(prints[j1:j2], lines[j1:j2], strict=True))
        pairs = [
            (likeness, i, j)
            for i, old in enumerate(gone)
            for j, (fingerprint, text) in enumerate(new)
            if fingerprint not in ledger.known and (likeness := _likeness(texts[old], text)) >= SIMILAR_ENOUGH
        ]
        paired: set[int] = set()
        for _, i, j in sorted(pairs, key=lambda pair: (-pair[0], pair[1], pair[2])):  # likest first
            if i not in paired and new[j][0] not in corrected:
                paired.add(i)
                corrected[new[j][0]] = ledger.known[gone[i]].line_no
    return corrected
