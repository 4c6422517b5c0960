"""The supervisor against the broker: a child that makes no progress while input waits is killed and
started again, the child dies with a SIGKILLed supervisor, and a SIGTERMed `python -m pipeline worker`
is gone, worker and all, within the stop timeout, whether it is starting, rebalancing or busy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from chaos import Worker as WorkerProcess  # scripts/, on the path from conftest

from pipeline.broker.topics import ensure_topics
from pipeline.worker.supervisor import STOP_TIMEOUT_S
from tests.conftest import REPO
from tests.integration.conftest import isolated_env, settings_for, start_worker
from tests.integration.kafka_helpers import produce_raw, run

pytestmark = pytest.mark.integration

# A "worker" that never commits anything: the supervisor must see it as stuck.
SUPERVISED = """
import sys
from pipeline.broker.options import aiokafka_options
from pipeline.config.settings import Settings
from pipeline.worker.supervisor import StallCheck, supervise
settings = Settings()
stall = StallCheck(
    aiokafka_options(settings), sys.argv[1], [sys.argv[2]], stall_after_s=2, every_s=0.5, grace_s=1
)
supervise([sys.executable, "-c", "import time; time.sleep(600)"], stall, max_backoff_s=1)
"""


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout
    return not status.startswith("Z")


def test_a_stalled_child_is_restarted_and_dies_with_its_supervisor(kafka_broker: str) -> None:
    run_id = uuid.uuid4().hex[:8]
    topic, group = f"it-{run_id}.stall", f"it-{run_id}-group"
    env = {"NEWS_KAFKA_BOOTSTRAP_SERVERS": kafka_broker, "NEWS_TOPIC_LINES": topic}
    run(ensure_topics(settings_for(env)))  # the broker creates no topic on its own
    run(produce_raw(settings_for(env), topic, [(b"a", b"waiting")]))
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISED, group, topic],
        env={**os.environ, **env},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        seen: set[int] = set()
        deadline = time.monotonic() + 60
        while len(seen) < 2 and time.monotonic() < deadline:
            seen.update(children(supervisor.pid))
            time.sleep(0.2)
        assert len(seen) >= 2, "the stalled child was not restarted"
        current = children(supervisor.pid)
        assert current
        supervisor.send_signal(signal.SIGKILL)
        supervisor.wait()
        deadline = time.monotonic() + 60
        while any(alive(pid) for pid in current) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in current), "the child outlived its supervisor"
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


# What a worker logs as Faust hands it partitions: aiokafka's group coordination waits for the
# worker's handlers meanwhile, and a stop that came then once kept the worker a minute.
ASSIGNING = b"Executing _on_partitions_assigned"


def logged(worker: WorkerProcess, marker: bytes, since: int = 0, timeout: float = 120) -> None:
    """Wait until the worker's log has ``marker`` after its first ``since`` bytes."""
    deadline = time.monotonic() + timeout
    while marker not in worker.log.read_bytes()[since:]:
        assert worker.process.poll() is None, f"the worker exited: {worker.log.read_bytes()[-3000:]!r}"
        assert time.monotonic() < deadline, f"{marker!r} not logged in {timeout} s; see {worker.log}"
        time.sleep(0.02)


def assert_stops_on_sigterm(worker: WorkerProcess) -> None:
    """SIGTERM to the supervisor: it and its worker are gone within the stop timeout, the worker having
    stopped by itself, not been killed for taking too long."""
    supervisor = worker.process
    workers = children(supervisor.pid)
    assert workers, "no worker under the supervisor"
    supervisor.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    try:
        status = supervisor.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the supervisor outlived the stop timeout; see {worker.log}")
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers), "the worker outlived the stop timeout"
    # 0: Faust stopped; -SIGTERM (exit 256 - 15): ended by the signal before Faust took it over.
    assert status in (0, 256 - signal.SIGTERM), (status, worker.log.read_bytes()[-3000:])


def test_a_worker_told_to_stop_before_faust_runs_stops(kafka_broker: str, tmp_path: Path) -> None:
    worker = start_worker(isolated_env(kafka_broker), tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 60
        while not children(worker.process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert_stops_on_sigterm(worker)  # the worker is starting Python, or making sure of its topics
    finally:
        worker.stop()


def test_workers_told_to_stop_while_the_group_rebalances_stop(kafka_broker: str, tmp_path: Path) -> None:
    # Faust's setting: a worker learns of a rebalance at its next heartbeat, here within half a second.
    env = isolated_env(kafka_broker) | {"BROKER_HEARTBEAT_INTERVAL": "0.5"}
    first = start_worker(env, tmp_path / "first.log")
    second: WorkerProcess | None = None
    try:
        first.wait_ready()
        second = start_worker(env, tmp_path / "second.log")
        logged(second, ASSIGNING)  # joining: its first partitions, and the group's second assignment
        since = first.log.stat().st_size  # before the stop: the first may take the partitions back at once
        assert_stops_on_sigterm(second)
        logged(first, ASSIGNING, since)  # the partitions the second leaves behind
        assert_stops_on_sigterm(first)
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_a_busy_worker_told_to_stop_stops(kafka_broker: str, tmp_path: Path) -> None:
    env = isolated_env(kafka_broker)
    worker = start_worker(env, tmp_path / "worker.log")
    article = tmp_path / "briefing.txt"
    article.write_text(
        "".join(f"Guterres said the talks on humanitarian corridors went on, point {n}.\n" for n in range(20_000))
    )
    ingest: subprocess.Popen[bytes] | None = None
    try:
        worker.wait_ready()
        ingest = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "ingest", "--rate", "1000", str(article)],
            env={**os.environ, **env},
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        logged(worker, b'"lines_classified"')
        assert ingest.poll() is None, "ingest finished before the stop: the worker was not under load"
        assert_stops_on_sigterm(worker)
    finally:
        if ingest is not None:
            ingest.kill()
            ingest.wait()
        worker.stop()
