"""Rule cases: sentences of copy with the speaker, topics and alerts the classifier must give them, in
YAML files a newsroom can edit without Python (evaluation/cases/README.md gives the format).

A case file is a list of groups, each a ``why`` (the rule its cases show) and its ``cases``. A case is
one ``line`` of copy, the earlier lines of its article (``before``), read first, and what is expected;
a field left out is not checked. Each case keeps the file and the line it starts on, so that whatever
reports it (pytest, ``python -m pipeline cases``) names the place to look.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator
from yaml.nodes import MappingNode, Node, SequenceNode

from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from pipeline.domain.text import plain

__all__ = ["CasesError", "check", "load_cases"]


class CasesError(ValueError):
    """A case file that cannot be read as cases; each problem is on a line of its own, with its file and line."""


class ExpectedAlert(BaseModel):
    """An alert expected on a line: its kind, and (if given) whose alert it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: StrictStr
    speaker: StrictStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_alone(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    def __str__(self) -> str:
        if "speaker" not in self.model_fields_set:
            return self.kind
        return f"{self.kind} from {_name(self.speaker)}"


class ExpectedLine(BaseModel):
    """A line of copy and what the classifier must say of it. ``speaker: null`` means nobody speaks;
    ``topics`` and ``alerts`` are all there is (``[]``: none); the ``_include``, ``_exclude`` and
    ``_not`` fields check one thing and leave the rest open."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    line: StrictStr = Field(min_length=1)
    speaker: StrictStr | None = None
    speaker_kind: Literal["person", "organisation"] | None = None
    speaker_not: StrictStr | None = None
    topics: frozenset[StrictStr] = frozenset()
    topics_include: frozenset[StrictStr] = frozenset()
    topics_exclude: frozenset[StrictStr] = frozenset()
    alerts: tuple[ExpectedAlert, ...] = ()
    alerts_exclude: frozenset[StrictStr] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _text_alone(cls, value: Any) -> Any:
        """An earlier line with nothing expected of it is written as its text alone."""
        return {"line": value} if isinstance(value, str) else value

    def mismatches(self, got: Said) -> list[str]:
        """What ``got`` says that this line does not expect, one sentence each."""
        given = self.model_fields_set
        found = []
        if "speaker" in given and got.speaker != self.speaker:
            found.append(f"speaker expected {_name(self.speaker)}, got {_name(got.speaker)}")
        if "speaker_kind" in given and got.speaker_kind != self.speaker_kind:
            found.append(f"speaker kind expected {_name(self.speaker_kind)}, got {_name(got.speaker_kind)}")
        if "speaker_not" in given and got.speaker == self.speaker_not:
            found.append(f"speaker expected to be other than {_name(self.speaker_not)}, got {_name(got.speaker)}")
        if "topics" in given and got.topics != self.topics:
            found.append(f"topics expected {_listed(self.topics)}, got {_listed(got.topics)}")
        for topic in sorted(self.topics_include - got.topics):
            found.append(f"topics expected to include {topic!r}, got {_listed(got.topics)}")
        for topic in sorted(self.topics_exclude & got.topics):
            found.append(f"topics expected without {topic!r}, got {_listed(got.topics)}")
        if "alerts" in given and not _same_alerts(self.alerts, got.alerts):
            expected = "[" + ", ".join(map(str, self.alerts)) + "]"
            found.append(f"alerts expected {expected}, got {_alerts_said(got.alerts)}")
        for kind in sorted(self.alerts_exclude & {kind for kind, _ in got.alerts}):
            found.append(f"alerts expected without {kind!r}, got {_alerts_said(got.alerts)}")
        return found

    def names(self) -> tuple[set[str], set[str]]:
        """The topic ids and the alert kinds this line names, to be checked against the taxonomy."""
        topics = set(self.topics | self.topics_include | self.topics_exclude)
        return topics, {alert.kind for alert in self.alerts} | set(self.alerts_exclude)


class Case(ExpectedLine):
    """The line checked, after the earlier lines of its article; ``known_miss`` says why the classifier
    is known to get it wrong today (the case is then expected to fail, until a rule puts it right)."""

    before: tuple[ExpectedLine, ...] = ()
    known_miss: StrictStr | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _expects_something(self) -> Case:
        checked = self.model_fields_set - {"line", "before", "known_miss"}
        if not checked and not any(earlier.model_fields_set - {"line"} for earlier in self.before):
            raise ValueError("the case expects nothing: give it a speaker, topics or alerts")
        return self


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    why: StrictStr = Field(min_length=1)
    cases: list[Any] = Field(min_length=1)


_Model = TypeVar("_Model", bound=BaseModel)

_PLAINLY = {
    "string_type": "should be text (in quotes if YAML reads it as a number, a date, true or false)",
    "frozen_set_type": "should be a list, like [corridors, military] ([] for none)",
    "tuple_type": "should be a list, like [corridor_proposal] ([] for none)",
    "list_type": "should be a list",
    "model_type": "should be a line of text, or a line: with what is expected of it",
}
"""pydantic's wording for the mistakes a person editing a case file makes, said for that person"""


@dataclass(frozen=True)
class Said:
    """What the classifier said of one line."""

    speaker: str | None
    speaker_kind: str | None
    topics: frozenset[str]
    alerts: tuple[tuple[str, str | None], ...]
    """(kind, speaker) of each alert raised on the line, in the order raised"""


@dataclass(frozen=True)
class RuleCase:
    """A case as read: the file and the line it starts on, the ``why`` of its group, and the case."""

    path: Path
    line_no: int
    why: str
    case: Case

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line_no}"


