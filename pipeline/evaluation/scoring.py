"""Measuring classifier output against labelled articles, by the rules of the labels contract.

Speakers match when their surnames do (case- and accent-insensitive, with the
common transliterations of -iy/-yy/-y endings folded together); organisations
also match when they share a distinctive word ("Kremlin" and "the Kremlin press
office") or a well-known acronym stands for the other's name ("UN" and "United
Nations", "US" and "US government"). Topics are micro-averaged over the six
taxonomy's topics (the contract's six), a topic counting as predicted at a score of 0.5 or more; labels
naming a topic or an alert kind the taxonomy lacks are refused rather than left out of the figures. An
expected alert is found when an alert of its kind, article and speaker fires on
one of the lines it may first fire on; on a line whose speaker the labels leave
open (``speaker_skip``) any speaker will do, and a later alert that then names
the expected speaker is the same alert again, counted neither right nor wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.console.visible import visible
from pipeline.domain.taxonomy import Taxonomy
from pipeline.domain.text import fold

__all__ = ["ScoringError", "evaluate", "read_jsonl"]


class ScoringError(ValueError):
    """The labels name what the taxonomy does not have: scored as they are, it would count for nothing."""


_UNDISTINCTIVE = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "said",
        "says",
        "russian",
        "ukrainian",
        "russia",
        "ukraine",
        "american",
        "french",
        "german",
        "british",
        "turkish",
        "israeli",
        "palestinian",
        "syrian",
        "sudanese",
        "united",
        "states",
    ]
)
# What a well-known acronym stands for, as content words.
ACRONYMS = {
    "un": "united nations",
    "icc": "international criminal court",
    "icrc": "international committee red cross",
    "us": "united states",
    "usa": "united states",
    "uk": "united kingdom",
    "eu": "european union",
    "nato": "north atlantic treaty organization",
    "who": "world health organization",
    "ocha": "office coordination humanitarian affairs",
    "unhcr": "refugee agency",
    "unicef": "children fund",
    "rsf": "rapid support forces",
    "saf": "sudanese armed forces",
    "idf": "israel defense forces",
    "msf": "medecins sans frontieres",
    "hrw": "human rights watch",
}
_SHORT_ACRONYMS = frozenset({"un", "us", "uk", "eu"})


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z]+", fold(name))


def _surname(name: str) -> str | None:
    words = _words(name)
    if not words:
        return None
    last = re.sub(r"(iy|yy|yi)$", "y", words[-1])
    return re.sub(r"i+", "i", last.replace("y", "i"))


def _looks_like_organisation(name: str) -> bool:
    words = name.split()
    return len(words) < 2 or any(word[:1].islower() for word in words)


def _organisation_words(name: str) -> tuple[set[str], set[str]]:
    """The distinctive words of a body's name, acronyms spelt out; and the acronyms it uses."""
    words: set[str] = set()
    acronyms: set[str] = set()
    for raw in name.split():
        joined = "".join(_words(raw))
        if raw.strip(".,").replace(".", "").isupper() and joined in ACRONYMS:
            acronyms.add(joined)
            words.update(ACRONYMS[joined].split())
        words.update(_words(raw))
    return words - _UNDISTINCTIVE - _SHORT_ACRONYMS, acronyms


