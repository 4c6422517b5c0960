"""scripts/kafka-local acts on what runs, whatever data folders earlier runs left, and says each
thing once. No broker is needed: a stand-in process carries the command line the script looks
for (``kafka.Kafka`` and the node's config), so the script takes it for a broker it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "kafka-local"
PORT = 19_792  # nothing listens there: the script is never asked to start anything


def stand_in_broker(config: Path, ignore_sigterm: bool = False) -> subprocess.Popen[bytes]:
    """A process whose command line reads as the broker of ``config``, its pid where the script keeps it."""
    body = "import signal, sys, time\n"
    if ignore_sigterm:
        body += "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    body += "print('ready', flush=True)\ntime.sleep(120)\n"
    process = subprocess.Popen([sys.executable, "-c", body, "kafka.Kafka", str(config)], stdout=subprocess.PIPE)
    # Only once it has said so is its signal handling in place: a stop sent before would find Python's own.
    assert process.stdout is not None and process.stdout.readline() == b"ready\n"
    config.parent.mkdir(parents=True, exist_ok=True)
    (config.parent / "broker.pid").write_text(f"{process.pid}\n")
    return process


def kafka_local(state: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "KAFKA_PORT": str(PORT), "KAFKA_LOCAL_DIR": str(state), **env}
    return subprocess.run([str(SCRIPT), *args], env=environ, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()


def test_the_secure_broker_is_found_and_stopped_though_a_cluster_left_its_data(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    (tmp_path / f"cluster-{PORT}" / "node-1" / "data").mkdir(parents=True)  # what a cluster run leaves
    broker = stand_in_broker(tmp_path / f"secure-{PORT}" / "server.properties")
    processes.append(broker)

    status = kafka_local(tmp_path, "status")
    assert status.returncode == 0, status.stderr
    assert f"running (pid {broker.pid})" in status.stderr and "SASL_SSL" in status.stderr

    stopped = kafka_local(tmp_path, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert broker.wait(timeout=10) == -signal.SIGTERM
    assert f"stopped (pid {broker.pid})" in stopped.stderr and "cluster" not in stopped.stderr

    after = kafka_local(tmp_path, "status")
    assert after.returncode == 1 and "not running" in after.stderr


def test_a_broker_that_does_not_stop_is_killed_and_said_so_once(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    broker = stand_in_broker(tmp_path / f"cluster-{PORT}" / "node-2" / "server.properties", ignore_sigterm=True)
    processes.append(broker)

    stopped = kafka_local(tmp_path, "stop", KAFKA_STOP_TIMEOUT="1")

    assert broker.wait(timeout=10) == -signal.SIGKILL
    told = [line for line in stopped.stderr.splitlines() if "did not stop" in line]
    assert told == [f"kafka-local: node (pid {broker.pid}) did not stop in 1s; killing it"]
    assert "cluster stopped (1 node(s) were running)" in stopped.stderr
