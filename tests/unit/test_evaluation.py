"""The evaluate command agrees with the contract's scorer, and the tuned split meets its targets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.evaluation import same_speaker
from tests.conftest import REPO, SCORER, SEED_ALERTS, SEED_GOLD

DEVSET = REPO / "evaluation" / "devset"
SPLITS = {
    "seed": (SEED_GOLD, SEED_ALERTS),
    "tune": (DEVSET / "tune.gold.jsonl", DEVSET / "tune.alerts.jsonl"),
    "holdout": (DEVSET / "holdout.gold.jsonl", DEVSET / "holdout.alerts.jsonl"),
}


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
    theirs = json.loads(
        subprocess.run(
            [sys.executable, str(SCORER), str(gold), str(alerts), str(predictions), "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    ours = our_figures(gold, alerts, predictions)
    for figure in ("speaker_accuracy", "topic_f1", "alert_precision", "alert_recall"):
        assert ours[figure] == pytest.approx(theirs[figure], abs=1e-4), figure


def test_the_tuning_split_meets_its_targets(tmp_path: Path) -> None:
    gold, alerts = SPLITS["tune"]
    figures = our_figures(gold, alerts, classify_output(gold, tmp_path))
    assert figures["missing"] == 0
    assert figures["speaker_accuracy"] >= 0.95
    assert figures["topic_f1"] >= 0.85
    assert figures["alert_precision"] >= 0.95 and figures["alert_recall"] >= 0.95


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
        ("Antonio Guterres", "Sergei Lavrov", False),
        (None, None, True),
        (None, "Kremlin", False),
    ],
)
def test_speakers_match_by_the_contract_rules(expected: str | None, predicted: object, same: bool) -> None:
    assert same_speaker(expected, predicted) is same
