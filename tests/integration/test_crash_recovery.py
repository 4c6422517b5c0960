"""A worker SIGKILLed mid-stream: every line still classified, memory intact, the exact set of alerts.

Runs scripts/chaos.py scaled down (the full size is run by hand, figures in benchmarks/chaos.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


LINES, ARTICLES = 1000, 20
"""The size of the suite's drills: a tenth of the full size."""
SESSION_TIMEOUT_S = 10
"""How long the group waits for a worker it no longer hears from: the workers' own 60 s would make a kill
drill wait most of a minute, doing nothing, before the killed worker's partitions are handed on."""


def drill(servers: str, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """scripts/chaos.py at the suite's size on the broker (or the first node of the cluster) ``servers``
    names, with ``env`` (by default this process's, with a worker that stops committing restarted
    after 30 s); its counts, once it has found nothing wrong."""
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "chaos.py"),
            "--json",
            *("--lines", str(LINES), "--articles", str(ARTICLES)),
            *("--session-timeout", str(SESSION_TIMEOUT_S)),
            *("--port", servers.split(",")[0].rsplit(":", 1)[1]),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
        check=False,
        env=env if env is not None else {**os.environ, "NEWS_STALL_AFTER_S": "30"},
    )
    assert result.stdout.strip(), result.stderr[-3000:]
    counts: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0, (counts, result.stderr[-3000:])  # e.g. a marker's alert never came
    return counts


def assert_nothing_lost(counts: dict[str, object]) -> None:
    assert counts["lines_ingested"] == counts["lines_sent"] == LINES, counts
    assert counts["lines_classified"] == LINES, counts
    assert counts["lost_lines"] == 0, counts
    assert counts["speaker_mismatches"] == 0 and counts["topic_mismatches"] == 0, counts
    assert counts["missing_alerts"] == 0 and counts["unexpected_alerts"] == 0, counts
    assert counts["alerts"] == counts["alerts_expected"], counts


def test_a_sigkilled_worker_loses_nothing(kafka_broker: str) -> None:
    counts = drill(kafka_broker, "--rate", "250", "--kill-at", "0.4", "--restart-broker-at", "0")
    assert_nothing_lost(counts)
    assert any("SIGKILL" in str(e) for e in counts["events"])  # type: ignore[attr-defined]
