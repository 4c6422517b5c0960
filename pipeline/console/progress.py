"""A progress bar for long commands, on a terminal only: scripts and logs get the summary alone."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

__all__ = ["progress"]


@dataclass(frozen=True)
class Meter:
    total_known: Callable[[int], None]
    advanced: Callable[[int], None]


@contextmanager
def progress(description: str, total: int | None = None, *, enabled: bool | None = None) -> Iterator[Meter]:
    if not (sys.stderr.isatty() if enabled is None else enabled):
        yield Meter(lambda total: None, lambda count: None)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield Meter(lambda total: bar.update(task, total=total), lambda count: bar.advance(task, count))
