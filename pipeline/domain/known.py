"""The people and bodies known while one line is read, found by name without reading the others.

A line is read with everyone the article named before it and everyone it names itself; each
mention is looked up by its full name and by its surname before it is remembered. Kept as a list,
that lookup reads every entity known, so a line naming thousands costs millions of comparisons.
Here each lookup is a dictionary read, and the order (least recently mentioned first) is the
insertion order of a dictionary.

No two entities share a folded name: remembering one that is known by that name replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pipeline.domain.memory import RememberedEntity
from pipeline.domain.names import surname_key
from pipeline.domain.text import fold


class KnownEntities:
    def __init__(self, entities: Iterable[RememberedEntity]) -> None:
        self._in_order: dict[int, RememberedEntity] = {id(e): e for e in entities}
        self._by_name: dict[str, RememberedEntity] = {fold(e.name): e for e in self._in_order.values()}
        # Built when a surname is first asked for (most lines find everyone by name), then kept up:
        # every person added under a surname, most recent last (one no longer known is passed over),
        # and for people of more than one name, each folded word of it and the names that hold it.
        self._by_surname: dict[str, list[RememberedEntity]] | None = None
        self._names_by_word: dict[str, dict[str, int]] = {}

    def __iter__(self) -> Iterator[RememberedEntity]:
        return iter(self._in_order.values())

    def newest_first(self) -> Iterator[RememberedEntity]:
        return reversed(self._in_order.values())

    def latest(self, count: int) -> tuple[RememberedEntity, ...]:
        return tuple(self._in_order.values())[-count:]

    def add(self, entity: RememberedEntity) -> None:
        """Know ``entity`` as the one most recently mentioned (again, if it was known)."""
        self._in_order.pop(id(entity), None)
        self._in_order[id(entity)] = entity
        self._by_name[fold(entity.name)] = entity
        if self._by_surname is not None and entity.kind == "person":
            self._index_person(entity)

    def forget(self, entity: RememberedEntity) -> None:
        if self._in_order.pop(id(entity), None) is None:
            return
        folded = fold(entity.name)
        if self._by_name.get(folded) is entity:
            del self._by_name[folded]
        words = entity.name.split()
        if self._by_surname is not None and entity.kind == "person" and len(words) > 1:
            for word in {fold(w) for w in words}:
                holders = self._names_by_word[word]
                holders[entity.name] -= 1
                if not holders[entity.name]:
                    del holders[entity.name]

    def by_name(self, name: str) -> RememberedEntity | None:
        return self._by_name.get(fold(name))

    def by_surname(self, name: str) -> RememberedEntity | None:
        if self._by_surname is None:
            self._by_surname = {}
            for entity in self._in_order.values():
                if entity.kind == "person":
                    self._index_person(entity)
        key = surname_key(name)
        added = self._by_surname.get(key, [])
        while added and self._in_order.get(id(added[-1])) is not added[-1]:
            added.pop()
        if added:
            return added[-1]
        # Where the given name is the name in use (Ethiopian, Burmese, many Arabic names):
        # "Getachew said" after "Getachew Reda said".
        if len(name.split()) == 1:
            holders = self._names_by_word.get(key)
            if holders is not None and len(holders) == 1:
                return self._by_name.get(fold(next(iter(holders))))
        return None

    def _index_person(self, entity: RememberedEntity) -> None:
        assert self._by_surname is not None
        self._by_surname.setdefault(surname_key(entity.name), []).append(entity)
        words = entity.name.split()
        if len(words) > 1:
            for word in {fold(w) for w in words}:
                holders = self._names_by_word.setdefault(word, {})
                holders[entity.name] = holders.get(entity.name, 0) + 1
