"""Who can be named, and how a name is matched: the taxonomy's configured people and organisations
(with their aliases and roles), a title as a descriptor key ("Russia's foreign minister"), a surname
as its transliterations meet, and a person named right after the body they serve."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.domain.lexicon import English
from pipeline.domain.matching import word_start_alternation
from pipeline.domain.taxonomy import Taxonomy
from pipeline.domain.text import fold, plain

Descriptor = tuple[str | None, str]
"""(qualifier, core): "Russia's foreign minister" is ("russia", "foreign minister")."""


WORD = re.compile(r"[A-Za-z][A-Za-z.'-]*")


def descriptor_key(english: English, words: list[str]) -> Descriptor | None:
    """Split a descriptor into its qualifier and its role core, or None if no role is left."""
    qualifier: str | None = None
    core: list[str] = []
    for raw in words:
        word = raw.casefold().replace("-", " ")
        if word in {"the", "a", "an", "of", "for", "'s"}:
            continue
        if word in english.qualifiers:
            qualifier = qualifier or english.qualifiers[word]
            continue
        core.extend(word.removesuffix("'s").split())
    if not core:
        return None
    return qualifier, " ".join(core)


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str  # "person" or "organisation"
    gender: str | None = None
    roles: tuple[Descriptor, ...] = ()


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: Entity
    learned_roles: tuple[Descriptor, ...] = field(default=())


def _bare(alias: str) -> str:
    """An alias as matched: plain, without a leading article ("the UN" is matched as "UN")."""
    return re.sub(r"^(?:the|The)\s+", "", plain(alias).strip())


@lru_cache(maxsize=8192)
def surname_key(name: str) -> str:
    """The last name, folded, without an Arabic article and with the common transliterations of
    its ending made one: "al-Sisi" and "Sisi", "Gaiday" and "Gaidai", "Zelenskiy" and "Zelensky"."""
    words = name.split()
    if not words:
        return ""
    last = _ARTICLE.sub("", fold(words[-1]))
    return _DOUBLED_I.sub("i", _Y_ENDING.sub("y", last).replace("y", "i"))


_Y_ENDING = re.compile(r"(?:iy|yy|yi)$")


_DOUBLED_I = re.compile(r"i{2,}")


_ARTICLE = re.compile(r"^(?:al|el)-")


class Directory:
    """The configured people and organisations, compiled for matching."""

    def __init__(self, taxonomy: Taxonomy, english: English) -> None:
        self.english = english
        by_alias: dict[str, Entity] = {}
        for person in taxonomy.people:
            roles = tuple(key for key in (descriptor_key(english, WORD.findall(plain(r))) for r in person.roles) if key)
            entity = Entity(person.name, "person", person.gender, roles)
            for alias in (person.name, *person.aliases):
                by_alias[_bare(alias)] = entity
        for organisation in taxonomy.organisations:
            entity = Entity(organisation.name, "organisation")
            for alias in (organisation.name, *organisation.aliases):
                by_alias[_bare(alias)] = entity
        self._by_alias = by_alias
        self._by_folded = {fold(alias): entity for alias, entity in by_alias.items()}
        words: dict[str, set[str]] = {}
        for alias, entity in by_alias.items():
            words.setdefault(fold(entity.name), set()).update(fold(alias).split())
        self._alias_words = {name: frozenset(found) for name, found in words.items()}
        self._alias_re = re.compile(word_start_alternation(list(by_alias)) + r"(?![\w])")

    def configured(self, text: str) -> list[tuple[int, int, Entity]]:
        return [(m.start(), m.end(), self._by_alias[m.group()]) for m in self._alias_re.finditer(text)]

    def lookup(self, name: str) -> Entity | None:
        return self._by_folded.get(fold(name))

    def alias_words(self, name: str) -> frozenset[str]:
        """Every word the configured entity ``name`` is known by: "military" for the IDF."""
        return self._alias_words.get(fold(name), frozenset())


def name_after_body(english: English, words: list[str]) -> list[str] | None:
    """The person named right after the body they serve: "Ambassador to the United Nations Samantha
    Power" ends in Samantha Power, while "Observatory for Human Rights" is one body's name."""
    heads = [i for i, w in enumerate(words) if w.casefold() in english.organisation_heads]
    if not heads:
        return None
    after = words[heads[-1] + 1 :]
    if len(after) < 2 or any(w.casefold() in english.name_function_words for w in after):
        return None
    return after
