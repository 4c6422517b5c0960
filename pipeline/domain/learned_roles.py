"""The titles an article gives the people it names, learnt where it names them: "deputy prime
minister X", "X, the Kremlin spokesman, said", "The UN envoy for Korvia, Anna Lind, arrived". A later
"the spokesman" or "the envoy" is then that person."""

from __future__ import annotations

import re

from pipeline.domain.lexicon import English
from pipeline.domain.names import WORD, Descriptor, descriptor_key


def learned_roles(english: English, text: str, start: int, end: int) -> tuple[Descriptor, ...]:
    roles = (
        _role_before(english, text, start),
        _title_set_off_before(english, text, start, end),
        _role_after(english, text, end),
    )
    return tuple(role for role in roles if role)


def _role_before(english: English, text: str, start: int) -> Descriptor | None:
    """The title written just before a name: "deputy prime minister" in "... deputy prime minister X"."""
    last = text[max(0, start - 40) : start].rsplit(None, 1)[-1:]
    if not last or not _may_be_title(english, last[0]):
        return None
    words: list[str] = WORD.findall(text[max(0, start - 80) : start])
    role: list[str] = []
    for word in reversed(words):
        if not _may_be_title(english, word):
            break
        role.insert(0, word)
    while role and role[0].casefold() == "of":
        role.pop(0)
    if not any(w.casefold() in english.role_words for w in role):
        return None
    return descriptor_key(english, role)


def _may_be_title(english: English, word: str) -> bool:
    lowered = word.casefold()
    return lowered in english.role_words or lowered in english.qualifiers or lowered.endswith("'s") or lowered == "of"


def _role_after(english: English, text: str, end: int) -> Descriptor | None:
    """An appositive after a name: "Dmitry Peskov, the Kremlin spokesman, said"."""
    if not text.startswith(",", end):
        return None
    match = re.match(r",\s+(?:the\s+|a\s+)?((?:[A-Za-z.'-]+\s+){0,8}?[A-Za-z.'-]+),", text[end : end + 100])
    if not match:
        return None
    words: list[str] = WORD.findall(match.group(1))
    # "Anna Lind, the UN envoy for Korvia, said": the title is what comes before what it is for.
    words = _without_complement(english, words)
    if not words or words[-1].casefold() not in english.role_words:
        return None
    if any(
        w.casefold() not in english.role_words
        and w.casefold() not in english.qualifiers
        and w.casefold() != "of"
        and not w[:1].isupper()
        for w in words
    ):
        return None
    return descriptor_key(english, words)


def _without_complement(english: English, words: list[str]) -> list[str]:
    """A title without the place or body it is for: "UN envoy" of "UN envoy for the Korvia Talks"."""
    for index, word in enumerate(words[1:], 1):
        if word.casefold() in english.complement_prepositions and words[index - 1].casefold() in english.role_words:
            return words[:index] if _names_what_it_is_for(words[index + 1 :]) else []
    return words


def _names_what_it_is_for(complement: list[str]) -> bool:
    """Whether the words after a title's preposition name a place or body: "the Korvia Talks", not
    "the region"."""
    return bool(complement) and all(w[:1].isupper() or w.casefold() in {"the", "of", "and"} for w in complement)


def _title_set_off_before(english: English, text: str, start: int, end: int) -> Descriptor | None:
    """A title set off by commas before the name, with what it is for: "The UN envoy for Korvia, Anna
    Lind, arrived" teaches that Anna Lind is the UN envoy, so "the envoy" is her later on."""
    if not text.startswith(",", end) and text[end:].strip(" .") != "":
        return None
    before = text[max(0, start - 80) : start]
    if not before.endswith(", "):
        return None
    title = re.split(r'[,;:."()]', before[:-2])[-1]
    words: list[str] = WORD.findall(title)
    role = next((i for i in range(len(words) - 1, -1, -1) if words[i].casefold() in english.role_words), None)
    if role is None:
        return None
    complement = words[role + 1 :]
    if complement and (
        complement[0].casefold() not in {*english.complement_prepositions, "of"}
        or (len(complement) > 1 and not _names_what_it_is_for(complement[1:]))
    ):
        return None
    if not all(
        _may_be_title(english, w) or w[:1].isupper() or w.casefold() in {"the", "a", "an"} for w in words[:role]
    ):
        return None
    return descriptor_key(english, words[: role + 1])
