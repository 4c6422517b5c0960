"""A worker's counts from its batches: alerts by kind, dead letters by reason, and the time from a
line to its alert, which a line read again after a crash does not count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from pipeline.contracts.decoding import Failure
from pipeline.worker.metrics import WorkerMetrics

AT = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def sample(metrics: WorkerMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def test_a_batch_is_counted_and_a_replayed_lines_alert_is_not_timed() -> None:
    fresh = SimpleNamespace(line_event_id="l2", ingested_at=AT)
    again = SimpleNamespace(line_event_id="l1", ingested_at=AT - timedelta(minutes=5))
    batch: Any = SimpleNamespace(
        classified=[again, fresh],
        replayed=1,
        replayed_lines={"l1"},
        alerts=[
            SimpleNamespace(kind="war_crimes", line_event_id="l1", raised_at=AT + timedelta(seconds=1)),
            SimpleNamespace(kind="war_crimes", line_event_id="l2", raised_at=AT + timedelta(milliseconds=30)),
        ],
        dead_letters=[(Failure("empty_text", "blank"), None)],
    )
    metrics = WorkerMetrics()
    metrics.batch_done(3, 0.02, batch)
    assert sample(metrics, "news_lines_classified_total") == 2
    assert sample(metrics, "news_lines_replayed_total") == 1
    assert sample(metrics, "news_alerts_raised_total", kind="war_crimes") == 2
    assert sample(metrics, "news_dead_letters_total", reason="empty_text") == 1
    assert sample(metrics, "news_line_to_alert_seconds_count") == 1
    assert sample(metrics, "news_line_to_alert_seconds_sum") == 0.03
    assert sample(metrics, "news_batch_lines_sum") == 3
