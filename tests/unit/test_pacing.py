from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.broker.pacing import at_rate, at_speed, in_time_order
from pipeline.contracts.events import LineEvent

START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def line(article: str, n: int, seconds: float) -> LineEvent:
    return LineEvent(
        event_id=LineEvent.id_for(article, n),
        article_id=article,
        line_no=n,
        text=f"line {n}",
        ingested_at=START + timedelta(seconds=seconds),
    )


def test_the_original_pace_keeps_the_gaps_and_a_faster_speed_shrinks_them() -> None:
    lines = [line("a", 1, 0), line("a", 2, 10), line("a", 3, 70)]
    assert at_speed(lines, 1) == [0, 10, 70]
    assert at_speed(lines, 20) == pytest.approx([0, 0.5, 3.5])


def test_a_clock_that_goes_back_never_makes_the_schedule_run_backwards() -> None:
    assert at_speed([line("a", 1, 30), line("a", 2, 0), line("a", 3, 40)], 1) == [0, 0, 40]


def test_a_fixed_rate_spaces_lines_evenly() -> None:
    assert at_rate(3, 4) == [0, 0.25, 0.5]


def test_archives_merge_by_time_and_each_keeps_its_own_order() -> None:
    live_blog = [line("blog", 1, 0), line("blog", 2, 50), line("blog", 3, 40)]  # its clock went back
    wire = [line("wire", 1, 10), line("wire", 2, 45)]
    merged = [(e.article_id, e.line_no) for e in in_time_order([live_blog, wire])]
    assert merged == [("blog", 1), ("wire", 1), ("wire", 2), ("blog", 2), ("blog", 3)]


def test_nothing_to_pace() -> None:
    assert at_speed([], 1) == [] and in_time_order([]) == []
