"""The seed article, classified offline, scored by the contract's own scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import SCORER, SEED_ALERTS, SEED_ARTICLE, SEED_GOLD


def test_seed_scores_perfectly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["classify", str(SEED_ARTICLE)])
    assert result.exit_code == 0, result.output
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(result.stdout, encoding="utf-8")
    scored = subprocess.run(
        [sys.executable, str(SCORER), str(SEED_GOLD), str(SEED_ALERTS), str(predictions), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    score = json.loads(scored.stdout)
    assert score["lines_missing_in_output"] == 0
    assert score["speaker_accuracy"] == 1.0
    assert score["topic_f1"] == 1.0
    assert score["alert_precision"] == 1.0 and score["alert_recall"] == 1.0
