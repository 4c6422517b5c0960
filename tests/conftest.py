"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from pipeline.config.lexicon_file import load_english
from pipeline.config.taxonomy_file import load_taxonomy
from pipeline.domain.classifier import LineClassifier

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_DIR = SHARED / "seed"
SEED_ARTICLE = SEED_DIR / "guterres-lavrov-live.txt"
SEED_GOLD = SEED_DIR / "guterres-lavrov-live.gold.jsonl"
SEED_ALERTS = SEED_DIR / "guterres-lavrov-live.alerts.jsonl"
SCORER = SHARED / "spec" / "score.py"


@pytest.fixture(scope="session")
def classifier() -> LineClassifier:
    return LineClassifier(load_taxonomy(), load_english())


@pytest.fixture
def no_pipeline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings built in the test come from its own values, not from the caller's NEWS_ variables."""
    for name in [n for n in os.environ if n.startswith("NEWS_")]:
        monkeypatch.delenv(name)


def taxonomy_with_severity(directory: Path, kind: str, severity: str) -> Path:
    """The bundled taxonomy with one alert rule's severity changed: a rule change, as a newsroom makes one."""
    taxonomy = yaml.safe_load((REPO / "pipeline" / "data" / "taxonomy.yaml").read_text())
    [rule] = [rule for rule in taxonomy["alerts"] if rule["kind"] == kind]
    rule["severity"] = severity
    changed = directory / "taxonomy.yaml"
    changed.write_text(yaml.safe_dump(taxonomy, allow_unicode=True))
    return changed
