"""The broker stopped and started mid-stream: ingest waits for it, workers carry on, nothing is lost.

Named to run last: it restarts the broker under every other test's feet.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import REPO
from tests.integration.test_crash_recovery import assert_nothing_lost, drill

pytestmark = pytest.mark.integration


def test_a_broker_restart_mid_stream_loses_nothing(kafka_broker: str) -> None:
    if subprocess.run([str(REPO / "scripts" / "kafka-local"), "status"], capture_output=True).returncode != 0:
        pytest.skip("the broker was not started by scripts/kafka-local, so this test cannot restart it")
    counts = drill(kafka_broker, "--rate", "200", "--kill-at", "0", "--restart-broker-at", "0.4")
    assert_nothing_lost(counts)
    assert any("broker restarted" in str(e) for e in counts["events"])  # type: ignore[attr-defined]