def check(case: Case, classifier: LineClassifier) -> list[str]:
    """Each way what ``classifier`` says of the case's lines differs from what the case expects, one
    sentence each (none: the case holds). Earlier lines are read in order, as one article, and named by
    their place in it; a topic or an alert kind the taxonomy does not have is a problem too, since a
    misspelt one would be checked against nothing."""
    problems = _unknown_names(case, classifier)
    memory, ledger = ArticleMemory(), AlertLedger()
    lines = (*case.before, case)
    for number, expected in enumerate(lines, start=1):
        verdict, memory = classifier.classify(expected.line, number, memory)
        speaker = verdict.speaker.name if verdict.speaker else None
        decisions, ledger = classifier.alert_rules.evaluate(
            plain(expected.line), verdict.topic_ids, speaker, ledger, number
        )
        said = Said(
            speaker,
            verdict.speaker.kind if verdict.speaker else None,
            verdict.topic_ids,
            tuple((decision.kind, decision.speaker) for decision in decisions),
        )
        prefix = "" if expected is case else f"earlier line {number}: "
        problems.extend(prefix + problem for problem in expected.mismatches(said))
    return problems


def load_cases(path: Path) -> list[RuleCase]:
    """The cases of a case file, or of every ``*.yaml`` file in a folder, in the order of their names."""
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
        if not files:
            raise CasesError(f"{path}: no case files (*.yaml) in the folder")
        return [case for file in files for case in read_case_file(file)]
    return read_case_file(path)


def read_case_file(path: Path) -> list[RuleCase]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise CasesError(f"{path}: cannot read: {reason}") from error
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise CasesError(f"{where}: not valid YAML: {getattr(error, 'problem', None) or error}") from error
    finally:
        loader.dispose()
    if not isinstance(root, SequenceNode) or not isinstance(data, list) or not data:
        line = root.start_mark.line + 1 if root is not None else 1
        raise CasesError(f"{path}:{line}: a case file is a list of groups, each with why: and cases:")
    problems: list[tuple[int, str]] = []
    cases: list[RuleCase] = []
    for group_node, group_data in zip(root.value, data, strict=True):
        group = _valid(_Group, group_data, group_node, problems, deep=False)
        if group is None:
            continue
        cases_node = _value_of(group_node, "cases")
        for case_node, case_data in zip(cases_node.value, group.cases, strict=True):
            case = _valid(Case, case_data, case_node, problems, deep=True)
            if case is not None:
                cases.append(RuleCase(path, case_node.start_mark.line + 1, group.why, case))
    if problems:
        raise CasesError("\n".join(f"{path}:{line}: {problem}" for line, problem in sorted(problems)))
    return cases


