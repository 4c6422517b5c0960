"""The evaluate command agrees with the contract's scorer, and the tuned split meets its targets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluation.scoring import same_speaker
from tests.conftest import REPO, SCORER, SEED_ALERTS, SEED_GOLD

WRITTEN = REPO / "evaluation" / "written"
REAL = REPO / "evaluation" / "real"
SPLITS = {
    "seed": (SEED_GOLD, SEED_ALERTS),
    "written": (WRITTEN / "gold.jsonl", WRITTEN / "alerts.jsonl"),
    "real-tune": (REAL / "tune.gold.jsonl", REAL / "tune.alerts.jsonl"),
    "real-holdout": (REAL / "holdout.gold.jsonl", REAL / "holdout.alerts.jsonl"),
}


def contract_figures(gold: Path, alerts: Path, predictions: Path) -> dict[str, float]:
    scored = subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(alerts), str(predictions), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(scored.stdout))


def classify_output(gold: Path, tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["classify", str(gold)])
    assert result.exit_code == 0, result.output
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(result.stdout, encoding="utf-8")
    return predictions


def our_figures(gold: Path, alerts: Path, predictions: Path) -> dict[str, float]:
    result = CliRunner().invoke(cli, ["evaluate", str(gold), str(alerts), str(predictions), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_evaluate_gives_the_figures_of_the_contract_scorer(split: str, tmp_path: Path) -> None:
    gold, alerts = SPLITS[split]
    predictions = classify_output(gold, tmp_path)
    theirs = contract_figures(gold, alerts, predictions)
    ours = our_figures(gold, alerts, predictions)
    for figure in ("speaker_accuracy", "topic_f1", "alert_precision", "alert_recall"):
        assert ours[figure] == pytest.approx(theirs[figure], abs=1e-4), figure


@pytest.mark.parametrize(
    ("split", "speaker", "topic_f1", "alert_precision", "alert_recall"),
    [("written", 0.9953, 0.9469, 1.0, 1.0), ("real-tune", 0.9129, 0.8563, 0.7368, 0.875)],
)
def test_a_tuning_set_keeps_what_it_reaches(
    split: str, speaker: float, topic_f1: float, alert_precision: float, alert_recall: float, tmp_path: Path
) -> None:
    """Scored by the contract's own scorer, at what the rules reach today: a rule change that loses any of
    it fails here. The real tuning split grew on 2026-12-07 by 238 lines of copy from conflicts and
    institutions it lacked, and its figures fell from 0.9886 / 0.8994 / 1.0 / 1.0 with them; they are
    asserted where they stand until rules are written from those lines. The held-out split is not asserted."""
    gold, alerts = SPLITS[split]
    figures = contract_figures(gold, alerts, classify_output(gold, tmp_path))
    assert figures["lines_missing_in_output"] == 0
    assert figures["speaker_accuracy"] >= speaker
    assert figures["topic_f1"] >= topic_f1
    assert figures["alert_precision"] >= alert_precision and figures["alert_recall"] >= alert_recall


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_an_open_speaker_line_takes_any_speaker_and_absorbs_the_later_naming(tmp_path: Path) -> None:
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {"article_id": "a", "line_no": 1, "text": "x", "speaker": None, "topics": [], "speaker_skip": True},
            {"article_id": "a", "line_no": 2, "text": "y", "speaker": "Anna Petrova", "topics": []},
            {"article_id": "a", "line_no": 3, "text": "z", "speaker": "UN", "topics": ["war_crimes"]},
        ],
    )
    alerts = write_jsonl(
        tmp_path / "alerts.jsonl",
        [
            {"article_id": "a", "kind": "war_crimes", "speaker": "Anna Petrova", "lines": [1, 2]},
            {"article_id": "a", "kind": "war_crimes", "speaker": "UN", "lines": [3]},
        ],
    )
    predictions = write_jsonl(
        tmp_path / "predictions.jsonl",
        [
            {"article_id": "a", "line_no": 1, "speaker": "the minister", "topics": []},
            {"article_id": "a", "line_no": 2, "speaker": "Petrova", "topics": []},
            {"article_id": "a", "line_no": 3, "speaker": {"name": "United Nations"}, "topics": ["war_crimes"]},
            {"article_id": "a", "line_no": 1, "kind": "war_crimes", "speaker": "the minister"},
            {"article_id": "a", "line_no": 2, "kind": "war_crimes", "speaker": "Petrova"},
            {"article_id": "a", "line_no": 3, "kind": "war_crimes", "speaker": "United Nations"},
        ],
    )
    ours = our_figures(gold, alerts, predictions)
    theirs = json.loads(
        subprocess.run(
            [sys.executable, str(SCORER), str(gold), str(alerts), str(predictions), "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert ours["alert_precision"] == theirs["alert_precision"] == 1.0
    assert ours["alert_recall"] == theirs["alert_recall"] == 1.0
    assert ours["speaker_accuracy"] == theirs["speaker_accuracy"] == 1.0


def test_evaluate_lists_each_mistake_with_its_line(tmp_path: Path) -> None:
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [{"article_id": "a", "line_no": 1, "text": "The line.", "speaker": "Anna Petrova", "topics": ["military"]}],
    )
    alerts = write_jsonl(
        tmp_path / "alerts.jsonl", [{"article_id": "a", "kind": "war_crimes", "speaker": None, "lines": [1]}]
    )
    predictions = write_jsonl(
        tmp_path / "predictions.jsonl",
        [{"article_id": "a", "line_no": 1, "speaker": "Boris Kalnin", "topics": ["diplomacy"]}],
    )
    result = CliRunner().invoke(cli, ["evaluate", str(gold), str(alerts), str(predictions)])
    assert result.exit_code == 0, result.output
    assert "speaker a:1 want 'Anna Petrova' got 'Boris Kalnin'" in result.stdout
    assert "alert-  a war_crimes" in result.stdout
    assert "topics  a:1 missing ['military'] extra ['diplomacy']" in result.stdout
    assert "    The line." in result.stdout
    per_topic = json.loads(result.stdout.splitlines()[-1])["per_topic"]
    assert per_topic["military"] == {"precision": 0.0, "recall": 0.0, "tp": 0, "fp": 0, "fn": 1}
    assert per_topic["diplomacy"]["fp"] == 1


def test_evaluate_classifies_the_gold_lines_itself_when_given_no_predictions() -> None:
    gold, alerts = SPLITS["seed"]
    result = CliRunner().invoke(cli, ["evaluate", str(gold), str(alerts), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["speaker_accuracy"] == 1.0


@pytest.mark.parametrize(
    ("expected", "predicted", "same"),
    [
        ("Volodymyr Zelenskyy", {"name": "Zelenskiy"}, True),
        ("Recep Tayyip Erdogan", "Erdoğan", True),
        ("Kremlin", "the Kremlin press office", True),
        ("UN", "United Nations", True),
        ("United Nations", "UN", False),
        ("US government", "US", True),
        ("ICRC", "International Committee of the Red Cross", True),
        ("Antonio Guterres", "Sergei Lavrov", False),
        (None, None, True),
        (None, "Kremlin", False),
    ],
)
def test_speakers_match_by_the_contract_rules(expected: str | None, predicted: object, same: bool) -> None:
    assert same_speaker(expected, predicted) is same
