"""Keeping a worker running: start it, restart it when it dies, stop it when asked.

The worker exits on its own when it finds itself stuck (see watchdog), and may
crash; processing is idempotent, so starting it again is always safe. The
child dies with its supervisor (PR_SET_PDEATHSIG), so no orphan keeps a
partition after a SIGKILL of the parent.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from pipeline.broker_access import REFUSED_EXIT_STATUS
from pipeline.watchdog import ProgressWatch, group_progress

log = structlog.get_logger("pipeline.supervisor")
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """For ``preexec_fn``: the process gets SIGKILL when the one that started it dies."""
    with contextlib.suppress(OSError):  # not Linux: the child may outlive a killed supervisor
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass(frozen=True)
class StallCheck:
    """How to tell that the supervised worker is stuck (see watchdog)."""

    options: dict[str, Any] = field(repr=False)  # Kafka's options hold the SASL password in the clear
    group_id: str
    topics: list[str]
    stall_after_s: float
    every_s: float = 15.0
    timeout_s: float = 30.0
    grace_s: float = 90.0
    """how long a (re)started worker has before it is judged: joining its group waits up to Faust's
    60-second session timeout for a killed predecessor to leave it, and killing it meanwhile for
    not committing would leave one more dead member to wait for, worker after worker"""


def supervise(command: Sequence[str], stall: StallCheck | None = None, max_backoff_s: float = 30.0) -> int:
    """Run ``command`` until it exits cleanly or the supervisor is told to stop; return its exit status.
    A child that dies is started again; one that stalls (``stall``) is killed and started again."""
    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    backoff = 1.0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(list(command), preexec_fn=die_with_parent)
        status = _wait(child, stall, lambda: stopping)
        if stopping or status in (0, REFUSED_EXIT_STATUS):  # refused: starting again would not change it
            return status
        ran_for = time.monotonic() - started
        backoff = 1.0 if ran_for > 60 else min(backoff * 2, max_backoff_s)
        log.warning("worker_exited", status=status, ran_for_s=round(ran_for, 1), restart_in_s=backoff)
        time.sleep(backoff)


def _wait(child: subprocess.Popen[bytes], stall: StallCheck | None, stopping: Callable[[], bool]) -> int:
    if stall is None:
        return child.wait()
    watch = ProgressWatch(stall.stall_after_s)
    started = time.monotonic()
    while True:
        try:
            return child.wait(timeout=stall.every_s)
        except subprocess.TimeoutExpired:
            pass
        if stopping() or time.monotonic() - started < stall.grace_s:
            continue
        try:
            committed, ends = asyncio.run(
                asyncio.wait_for(group_progress(stall.options, stall.group_id, stall.topics), stall.timeout_s)
            )
        except (Exception, asyncio.CancelledError) as error:  # the broker may be down: not the worker's stall
            log.warning("progress_check_failed", error=repr(error))
            continue
        if watch.stalled(time.monotonic(), committed, ends):
            log.error(
                "worker_stalled",
                stalled_for_s=stall.stall_after_s,
                waiting=sum(ends.values()) - sum(committed.values()),
            )
            child.kill()
            return child.wait()


def worker_command(loglevel: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "worker", "--no-supervise", "--loglevel", loglevel]
