"""A piece of work over its processor-time budget is stopped inside it, and nothing else is."""

from __future__ import annotations

import contextlib
import signal
import threading
import time

import pytest

from pipeline.worker.cpu_budget import CpuBudget, OverBudget


def spin(seconds: float) -> float:
    """Processor time spent in Python until ``seconds`` of it have gone."""
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass
    return time.process_time() - started


def test_work_over_its_budget_is_stopped_inside_it() -> None:
    budget = CpuBudget(0.05)
    started = time.process_time()
    with budget.enforced(), pytest.raises(OverBudget, match=r"more than 0\.05 s"), budget.spending():
        spin(30)
    assert time.process_time() - started < 5


def test_work_within_its_budget_runs_to_its_end_however_long_the_whole_takes() -> None:
    budget = CpuBudget(0.08)
    with budget.enforced():
        for _ in range(4):  # 0.16 s in all, each piece well under its budget
            with budget.spending():
                spin(0.04)


def test_time_spent_outside_a_piece_of_work_counts_against_nothing() -> None:
    budget = CpuBudget(0.02)
    with budget.enforced():
        spin(0.1)
        with budget.spending():
            pass


def test_the_previous_handler_is_back_once_the_budget_is_no_longer_enforced() -> None:
    before = signal.getsignal(signal.SIGPROF)
    with CpuBudget(1).enforced():
        assert signal.getsignal(signal.SIGPROF) is not before
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) in (before, signal.SIG_IGN)


def test_outside_the_main_thread_work_runs_unlimited() -> None:
    budget = CpuBudget(0.01)
    outcome: list[object] = []

    def work() -> None:
        with budget.enforced(), budget.spending():
            outcome.append(spin(0.05))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert len(outcome) == 1


def test_a_budget_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CpuBudget(0)


def test_a_rule_that_catches_every_exception_does_not_swallow_the_interruption() -> None:
    budget = CpuBudget(0.05)
    # A rule's safety net, except Exception: the interruption is not one of its failures.
    with budget.enforced(), pytest.raises(OverBudget), budget.spending(), contextlib.suppress(Exception):
        spin(30)


def test_an_interruption_swallowed_once_comes_again() -> None:
    budget = CpuBudget(0.05)
    with budget.enforced(), pytest.raises(OverBudget), budget.spending():
        with contextlib.suppress(OverBudget):  # as a finaliser running at that moment would
            spin(30)
        spin(30)
