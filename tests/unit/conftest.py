"""Unit tests build their settings from their own values: a caller's exported NEWS_ variables
(or the local broker's KAFKA_PORT) must not change what they check."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _settings_of_the_test_only(no_pipeline_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAFKA_PORT", raising=False)
