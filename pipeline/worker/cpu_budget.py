"""A limit on the processor time one piece of work may take, for work that must never hold up a stream.

Classifying a line is pure Python with no await in it, so nothing can stop it from outside but a
signal. While ``enforced`` is in force, a profiling timer interrupts the process every so often
(of processor time, not of the clock, so a busy machine does not count against a line); if the work
begun with ``spending`` has used more than its budget of the thread's processor time, the
interruption raises ``OverBudget`` inside it. ``OverBudget`` is not an ``Exception``: a rule's own
``except Exception`` must not take the interruption for a failure of its own and carry on.

Signals reach only the main thread: elsewhere the budget is not enforced, and work runs to its end.
Once a budget has been enforced, the profiling signal is ignored rather than left to its default
action, which ends the process: an interruption already on its way when the timer is disarmed
must find nothing to do.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["CpuBudget"]


class OverBudget(BaseException):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"took more than {seconds:g} s of processor time")
        self.seconds = seconds


class CpuBudget:
    def __init__(self, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError(f"a budget of {seconds} s")
        self.seconds = seconds
        # How often the timer looks: a tenth of the budget, so work stops within 10% of it.
        self._every = min(seconds / 10, 0.5)
        self._started: float | None = None

    @contextmanager
    def enforced(self) -> Iterator[None]:
        """While in force, work begun with ``spending`` is interrupted once over its budget."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGPROF, self._look)
        signal.setitimer(signal.ITIMER_PROF, self._every, self._every)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous if callable(previous) else signal.SIG_IGN)

    @contextmanager
    def spending(self) -> Iterator[None]:
        self._started = time.thread_time()
        try:
            yield
        finally:
            self._started = None

    def _look(self, signum: int, frame: FrameType | None) -> None:
        # Raised again at every look while the work goes on: one swallowed (in a finaliser, say)
        # must not leave the rest of the work unbounded. Work that has ended has cleared _started.
        started = self._started
        if started is not None and time.thread_time() - started > self.seconds:
            raise OverBudget(self.seconds)
