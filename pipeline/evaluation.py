"""Measuring classifier output against labelled articles, by the rules of the labels contract.

Speakers match when their surnames do (case- and accent-insensitive, with the
common transliterations of -iy/-yy/-y endings folded together); organisations
also match when they share a distinctive word ("Kremlin" and "the Kremlin press
office"). Topics are micro-averaged over the six contract topics, a topic counting
as predicted at a score of 0.5 or more. An expected alert is found when an alert
of its kind, article and speaker fires on one of the lines it may first fire on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.domain.text import fold

CONTRACT_TOPICS = ("corridors", "war_crimes", "peace_talks", "humanitarian_aid", "military", "diplomacy")
_UNDISTINCTIVE = frozenset(
    {
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
        "united",
        "states",
        "american",
        "british",
        "french",
        "german",
        "israeli",
        "palestinian",
        "turkish",
        "syrian",
        "sudanese",
    }
)


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
        shared = (set(_words(want)) & set(_words(got))) - _UNDISTINCTIVE
        return any(len(word) >= 4 for word in shared)
    return False


def _predicted_topics(value: Any, threshold: float = 0.5) -> set[str]:
    found = set()
    for topic in value or ():
        if isinstance(topic, str):
            found.add(topic)
        elif isinstance(topic, Mapping) and float(topic.get("score", 1.0)) >= threshold:
            found.add(str(topic.get("id")))
    return found & set(CONTRACT_TOPICS)


@dataclass
class Report:
    lines: int = 0
    missing: int = 0
    speaker_lines: int = 0
    speaker_correct: int = 0
    topic_tp: int = 0
    topic_fp: int = 0
    topic_fn: int = 0
    alerts_expected: int = 0
    alerts_raised: int = 0
    alerts_matched: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.speaker_lines if self.speaker_lines else 0.0

    @property
    def topic_f1(self) -> float:
        denominator = 2 * self.topic_tp + self.topic_fp + self.topic_fn
        return 2 * self.topic_tp / denominator if denominator else 0.0

    @property
    def alert_precision(self) -> float:
        if not self.alerts_raised:
            return 1.0 if not self.alerts_expected else 0.0
        return self.alerts_matched / self.alerts_raised

    @property
    def alert_recall(self) -> float:
        return self.alerts_matched / self.alerts_expected if self.alerts_expected else 1.0

    def figures(self) -> dict[str, float | int]:
        return {
            "lines": self.lines,
            "missing": self.missing,
            "speaker_accuracy": round(self.speaker_accuracy, 4),
            "topic_f1": round(self.topic_f1, 4),
            "alert_precision": round(self.alert_precision, 4),
            "alert_recall": round(self.alert_recall, 4),
            "alerts_expected": self.alerts_expected,
            "alerts_raised": self.alerts_raised,
        }


def evaluate(
    gold: Iterable[Mapping[str, Any]],
    expected_alerts: Iterable[Mapping[str, Any]],
    predictions: Iterable[Mapping[str, Any]],
) -> Report:
    report = Report()
    classified: dict[tuple[str, int], Mapping[str, Any]] = {}
    raised: list[Mapping[str, Any]] = []
    for prediction in predictions:
        if "kind" in prediction:
            raised.append(prediction)
        elif "article_id" in prediction and "line_no" in prediction:
            classified[(str(prediction["article_id"]), int(prediction["line_no"]))] = prediction

    for line in gold:
        key = (str(line["article_id"]), int(line["line_no"]))
        got = classified.get(key)
        report.lines += 1
        if got is None:
            report.missing += 1
        if line.get("speaker_skip"):
            pass  # labelled as not to be scored for its speaker
        elif got is not None and same_speaker(line.get("speaker"), got.get("speaker")):
            report.speaker_lines += 1
            report.speaker_correct += 1
        else:
            report.speaker_lines += 1
            report.errors.append(
                f"speaker {key[0]}:{key[1]} want {line.get('speaker')!r} "
                f"got {_name_of(got.get('speaker')) if got else '<missing>'!r}"
            )
        want = set(line.get("topics") or ()) & set(CONTRACT_TOPICS)
        have = _predicted_topics(got.get("topics")) if got else set()
        report.topic_tp += len(want & have)
        report.topic_fp += len(have - want)
        report.topic_fn += len(want - have)
        if want != have:
            report.errors.append(f"topics  {key[0]}:{key[1]} missing {sorted(want - have)} extra {sorted(have - want)}")

    expected = list(expected_alerts)
    report.alerts_expected = len(expected)
    report.alerts_raised = len(raised)
    unmatched = list(range(len(expected)))
    for alert in raised:
        for index in unmatched:
            want_alert = expected[index]
            if (
                str(want_alert["article_id"]) == str(alert.get("article_id"))
                and want_alert["kind"] == alert.get("kind")
                and int(alert.get("line_no", -1)) in set(want_alert["lines"])
                and same_speaker(want_alert.get("speaker"), alert.get("speaker"))
            ):
                unmatched.remove(index)
                report.alerts_matched += 1
                break
        else:
            report.errors.append(
                f"alert+  {alert.get('article_id')}:{alert.get('line_no')} {alert.get('kind')} "
                f"by {_name_of(alert.get('speaker'))!r} was not expected"
            )
    for index in unmatched:
        e = expected[index]
        report.errors.append(f"alert-  {e['article_id']} {e['kind']} by {e.get('speaker')!r} on {e['lines']} missing")
    return report


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not JSON: {error.msg}") from error
        if isinstance(record, dict):
            records.append(record)
    return records