def _valid(model: type[_Model], data: Any, node: Node, problems: list[tuple[int, str]], *, deep: bool) -> _Model | None:
    """``data`` as a ``model``, or None with each problem added to ``problems`` with its line."""
    repeated = _repeated_keys(node, deep)
    if repeated:
        problems.extend((key.start_mark.line + 1, f"{key.value} is given twice") for key in repeated)
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            at = _node_at(node, detail["loc"])
            field = ".".join(str(part) for part in detail["loc"]) or "the case"
            if detail["type"] == "extra_forbidden":
                message = f"{detail['loc'][-1]} is not a field here (evaluation/cases/README.md lists them)"
            elif detail["type"] == "value_error" and not detail["loc"]:
                message = str(detail["ctx"]["error"])
            else:
                plainly = _PLAINLY.get(detail["type"], detail["msg"])
                if detail["type"] == "model_type" and "alerts" in detail["loc"]:
                    plainly = "should be an alert kind, or {kind: ..., speaker: ...}"
                message = f"{field}: {plainly}"
            problems.append((at.start_mark.line + 1, message))
        return None


def _node_at(node: Node, loc: tuple[int | str, ...]) -> Node:
    """The node a validation error's location points at, or the nearest one above it."""
    for part in loc:
        if isinstance(node, MappingNode) and isinstance(part, str):
            found = [value for key, value in node.value if key.value == part]
            if not found:
                continue  # a name pydantic adds to the location, not a key of the file
            node = found[0]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
    return node


def _value_of(node: Node, key: str) -> SequenceNode:
    [value] = [value for name, value in node.value if name.value == key]
    assert isinstance(value, SequenceNode)  # _Group has validated it as a list
    return value


def _repeated_keys(node: Node, deep: bool) -> list[Node]:
    """Keys given twice in the mapping ``node`` (and, if ``deep``, in those under it): YAML would keep
    the last and drop the first without a word."""
    if isinstance(node, SequenceNode) and deep:
        return [key for item in node.value for key in _repeated_keys(item, deep)]
    if not isinstance(node, MappingNode):
        return []
    seen: set[str] = set()
    repeated = []
    for key, value in node.value:
        if isinstance(key.value, str) and key.value in seen:
            repeated.append(key)
        if isinstance(key.value, str):
            seen.add(key.value)
        if deep:
            repeated.extend(_repeated_keys(value, deep))
    return repeated


def _unknown_names(case: Case, classifier: LineClassifier) -> list[str]:
    topic_ids = {topic.id for topic in classifier.taxonomy.topics}
    kinds = {rule.kind for rule in classifier.taxonomy.alerts}
    problems: list[str] = []
    for expected in (*case.before, case):
        topics, alerts = expected.names()
        problems.extend(f"no topic is called {t!r} (the taxonomy has {_listed(topic_ids)})" for t in topics - topic_ids)
        problems.extend(f"no alert is called {k!r} (the taxonomy has {_listed(kinds)})" for k in alerts - kinds)
    return sorted(problems)


def _same_alerts(expected: tuple[ExpectedAlert, ...], got: tuple[tuple[str, str | None], ...]) -> bool:
    return len(expected) == len(got) and all(
        alert.kind == kind and ("speaker" not in alert.model_fields_set or alert.speaker == speaker)
        for alert, (kind, speaker) in zip(expected, got, strict=True)
    )


def _name(value: str | None) -> str:
    return "nobody" if value is None else repr(value)


def _listed(names: frozenset[str] | set[str]) -> str:
    return "[" + ", ".join(sorted(names)) + "]"


def _alerts_said(alerts: tuple[tuple[str, str | None], ...]) -> str:
    return "[" + ", ".join(f"{kind} from {_name(speaker)}" for kind, speaker in alerts) + "]"
