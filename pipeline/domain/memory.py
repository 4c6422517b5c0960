"""What the classifier remembers about one article between its lines.

It is plain, serialisable data so that a streaming worker can keep it in a
changelogged table and get it back after a restart or a rebalance.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ArticleMemory"]

MAX_SKIPPED = 1000


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
    earlier_topics: tuple[str, ...] = Field(default=(), description="the topics of the line before the previous one")
    transcript: bool = Field(default=False, description="the article labels its speakers ('MR PRICE: ...')")
    turn_speaker: str | None = Field(
        default=None, description="in a transcript, who has the floor until the next speaker label"
    )
    skipped: tuple[int, ...] = Field(
        default=(), description="line numbers jumped over, so a late one is told from a repeat (the last 1,000)"
    )

    def order_problem(self, line_no: int) -> Literal["duplicate_line", "line_out_of_order"] | None:
        """Why a line cannot be taken next in this article, if it cannot."""
        if line_no > self.last_line_no:
            return None
        return "line_out_of_order" if line_no in self.skipped else "duplicate_line"

    def after_line(self, line_no: int) -> tuple[int, ...]:
        """The skipped line numbers once ``line_no`` has been taken."""
        gap = range(self.last_line_no + 1, line_no)
        return (*self.skipped, *gap[-MAX_SKIPPED:])[-MAX_SKIPPED:] if gap else self.skipped
