"""One line as attribution reads it: its text, the names in it, and the people and bodies known so far."""

from __future__ import annotations

from collections import deque
from functools import cached_property

from pipeline.domain import phrases
from pipeline.domain.known import KnownEntities
from pipeline.domain.memory import ArticleMemory, RememberedEntity
from pipeline.domain.mentions import find_bodies, find_mentions, name_runs
from pipeline.domain.names import Descriptor, Directory, Entity, Mention
from pipeline.domain.text import last_span_before

SUBJECT_REACH = 1_000
"""How far before a reporting verb its subject is looked for, in characters: several times the longest
subject phrase ("The UN humanitarian coordinator for ..., who ..., said"), and a bound that keeps the
work per verb the same however long the line."""


class LineContext:
    """Everything known while attributing one line."""

    def __init__(
        self,
        text: str,
        mentions: list[Mention],
        bodies: list[tuple[int, str]],
        memory: ArticleMemory,
        directory: Directory,
    ) -> None:
        self.text = text
        self.mentions = mentions
        self.memory = memory
        self.directory = directory
        self.english = directory.english
        self.known = KnownEntities(memory.entities)
        # Everyone the line names, in the order it names them; bodies named in passing too, so that a
        # later "the council" finds the Security Council.
        in_passing = deque(bodies)
        spans = [(m.start, m.end) for m in mentions]
        for mention in [*mentions, None]:
            while in_passing and (mention is None or in_passing[0][0] < mention.start):
                at, name = in_passing.popleft()
                span = last_span_before(spans, at + 1)
                # "the African Union Commission" is a body of its own, though it holds a name known as another's.
                if (span is None or span[1] < at + len(name)) and self.find_by_name(name) is None:
                    self.remember(Entity(name, "organisation"))
            if mention is not None:
                self.remember(mention.entity, mention.learned_roles)

    @classmethod
    def read(cls, text: str, memory: ArticleMemory, directory: Directory) -> LineContext:
        """``text`` (already ``plain``, a dateline or speaker label blanked out) with the names found in it."""
        english = directory.english
        runs = name_runs(english, text)
        return cls(text, find_mentions(english, text, directory, runs), find_bodies(english, runs), memory, directory)

    @cached_property
    def quotations(self) -> tuple[tuple[int, int], ...]:
        return phrases.quotations(self.text) if '"' in self.text else ()

    @cached_property
    def opening_tokens(self) -> list[phrases.Token]:
        """The words that open the line, as far as a subject is ever looked for."""
        return phrases.window_tokens(self.english, self.text, 0, SUBJECT_REACH)

    def quoted(self, position: int) -> bool:
        """Whether ``position`` falls inside a quotation: what is quoted is not who says it."""
        return bool(self.quotations) and phrases.inside(self.quotations, position)

    def remember(self, entity: Entity, roles: tuple[Descriptor, ...] = ()) -> RememberedEntity:
        existing = self.find_by_name(entity.name)
        if existing is None:
            existing = self.find_by_surname(entity.name) if entity.kind == "person" else None
        merged_roles = tuple(dict.fromkeys((*(existing.roles if existing else ()), *entity.roles, *roles)))
        name = existing.name if existing and len(existing.name) >= len(entity.name) else entity.name
        gender = entity.gender or (existing.gender if existing else None)
        unchanged = existing is not None and (existing.name, existing.kind, existing.gender, existing.roles) == (
            name,
            entity.kind,
            gender,
            merged_roles,
        )
        updated = (
            existing
            if unchanged and existing is not None
            # Validated construction is cheaper than pydantic's model_construct, which runs in Python.
            else RememberedEntity(name=name, kind=entity.kind, gender=gender, roles=merged_roles)
        )
        if existing is not None:
            self.known.forget(existing)
        self.known.add(updated)
        return updated

    def find_by_name(self, name: str) -> RememberedEntity | None:
        return self.known.by_name(name)

    def find_by_surname(self, name: str) -> RememberedEntity | None:
        return self.known.by_surname(name)
