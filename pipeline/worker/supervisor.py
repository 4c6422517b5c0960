"""Keeping a worker running: start it, restart it when it dies, stop it when asked.

The worker exits on its own when it finds itself stuck (see watchdog), and may
crash; processing is idempotent, so starting it again is always safe. The
child dies with its supervisor (PR_SET_PDEATHSIG), so no orphan keeps a
partition after a SIGKILL of the parent. Told to stop, supervisor and child are
gone within ``STOP_TIMEOUT_S``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiokafka import TopicPartition

from pipeline.config.exit_status import ExitStatus
from pipeline.worker.watchdog import ProgressWatch, group_progress

__all__ = ["StallCheck", "supervise", "worker_command"]

log = structlog.get_logger("pipeline.worker.supervisor")
_PR_SET_PDEATHSIG = 1
_FINAL = frozenset({ExitStatus.OK, ExitStatus.BROKER_REFUSED, ExitStatus.CONFIGURATION_INVALID})
"""a clean end, and the ends a worker started again would come to again: a refusal, configuration that cannot be used"""


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


STOP_TIMEOUT_S = 10.0
"""How long a supervisor told to stop (SIGTERM or SIGINT) takes at most to be gone, its worker with it:
Docker's default grace between its SIGTERM and its SIGKILL (``docker stop``, ``docker compose stop``)."""
_KILL_MARGIN_S = 2.0
"""what the stop timeout keeps back from the worker's own stop: killing and reaping it, and exiting"""
_POLL_S = 0.05
"""how often a wait looks for a stop asked meanwhile: a signal handler can only leave a note"""
_CHILD_WAIT_S = 0.5
"""how long one wait for the child lasts: a stop asked meanwhile starts its countdown to the kill within it"""


def supervise(
    command: Sequence[str],
    stall: StallCheck | None = None,
    max_backoff_s: float = 30.0,
    stop_timeout_s: float = STOP_TIMEOUT_S,
) -> int:
    """Run ``command`` until it exits cleanly, or with a status it would exit with again, or the supervisor
    is told to stop; return its exit status. A child that dies otherwise is started again; one that stalls
    (``stall``) is killed and started again.

    Told to stop, the supervisor passes the signal on and returns within ``stop_timeout_s``: a child
    still running when only the kill margin is left is killed (the next worker processes again what it
    had not committed, as after any crash). No child is started once a stop has been asked for."""
    stop = _StopRequest()
    child: subprocess.Popen[bytes] | None = None

    def forward(signum: int, _frame: object) -> None:
        stop.ask(signum)
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        backoff, status = 1.0, 0
        while stop.signum is None:
            started = time.monotonic()
            child = subprocess.Popen(list(command), preexec_fn=die_with_parent)
            if stop.signum is not None:  # asked while Popen ran, when ``forward`` could not reach this child
                child.send_signal(stop.signum)
            status = _wait(child, stall, stop, kill_after_s=max(stop_timeout_s - _KILL_MARGIN_S, 0.0))
            if stop.signum is not None or status in _FINAL:
                return status
            ran_for = time.monotonic() - started
            backoff = 1.0 if ran_for > 60 else min(backoff * 2, max_backoff_s)
            log.warning("worker_exited", status=status, ran_for_s=round(ran_for, 1), restart_in_s=backoff)
            stop.wait(backoff)
        return status
    finally:
        for signum, handler in previous.items():
            if handler is not None:  # None: set outside Python, and not to be set back from it
                signal.signal(signum, handler)


class _StopRequest:
    """The signal that asked the supervisor to stop, and when. Set from a signal handler, so it is a
    plain note that takes no lock: a lock held by the code the signal interrupted would never be freed."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.asked_at = 0.0

    def ask(self, signum: int) -> None:
        if self.signum is None:
            self.signum, self.asked_at = signum, time.monotonic()

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or until a stop is asked for."""
        until = time.monotonic() + seconds
        while self.signum is None and (left := until - time.monotonic()) > 0:
            time.sleep(min(left, _POLL_S))


def _wait(child: subprocess.Popen[bytes], stall: StallCheck | None, stop: _StopRequest, kill_after_s: float) -> int:
    """The child's exit status once it has exited; or once it has been killed, for stalling or for
    still running ``kill_after_s`` after a stop was asked for."""
    watch = ProgressWatch(stall.stall_after_s) if stall is not None else None
    next_check = time.monotonic() + (stall.grace_s if stall is not None else 0.0)
    while stop.signum is None:
        try:
            return child.wait(timeout=_CHILD_WAIT_S)
        except subprocess.TimeoutExpired:
            pass
        if stall is None or watch is None or time.monotonic() < next_check:
            continue
        next_check = time.monotonic() + stall.every_s
        progress = _group_progress(stall, stop)
        if progress is not None and watch.stalled(time.monotonic(), *progress):
            committed, ends = progress
            log.error(
                "worker_stalled",
                stalled_for_s=stall.stall_after_s,
                waiting=sum(ends.values()) - sum(committed.values()),
            )
            child.kill()
            return child.wait()
    try:
        return child.wait(timeout=max(stop.asked_at + kill_after_s - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        log.error("worker_not_stopping", killed_after_s=kill_after_s)
        child.kill()
        return child.wait()


Offsets = dict[TopicPartition, int]


def _group_progress(stall: StallCheck, stop: _StopRequest) -> tuple[Offsets, Offsets] | None:
    """The group's committed offsets and its input's end offsets (see watchdog); None if the broker
    did not tell, or if a stop was asked for meanwhile: against a broker that is down the check can
    take ``stall.timeout_s``, longer than a stop may."""

    async def unless_stopped() -> tuple[Offsets, Offsets] | None:
        check = asyncio.ensure_future(
            asyncio.wait_for(group_progress(stall.options, stall.group_id, stall.topics), stall.timeout_s)
        )
        while not check.done():
            if stop.signum is not None:
                check.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await check
                return None
            await asyncio.wait({check}, timeout=_POLL_S)
        return check.result()

    try:
        return asyncio.run(unless_stopped())
    except (Exception, asyncio.CancelledError) as error:  # the broker may be down: not the worker's stall
        log.warning("progress_check_failed", error=repr(error))
        return None


def worker_command(loglevel: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "worker", "--no-supervise", "--loglevel", loglevel]
