"""What a worker counts, for Prometheus to scrape (`NEWS_METRICS_PORT`): lines classified, alerts by
kind, dead letters by reason, each batch's size and processing time, the time from a line's ingest
to its alert, and the consumer's lag per input partition. Names follow Prometheus' conventions (a
``news_`` prefix, base units, ``_total`` on counters); docs/metrics.md lists them (and those of
``web.metrics``).

Each process keeps its own registry, so that tests and tools building several apps in one process
count apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from pipeline.worker.delivery import Batch

__all__ = ["WorkerMetrics"]

BATCH_LINES_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 4_000)
SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class WorkerMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.lines_classified = Counter(
            "news_lines_classified", "Classified lines published, replayed ones included", registry=self.registry
        )
        self.lines_replayed = Counter(
            "news_lines_replayed", "Lines classified again from a checkpoint after a crash", registry=self.registry
        )
        self.alerts_raised = Counter(
            "news_alerts_raised", "Alerts published, by kind", ["kind"], registry=self.registry
        )
        self.dead_letters = Counter(
            "news_dead_letters", "Input written to the dead-letter topic, by reason", ["reason"], registry=self.registry
        )
        self.batch_lines = Histogram(
            "news_batch_lines", "Input messages in each batch", buckets=BATCH_LINES_BUCKETS, registry=self.registry
        )
        self.batch_seconds = Histogram(
            "news_batch_processing_seconds",
            "Time to decide a batch and hand its records to the producer",
            buckets=SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.line_to_alert_seconds = Histogram(
            "news_line_to_alert_seconds",
            "From a line's ingest to its alert being raised",
            buckets=SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.consumer_lag = Gauge(
            "news_consumer_lag_messages",
            "Messages of an input partition not yet committed by this worker's group",
            ["topic", "partition"],
            registry=self.registry,
        )

    def batch_done(self, messages: int, seconds: float, batch: Batch) -> None:
        """A classify batch of ``messages`` input messages, decided and handed over in ``seconds``."""
        self.batch_lines.observe(messages)
        self.batch_seconds.observe(seconds)
        self.lines_classified.inc(len(batch.classified))
        self.lines_replayed.inc(batch.replayed)
        # A line read again after a crash raises its alerts again, with their ids, long after it was
        # ingested: published again, but not a measure of how soon an alert follows its line.
        ingested = {
            line.line_event_id: line.ingested_at
            for line in batch.classified
            if line.line_event_id not in batch.replayed_lines
        }
        for alert in batch.alerts:
            self.alerts_raised.labels(alert.kind).inc()
            if (ingested_at := ingested.get(alert.line_event_id)) is not None:
                self.line_to_alert_seconds.observe(max(0.0, (alert.raised_at - ingested_at).total_seconds()))
        self.dead_lettered(failure.reason for failure, _ in batch.dead_letters)

    def dead_lettered(self, reasons: Iterable[str]) -> None:
        for reason in reasons:
            self.dead_letters.labels(reason).inc()

    def lag(self, lags: Mapping[tuple[str, int], int]) -> None:
        """The lag of each partition this worker reads now; partitions it no longer reads are dropped."""
        self.consumer_lag.clear()
        for (topic, partition), lag in lags.items():
            self.consumer_lag.labels(topic, str(partition)).set(lag)

    def serve(self, port: int, host: str) -> None:
        """Answer scrapes on ``host``:``port`` from a thread of its own."""
        start_http_server(port, host, registry=self.registry)
