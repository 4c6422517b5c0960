"""What the classifier remembers about one article between its lines.

It is plain, serialisable data so that a streaming worker can keep it in a
changelogged table and get it back after a restart or a rebalance.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RememberedEntity(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    kind: str = "person"
    gender: str | None = None
    roles: tuple[tuple[str | None, str], ...] = ()


class ArticleMemory(BaseModel):
    """Per-article state: who was named, who spoke, what the last line was about."""

    model_config = ConfigDict(frozen=True)

    last_line_no: int = 0
    entities: tuple[RememberedEntity, ...] = Field(
        default=(), description="people and organisations named so far, least recently mentioned first"
    )
    last_speaker: str | None = None
    previous_line_speaker: str | None = None
    previous_topics: tuple[str, ...] = ()

    def entity(self, name: str) -> RememberedEntity | None:
        for entity in self.entities:
            if entity.name == name:
                return entity
        return None
