"""The store of people and bodies known while a line is read answers as reading the whole list,
newest first, would: it is only faster."""

from __future__ import annotations

import random

import pytest

from pipeline.domain.known import KnownEntities
from pipeline.domain.memory import RememberedEntity
from pipeline.domain.names import surname_key
from pipeline.domain.text import fold


class ListOfKnown:
    """The specification: a list, least recently mentioned first, read in full for every question."""

    def __init__(self, entities: list[RememberedEntity]) -> None:
        self.entities = list(entities)

    def add(self, entity: RememberedEntity) -> None:
        self.entities = [e for e in self.entities if e is not entity] + [entity]

    def forget(self, entity: RememberedEntity) -> None:
        self.entities = [e for e in self.entities if e is not entity]

    def by_name(self, name: str) -> RememberedEntity | None:
        return next((e for e in reversed(self.entities) if fold(e.name) == fold(name)), None)

    def by_surname(self, name: str) -> RememberedEntity | None:
        key = surname_key(name)
        found = next((e for e in reversed(self.entities) if e.kind == "person" and surname_key(e.name) == key), None)
        if found is not None or len(name.split()) != 1:
            return found
        holders = {
            e.name: e
            for e in self.entities
            if e.kind == "person" and len(e.name.split()) > 1 and key in map(fold, e.name.split())
        }
        return next(iter(holders.values())) if len(holders) == 1 else None


def person(name: str) -> RememberedEntity:
    return RememberedEntity(name=name, kind="person")


def test_a_name_is_found_whatever_its_case_and_accents() -> None:
    known = KnownEntities([person("Recep Tayyip Erdoğan")])
    assert known.by_name("recep tayyip erdogan") == person("Recep Tayyip Erdoğan")


def test_the_most_recently_mentioned_of_two_namesakes_is_found_by_surname() -> None:
    anna, erik = person("Anna Lind"), person("Erik Lind")
    known = KnownEntities([anna, erik])
    assert known.by_surname("Lind") is erik
    known.add(anna)
    assert known.by_surname("Lind") is anna
    assert [e.name for e in known] == ["Erik Lind", "Anna Lind"]


def test_a_body_is_never_found_by_surname() -> None:
    assert (
        KnownEntities([RememberedEntity(name="Lind Foundation", kind="organisation")]).by_surname("Foundation") is None
    )


def test_a_given_name_in_use_finds_its_only_holder_and_nobody_when_two_hold_it() -> None:
    known = KnownEntities([person("Getachew Reda")])
    assert known.by_surname("Getachew") == person("Getachew Reda")
    known.add(person("Getachew Assefa"))
    assert known.by_surname("Getachew") is None


def test_someone_forgotten_is_no_longer_found() -> None:
    anna = person("Anna Lind")
    known = KnownEntities([anna])
    known.forget(anna)
    assert known.by_name("Anna Lind") is None
    assert known.by_surname("Lind") is None
    assert known.by_surname("Anna") is None
    assert list(known) == []


@pytest.mark.parametrize("seed", range(20))
def test_any_sequence_of_mentions_is_answered_as_the_list_answers_it(seed: int) -> None:
    """Remembering as the speaker attributor does (the entity known by a name or surname is replaced
    by the one mentioned), with names that share surnames and given names, and bodies among them."""
    rng = random.Random(seed)
    given, family = ["Anna", "Erik", "Getachew", "Lind"], ["Lind", "Reda", "Al-Sisi", "Sisi", "Lindy"]
    names = [f"{g} {f}" for g in given for f in family] + family + given

    def entity() -> RememberedEntity:
        kind = "organisation" if rng.random() < 0.15 else "person"
        return RememberedEntity(name=rng.choice(names), kind=kind)

    start = []
    for candidate in (entity() for _ in range(8)):
        if all(fold(candidate.name) != fold(e.name) for e in start):  # one entity per name, as memory holds
            start.append(candidate)
    known, reference = KnownEntities(start), ListOfKnown(start)
    for _ in range(300):
        mentioned = entity()
        probe = rng.choice(names)
        assert known.by_name(probe) is reference.by_name(probe)
        assert known.by_surname(probe) is reference.by_surname(probe)
        existing = reference.by_name(mentioned.name)
        if existing is None and mentioned.kind == "person":
            existing = reference.by_surname(mentioned.name)
        if existing is not None:
            name = existing.name if len(existing.name) >= len(mentioned.name) else mentioned.name
            mentioned = existing if rng.random() < 0.5 else RememberedEntity(name=name, kind=mentioned.kind)
            known.forget(existing)
            reference.forget(existing)
        known.add(mentioned)
        reference.add(mentioned)
        assert list(known) == reference.entities
        assert known.latest(3) == tuple(reference.entities[-3:])
