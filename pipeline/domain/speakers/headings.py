"""Lines that hand the floor to someone rather than report them: a wire dateline, a statement's
heading ("The following statement by X was issued today:"), a byline over remarks ("Ambassador
Richard Mills"), and the headings around a speech (a title, a place, a date) that nobody says."""

from __future__ import annotations

import re
from functools import cache

from pipeline.domain.lexicon import English
from pipeline.domain.matching import literal_alternation
from pipeline.domain.names import Directory, Entity
from pipeline.domain.speakers.context import LineContext

_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'/-]{2,40}?)(?:,\s*[A-Z][A-Za-z.' ]{2,30}?)?(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?"
    r"(?:\s*\([^)]{1,40}\))?\s*(?P<mark>-+|:)(?:\s|(?<=[A-Z]-)(?=[A-Z]))"
)


@cache
def statement_by(english: English) -> re.Pattern[str]:
    """A heading that hands the floor to a statement's author: "The following statement by X was issued today:"."""
    return re.compile(
        rf"^\s*(?:The following )?(?:{literal_alternation(english.heading_documents)}) (?:by|from|of) "
        rf"(?P<who>[^:\"]{{2,80}}?)(?: (?:was|were|is) (?:{literal_alternation(english.heading_release_verbs)})"
        r"[^:\"]{0,40})?:\s*$"
    )


_BYLINE_WORD = re.compile(r"[A-Za-z][\w'.-]*")
_SENTENCE_CLOSERS = frozenset(".?!\"'")


def without_dateline(text: str, directory: Directory) -> str:
    """Blank out a wire dateline ("GENEVA, June 12 - ", "GENEVA: "), keeping offsets. A body's
    acronym before a colon ("ICRC: ...") is a speaker, not a place."""
    match = _DATELINE.match(text)
    if match is None or (match.group("mark") == ":" and directory.lookup(match.group("place").strip())):
        return text
    return " " * match.end() + text[match.end() :]


def byline(context: LineContext) -> Entity | None:
    """The person a line does nothing but name, with a title: "Ambassador Richard Mills", "Robert A.
    Wood | Ambassador", "Michael R. Pompeo, Secretary of State": titles before the name, or a title set
    off after it by a comma or a bar, and nothing else. A reporter's byline ("By ...") or a bare name
    names no speaker, and neither does a headline ("... President, Rebel Chief Reach Cease-Fire Deal")."""
    english = context.english
    text = context.text.strip().rstrip(".:")
    people = [m for m in context.mentions if m.entity.kind == "person"]
    if len(people) != 1 or len(_BYLINE_WORD.findall(text)) > 10:
        return None
    name = people[0]
    offset = len(context.text) - len(context.text.lstrip())
    before = _BYLINE_WORD.findall(context.text[offset : name.start])
    after = context.text[name.end :].strip().rstrip(".:")
    if any(w.casefold() not in english.role_words and w.casefold() not in english.qualifiers for w in before):
        return None  # "By", a place, a headline's words
    title_after: list[str] = []
    if after:
        if after[0] not in ",|":
            return None
        title_after = _BYLINE_WORD.findall(after[1:])
        if not all(w[:1].isupper() or w.casefold() in english.title_links for w in title_after):
            return None
    titled = any(w.casefold() in english.role_words for w in (*before, *title_after))
    return name.entity if titled else None


def is_heading(english: English, text: str) -> bool:
    """A line that names or dates rather than says: a title, a place, a date ("Permanent Representative
    of Korvia", "New York, New York", "March 3, 2026"), with no sentence's end."""
    stripped = text.strip()
    if not stripped or stripped[-1] in _SENTENCE_CLOSERS:
        return False
    words = _BYLINE_WORD.findall(stripped)
    return len(words) <= 12 and all(w[:1].isupper() or w.casefold() in english.title_links for w in words)
