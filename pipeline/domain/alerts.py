"""Alert rules, and the "new means new" ledger.

Within one article an alert of one kind from one speaker fires once, on the
first line that qualifies; a different speaker raising the same kind fires again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from pipeline.domain.matching import CueIndex
from pipeline.domain.taxonomy import AlertRule, Severity
from pipeline.domain.text import fold

__all__ = ["AlertLedger"]


@dataclass(frozen=True)
class AlertDecision:
    kind: str
    severity: Severity
    speaker: str | None
    evidence: tuple[str, ...]


class AlertLedger(BaseModel):
    """Which (kind, speaker) pairs have fired in one article, and on which line.

    The line makes a replay harmless: a line seen again after a crash fires what it
    fired the first time (with the same alert id), and nothing that only a later
    line fired.
    """

    model_config = ConfigDict(frozen=True)

    fired: tuple[tuple[str, int], ...] = ()

    @staticmethod
    def key(kind: str, speaker: str | None) -> str:
        return f"{kind}|{fold(speaker) if speaker else ''}"

    def has_fired(self, kind: str, speaker: str | None, before_line: int) -> bool:
        key = self.key(kind, speaker)
        return any(k == key and line < before_line for k, line in self.fired)

    def fired_on(self, kind: str, line_no: int) -> bool:
        """Whether an alert of ``kind`` fired on the line, whoever its speaker."""
        prefix = f"{kind}|"
        return any(line == line_no and key.startswith(prefix) for key, line in self.fired)

    def record(self, kind: str, speaker: str | None, line_no: int) -> AlertLedger:
        key = self.key(kind, speaker)
        if any(k == key for k, _ in self.fired):
            return self
        return AlertLedger(fired=(*self.fired, (key, line_no)))


@dataclass(frozen=True)
class _CompiledRule:
    rule: AlertRule
    groups: tuple[int, ...]
    """the pattern number of each ``all_of`` group in the shared index"""
    veto: int | None


class AlertRules:
    def __init__(self, rules: tuple[AlertRule, ...]) -> None:
        patterns: list[str] = []

        def add(alternatives: tuple[str, ...]) -> int:
            patterns.append("|".join(f"(?:{p})" for p in alternatives))
            return len(patterns) - 1

        self._rules = [
            _CompiledRule(rule, tuple(add(group) for group in rule.all_of), add(rule.none_of) if rule.none_of else None)
            for rule in rules
        ]
        # One index for every rule: a line's word starts are read once, whatever the number of rules.
        self._index = CueIndex(patterns)

    def evaluate(
        self,
        text: str,
        topics: frozenset[str],
        speaker: str | None,
        ledger: AlertLedger,
        line_no: int,
        corrects: int | None = None,
    ) -> tuple[list[AlertDecision], AlertLedger]:
        """The alerts this line raises, and the ledger after them. ``text`` is already ``plain``.
        A correction of a line does not raise again a kind that line raised: it is the same alert,
        its wording (or its speaker's spelling) put right."""
        decisions: list[AlertDecision] = []
        found: dict[int, re.Match[str]] | None = None
        for compiled in self._rules:
            rule = compiled.rule
            if rule.requires_topic is not None and rule.requires_topic not in topics:
                continue
            if rule.requires_speaker and speaker is None:
                continue
            if ledger.has_fired(rule.kind, speaker, before_line=line_no):
                continue
            if corrects is not None and ledger.fired_on(rule.kind, corrects):
                continue
            if found is None:
                found = self._index.first_matches(text)
            matches = [found.get(group) for group in compiled.groups]
            if not all(matches):
                continue
            if compiled.veto is not None and compiled.veto in found:
                continue
            evidence = tuple(dict.fromkeys(m.group() for m in matches if m is not None))
            decisions.append(AlertDecision(rule.kind, rule.severity, speaker, evidence))
            ledger = ledger.record(rule.kind, speaker, line_no)
        return decisions, ledger
