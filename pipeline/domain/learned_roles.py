"""The titles an article gives the people it names, learnt where it names them: "deputy prime
minister X", "X, the Kremlin spokesman, said", "The UN envoy for Korvia, Anna Lind, arrived". A later
"the spokesman" or "the envoy" is then that person."""

from __future__ import annotations

import re

from pipeline.domain.lexicon import (
    COMPLEMENT_PREPOSITIONS,
    QUALIFIERS,
    ROLE_WORDS,
)
from pipeline.domain.names import WORD, Descriptor, descriptor_key


def learned_roles(text: str, start: int, end: int) -> tuple[Descriptor, ...]:
    roles = (_role_before(text, start), _title_set_off_before(text, start, end), _role_after(text, end))
    return tuple(role for role in roles if role)


def _role_before(text: str, start: int) -> Descriptor | None:
    """The title written just before a name: "deputy prime minister" in "... deputy prime minister X"."""
    last = text[max(0, start - 40) : start].rsplit(None, 1)[-1:]
    if not last or not _may_be_title(last[0]):
        return None
    words: list[str] = WORD.findall(text[max(0, start - 80) : start])
    role: list[str] = []
    for word in reversed(words):
        if not _may_be_title(word):
            break
        role.insert(0, word)
    while role and role[0].casefold() == "of":
        role.pop(0)
    if not any(w.casefold() in ROLE_WORDS for w in role):
        return None
    return descriptor_key(role)


def _may_be_title(word: str) -> bool:
    lowered = word.casefold()
    return lowered in ROLE_WORDS or lowered in QUALIFIERS or lowered.endswith("'s") or lowered == "of"


def _role_after(text: str, end: int) -> Descriptor | None:
    """An appositive after a name: "Dmitry Peskov, the Kremlin spokesman, said"."""
    if not text.startswith(",", end):
        return None
    match = re.match(r",\s+(?:the\s+|a\s+)?((?:[A-Za-z.'-]+\s+){0,8}?[A-Za-z.'-]+),", text[end : end + 100])
    if not match:
        return None
    words: list[str] = WORD.findall(match.group(1))
    # "Anna Lind, the UN envoy for Korvia, said": the title is what comes before what it is for.
    words = _without_complement(words)
    if not words or words[-1].casefold() not in ROLE_WORDS:
        return None
    if any(
        w.casefold() not in ROLE_WORDS
        and w.casefold() not in QUALIFIERS
        and w.casefold() != "of"
        and not w[:1].isupper()
        for w in words
    ):
        return None
    return descriptor_key(words)


def _without_complement(words: list[str]) -> list[str]:
    """A title without the place or body it is for: "UN envoy" of "UN envoy for the Korvia Talks"."""
    for index, word in enumerate(words[1:], 1):
        if word.casefold() in COMPLEMENT_PREPOSITIONS and words[index - 1].casefold() in ROLE_WORDS:
            return words[:index] if _names_what_it_is_for(words[index + 1 :]) else []
    return words


def _names_what_it_is_for(complement: list[str]) -> bool:
    """Whether the words after a title's preposition name a place or body: "the Korvia Talks", not
    "the region"."""
    return bool(complement) and all(w[:1].isupper() or w.casefold() in {"the", "of", "and"} for w in complement)


def _title_set_off_before(text: str, start: int, end: int) -> Descriptor | None:
    """A title set off by commas before the name, with what it is for: "The UN envoy for Korvia, Anna
    Lind, arrived" teaches that Anna Lind is the UN envoy, so "the envoy" is her later on."""
    if not text.startswith(",", end) and text[end:].strip(" .") != "":
        return None
    before = text[max(0, start - 80) : start]
    if not before.endswith(", "):
        return None
    title = re.split(r'[,;:."()]', before[:-2])[-1]
    words: list[str] = WORD.findall(title)
    role = next((i for i in range(len(words) - 1, -1, -1) if words[i].casefold() in ROLE_WORDS), None)
    if role is None:
        return None
    complement = words[role + 1 :]
    if complement and (
        complement[0].casefold() not in {*COMPLEMENT_PREPOSITIONS, "of"}
        or (len(complement) > 1 and not _names_what_it_is_for(complement[1:]))
    ):
        return None
    if not all(_may_be_title(w) or w[:1].isupper() or w.casefold() in {"the", "a", "an"} for w in words[:role]):
        return None
    return descriptor_key(words[: role + 1])
