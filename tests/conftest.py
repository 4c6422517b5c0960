"""Fixtures shared by every test layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.domain.classifier import LineClassifier
from pipeline.taxonomy_file import load_taxonomy

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED_DIR = SHARED / "seed"
SEED_ARTICLE = SEED_DIR / "guterres-lavrov-live.txt"
SEED_GOLD = SEED_DIR / "guterres-lavrov-live.gold.jsonl"
SEED_ALERTS = SEED_DIR / "guterres-lavrov-live.alerts.jsonl"
SCORER = SHARED / "spec" / "score.py"


@pytest.fixture(scope="session")
def classifier() -> LineClassifier:
    return LineClassifier(load_taxonomy())
