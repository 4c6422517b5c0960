"""What `serve` and the webhook sink count, for Prometheus to scrape (`NEWS_METRICS_PORT`): the lines and
items newsrooms sent over HTTP and the live streams open; webhook deliveries by subscriber and
outcome. Named as the worker's are (``worker.metrics``); docs/metrics.md lists them."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server


class ServeMetrics:
    def __init__(self, streams_open: Callable[[], int], registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.lines_published = Counter(
            "news_http_lines_published", "Lines sent over HTTP that Kafka acknowledged", registry=self.registry
        )
        self.items_published = Counter(
            "news_http_items_published",
            "News item versions sent over HTTP that Kafka acknowledged",
            registry=self.registry,
        )
        self.publish_failures = Counter(
            "news_http_publish_failures",
            "Requests answered 503 as Kafka did not take what they sent",
            registry=self.registry,
        )
        self.streams = Gauge("news_http_alert_streams_open", "Live alert streams open", registry=self.registry)
        self.streams.set_function(streams_open)

    def serve(self, port: int, host: str) -> None:
        start_http_server(port, host, registry=self.registry)


class WebhookMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.deliveries = Counter(
            "news_webhook_deliveries",
            "Alerts posted to a subscriber, by how it ended: delivered, or failed for good (dead-lettered)",
            ["webhook", "outcome"],
            registry=self.registry,
        )
        self.attempts = Counter(
            "news_webhook_attempts",
            "Requests made to a subscriber, retries included",
            ["webhook"],
            registry=self.registry,
        )

    def delivery(self, webhook: str, delivered: bool, attempts: int) -> None:
        self.deliveries.labels(webhook, "delivered" if delivered else "failed").inc()
        self.attempts.labels(webhook).inc(attempts)

    def serve(self, port: int, host: str) -> None:
        start_http_server(port, host, registry=self.registry)
