"""A limit on the processor time one piece of work may take, for work that must never hold up a stream.

Classifying a line is pure Python with no await in it, so nothing can stop it from outside but a
signal. While ``enforced`` is in force, a profiling timer interrupts the process every so often
(of processor time, not of the clock, so a busy machine does not count against a line); if the work
begun with ``spending`` has run past its budget, the interruption raises ``OverBudget`` inside it.

Signals reach only the main thread: elsewhere the budget is not enforced, and work runs to its end.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class OverBudget(Exception):
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
            # An interruption already on its way must not meet the default action, which ends the process.
            signal.signal(signal.SIGPROF, previous if callable(previous) else signal.SIG_IGN)

    @contextmanager
    def spending(self) -> Iterator[None]:
        self._started = time.process_time()
        try:
            yield
        finally:
            self._started = None

    def _look(self, signum: int, frame: FrameType | None) -> None:
        started = self._started
        if started is not None and time.process_time() - started > self.seconds:
            self._started = None  # raised once: the handler of OverBudget is not interrupted in turn
            raise OverBudget(self.seconds)
