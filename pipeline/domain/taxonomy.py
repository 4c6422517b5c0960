"""The newsroom's taxonomy as validated data: people, organisations, topic cues, alert rules.

A taxonomy file is edited by people who are not programmers, so every field is
checked here and a mistake is reported with the field's path.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = ["Taxonomy"]

Severity = Literal["low", "medium", "high", "critical"]
TopicId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
LabelCode = Annotated[
    str, Field(pattern=r"^[A-Za-z]{1,4}$", description="how a labels file names it, e.g. 'w' or 'WC'")
]


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"not a valid regular expression ({error}): {pattern!r}") from error
    return pattern


Pattern = Annotated[str, Field(min_length=1), AfterValidator(_compiles)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(_Frozen):
    name: str = Field(min_length=1, description="canonical English name without diacritics")
    aliases: tuple[str, ...] = Field(default=(), description="other spellings and the surname alone")
    roles: tuple[str, ...] = Field(default=(), description='descriptors that denote this person, e.g. "the UN chief"')
    gender: Literal["male", "female"] | None = None


class Organisation(_Frozen):
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()


class Cue(_Frozen):
    pattern: Pattern = Field(description="regular expression, matched case-insensitively on word boundaries")
    weight: float = Field(gt=0.0, le=1.0)
    unless: tuple[TopicId, ...] = Field(
        default=(), description="the cue counts only when none of these topics is already present"
    )
    needs_context: bool = Field(
        default=False,
        description="the cue counts only when the topic was present in the article's previous line",
    )
    claims_span: bool = Field(
        default=False,
        description="its words are read for this topic alone: 'stop the fighting' is about talks, not fighting",
    )


class Topic(_Frozen):
    id: TopicId
    code: LabelCode | None = None
    description: str = ""
    cues: tuple[Cue, ...] = Field(min_length=1)


class AlertRule(_Frozen):
    kind: TopicId
    code: LabelCode | None = None
    severity: Severity = "high"
    description: str = ""
    requires_topic: TopicId | None = Field(
        default=None, description="the line must carry this topic (score at least 0.5)"
    )
    all_of: tuple[tuple[Pattern, ...], ...] = Field(
        min_length=1, description="groups of patterns; one pattern of every group must match"
    )
    none_of: tuple[Pattern, ...] = Field(default=(), description="any match here vetoes the alert")
    requires_speaker: bool = Field(
        default=False, description="fire only where the line has a speaker: a proposal is somebody's act"
    )


class Taxonomy(_Frozen):
    version: int = Field(ge=1)
    people: tuple[Person, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    topics: tuple[Topic, ...] = Field(min_length=1)
    alerts: tuple[AlertRule, ...] = ()
    topic_threshold: float = Field(default=0.5, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _references_resolve(self) -> Taxonomy:
        topic_ids = [topic.id for topic in self.topics]
        duplicates = {t for t in topic_ids if topic_ids.count(t) > 1}
        if duplicates:
            raise ValueError(f"topic ids must be unique; repeated: {sorted(duplicates)}")
        known = set(topic_ids)
        for topic in self.topics:
            for cue in topic.cues:
                unknown = set(cue.unless) - known
                if unknown:
                    raise ValueError(f"topics.{topic.id}: cue {cue.pattern!r} names unknown topics {sorted(unknown)}")
        kinds = [rule.kind for rule in self.alerts]
        if len(kinds) != len(set(kinds)):
            raise ValueError("alert kinds must be unique")
        for what in ("topic", "alert"):
            given = [item.code for item in (self.topics if what == "topic" else self.alerts) if item.code]
            repeated = sorted({code for code in given if given.count(code) > 1})
            if repeated:
                raise ValueError(f"{what} codes must be unique; repeated: {repeated}")
        for rule in self.alerts:
            if rule.requires_topic is not None and rule.requires_topic not in known:
                raise ValueError(f"alerts.{rule.kind}: requires_topic {rule.requires_topic!r} is not a topic id")
        return self

    def topic_codes(self) -> dict[str, str]:
        """Each topic's label code and its id: what a labels file may name."""
        return {topic.code: topic.id for topic in self.topics if topic.code}

    def alert_codes(self) -> dict[str, str]:
        """Each alert kind's label code and the kind."""
        return {rule.code: rule.kind for rule in self.alerts if rule.code}
