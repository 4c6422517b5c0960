"""The benchmark command runs end to end against the real broker (a smoke test: no figure is asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def test_bench_quick_measures_every_path_beside_its_ceiling_and_the_paced_runs(kafka_broker: str) -> None:
    port = kafka_broker.split(",")[0].rsplit(":", 1)[1]
    # Smaller than --quick's 4,000 lines and 5 s paced runs: every path still runs, in less time.
    sizes = ["--lines", "1000", "--articles", "40", "--latency-seconds", "2", "--repeat", "1"]
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench.py"), "--quick", *sizes, "--no-write", "--port", port],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    paths = [
        "bare producer",
        "kafka-producer-perf-test",
        "ingest",
        "bare relay",
        "end to end, last classified line",
        "end to end, last alert",
        "two workers, last classified line",
        "two workers, last alert",
    ]
    for path in paths:
        assert f"| {path} | 1,000 |" in result.stdout
    for paced in ("| 200 lines/s for 2 s | 400 |", "| 1,000 lines/s for 2 s | 2,000 |"):
        assert paced in result.stdout
