"""The supervisor against the broker: a child that makes no progress while input waits is killed and
started again, and the child dies with a SIGKILLed supervisor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from pipeline.topics_admin import ensure_topics
from tests.conftest import REPO
from tests.integration.conftest import settings_for
from tests.integration.kafka_helpers import produce_raw, run

pytestmark = pytest.mark.integration

# A "worker" that never commits anything: the supervisor must see it as stuck.
SUPERVISED = """
import sys
from pipeline.kafka_options import aiokafka_options
from pipeline.settings import Settings
from pipeline.supervisor import StallCheck, supervise
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
