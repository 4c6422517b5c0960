"""What attribution answers: the speaker of a line, and what the article knows after it."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.domain.memory import RememberedEntity


@dataclass(frozen=True)
class Speaker:
    name: str
    kind: str  # "person" or "organisation"
    method: str  # how the name was resolved: named, pronoun, descriptor, organisation, continuation, label, turn
    evidence: str


@dataclass(frozen=True)
class Attribution:
    speaker: Speaker | None
    entities: tuple[RememberedEntity, ...]
    """everyone named so far in the article, least recently mentioned first"""
    transcript: bool = False
    turn_speaker: str | None = None