def _name_of(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return value
    return None


def same_speaker(expected: Any, predicted: Any) -> bool:
    want, got = _name_of(expected), _name_of(predicted)
    if want is None or got is None:
        return want is None and got is None
    if _surname(want) == _surname(got):
        return True
    if _looks_like_organisation(want):
        want_words, want_acronyms = _organisation_words(want)
        got_words, got_acronyms = _organisation_words(got)
        if want_acronyms & got_acronyms:
            return True
        return any(len(word) >= 4 for word in want_words & got_words)
    return False


def _predicted_topics(value: Any, scored: Collection[str], threshold: float = 0.5) -> set[str]:
    found = set()
    for topic in value or ():
        if isinstance(topic, str):
            found.add(topic)
        elif isinstance(topic, Mapping) and float(topic.get("score", 1.0)) >= threshold:
            found.add(str(topic.get("id")))
    return found & set(scored)


@dataclass
class TopicCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0


@dataclass
class Report:
    lines: int = 0
    missing: int = 0
    speaker_lines: int = 0
    speaker_correct: int = 0
    topics: dict[str, TopicCounts] = field(default_factory=dict)
    """each topic scored, by the taxonomy's order"""
    alerts_expected: int = 0
    alerts_raised: int = 0
    alerts_found: int = 0
    alerts_correct: int = 0
    alerts_repeating_an_open_match: int = 0
    speaker_errors: list[str] = field(default_factory=list)
    topic_errors: list[str] = field(default_factory=list)
    false_alerts: list[str] = field(default_factory=list)
    missed_alerts: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [*self.speaker_errors, *self.false_alerts, *self.missed_alerts, *self.topic_errors]

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.speaker_lines if self.speaker_lines else 0.0

    @property
    def all_topics(self) -> TopicCounts:
        counts = self.topics.values()
        return TopicCounts(sum(c.tp for c in counts), sum(c.fp for c in counts), sum(c.fn for c in counts))

    @property
    def topic_f1(self) -> float:
        return self.all_topics.f1

    @property
    def alert_precision(self) -> float:
        scored = self.alerts_raised - self.alerts_repeating_an_open_match
        if not scored:
            return 1.0 if not self.alerts_expected else 0.0
        return self.alerts_correct / scored

    @property
    def alert_recall(self) -> float:
        return self.alerts_found / self.alerts_expected if self.alerts_expected else 1.0

    def figures(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "missing": self.missing,
            "speaker_accuracy": round(self.speaker_accuracy, 4),
            "topic_precision": round(self.all_topics.precision, 4),
            "topic_recall": round(self.all_topics.recall, 4),
            "topic_f1": round(self.topic_f1, 4),
            "alert_precision": round(self.alert_precision, 4),
            "alert_recall": round(self.alert_recall, 4),
            "alerts_expected": self.alerts_expected,
            "alerts_raised": self.alerts_raised,
            "per_topic": {
                topic: {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "tp": c.tp, "fp": c.fp}
                | {"fn": c.fn}
                for topic, c in self.topics.items()
            },
        }


def evaluate(
    gold: Iterable[Mapping[str, Any]],
    expected_alerts: Iterable[Mapping[str, Any]],
    predictions: Iterable[Mapping[str, Any]],
    taxonomy: Taxonomy,
) -> Report:
    """The figures of ``predictions`` against the labels, over ``taxonomy``'s topics and alert kinds."""
    report = Report(topics={topic.id: TopicCounts() for topic in taxonomy.topics})
    expected_alerts = list(expected_alerts)
    kinds = {rule.kind for rule in taxonomy.alerts}
    unknown_kinds = sorted({str(alert["kind"]) for alert in expected_alerts} - kinds)
    if unknown_kinds:
        raise ScoringError(f"alerts are expected of kinds the taxonomy does not have: {unknown_kinds}")
    classified: dict[tuple[str, int], Mapping[str, Any]] = {}
    raised: list[Mapping[str, Any]] = []
    for prediction in predictions:
        if "kind" in prediction:
            raised.append(prediction)
        elif "article_id" in prediction and "line_no" in prediction:
            classified[(str(prediction["article_id"]), int(prediction["line_no"]))] = prediction
    gold_lines = list(gold)
    texts = {(str(g["article_id"]), int(g["line_no"])): str(g.get("text", "")) for g in gold_lines}
    for line in gold_lines:
        _score_line(report, line, classified.get((str(line["article_id"]), int(line["line_no"]))))
    open_lines = {(str(g["article_id"]), int(g["line_no"])) for g in gold_lines if g.get("speaker_skip")}
    _score_alerts(report, expected_alerts, raised, open_lines, texts)
    return report


def _mistake(what: str, text: str) -> str:
    """A mistake as it is listed: what went wrong, then the line's text indented under it. Ids, names
    and text come from label files and predictions, so none of them may act on the terminal."""
    return f"{visible(what)}\n    {visible(text)}"


def _score_line(report: Report, line: Mapping[str, Any], got: Mapping[str, Any] | None) -> None:
    where = f"{line['article_id']}:{line['line_no']}"
    text = str(line.get("text", ""))
    report.lines += 1
    if got is None:
        report.missing += 1
    if not line.get("speaker_skip"):
        report.speaker_lines += 1
        if got is not None and same_speaker(line.get("speaker"), got.get("speaker")):
            report.speaker_correct += 1
        else:
            said = _name_of(got.get("speaker")) if got else "<missing>"
            report.speaker_errors.append(_mistake(f"speaker {where} want {line.get('speaker')!r} got {said!r}", text))
    want = set(line.get("topics") or ())
    unknown = want - set(report.topics)
    if unknown:
        raise ScoringError(f"{where}: labelled with topics the taxonomy does not have: {sorted(unknown)}")
    have = _predicted_topics(got.get("topics"), report.topics) if got else set()
    for topic, counts in report.topics.items():
        counts.tp += topic in want and topic in have
        counts.fp += topic in have and topic not in want
        counts.fn += topic in want and topic not in have
    if want != have:
        report.topic_errors.append(
            _mistake(f"topics  {where} missing {sorted(want - have)} extra {sorted(have - want)}", text)
        )


def _score_alerts(
    report: Report,
    expected: list[Mapping[str, Any]],
    raised: list[Mapping[str, Any]],
    open_lines: set[tuple[str, int]],
    texts: Mapping[tuple[str, int], str],
) -> None:
    report.alerts_expected = len(expected)
    report.alerts_raised = len(raised)
    # expected alert -> whether it was found on an open line (a later naming of its speaker is then absorbed)
    found: dict[int, bool] = {}
    for alert in raised:
        article, kind = str(alert.get("article_id")), alert.get("kind")
        line_no = int(alert.get("line_no", -1))

        def fits(index: int, *, article: str = article, kind: Any = kind, line_no: int = line_no) -> bool:
            e = expected[index]
            return str(e["article_id"]) == article and e["kind"] == kind and line_no in set(e["lines"])

        def names_its_speaker(index: int, alert: Mapping[str, Any] = alert) -> bool:
            return same_speaker(expected[index].get("speaker"), alert.get("speaker"))

        candidates = [i for i in range(len(expected)) if i not in found and fits(i)]
        hit = next((i for i in candidates if names_its_speaker(i)), None)
        if hit is None and (article, line_no) in open_lines and candidates:
            found[candidates[0]] = True
            report.alerts_correct += 1
            continue
        if hit is not None:
            found[hit] = False
            report.alerts_correct += 1
            continue
        again = next(
            (
                i
                for i, on_open_line in found.items()
                if on_open_line
                and str(expected[i]["article_id"]) == article
                and expected[i]["kind"] == kind
                and names_its_speaker(i)
            ),
            None,
        )
        if again is not None:
            found[again] = False  # absorbed once
            report.alerts_repeating_an_open_match += 1
            continue
        text = texts.get((article, line_no), "")
        report.false_alerts.append(
            _mistake(f"alert+  {article}:{line_no} {kind} by {_name_of(alert.get('speaker'))!r} was not expected", text)
        )
    report.alerts_found = len(found)
    for index, e in enumerate(expected):
        if index not in found:
            first = texts.get((str(e["article_id"]), int(e["lines"][0])), "")
            report.missed_alerts.append(
                _mistake(
                    f"alert-  {e['article_id']} {e['kind']} by {e.get('speaker')!r} on {e['lines']} missing", first
                )
            )


def json_lines(path: Path, error: type[ValueError] = ValueError) -> Iterator[tuple[int, Any]]:
    """Each line of a JSONL file that is not blank, with its number, read as JSON; a line that is not
    JSON raises ``error`` naming the file and the line."""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except json.JSONDecodeError as problem:
            raise error(f"{path}:{number}: not JSON: {problem.msg}") from problem


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [record for _, record in json_lines(path) if isinstance(record, dict)]
