"""A worker SIGKILLed mid-stream: every line still classified, memory intact, the exact set of alerts.

Runs scripts/chaos.py scaled down (the full size is run by hand, figures in benchmarks/chaos.md).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def drill(kafka_broker: str, *args: str) -> dict[str, object]:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "chaos.py"),
            "--json",
            "--lines",
            "2000",
            "--articles",
            "40",
            "--port",
            kafka_broker.rsplit(":", 1)[1],
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
        check=False,
        env={**__import__("os").environ, "NEWS_STALL_AFTER_S": "30"},
    )
    assert result.stdout.strip(), result.stderr[-3000:]
    counts: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0, (counts, result.stderr[-3000:])  # e.g. a marker's alert never came
    return counts


def assert_nothing_lost(counts: dict[str, object]) -> None:
    assert counts["lines_ingested"] == counts["lines_sent"] == 2000, counts
    assert counts["lines_classified"] == 2000, counts
    assert counts["lost_lines"] == 0, counts
    assert counts["speaker_mismatches"] == 0 and counts["topic_mismatches"] == 0, counts
    assert counts["missing_alerts"] == 0 and counts["unexpected_alerts"] == 0, counts
    assert counts["alerts"] == counts["alerts_expected"], counts


def test_a_sigkilled_worker_loses_nothing(kafka_broker: str) -> None:
    counts = drill(kafka_broker, "--rate", "500", "--kill-at", "0.4", "--restart-broker-at", "0")
    assert_nothing_lost(counts)
    assert any("SIGKILL" in str(e) for e in counts["events"])  # type: ignore[attr-defined]
