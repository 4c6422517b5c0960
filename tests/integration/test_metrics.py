"""Metrics scraped while the processes run agree with what was sent to them: a worker's lines
classified, alerts by kind, dead letters by reason, batch sizes, line-to-alert times and consumer
lag; serve's lines and items taken over HTTP and its live streams."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.conftest import SEED_ALERTS, SEED_ARTICLE
from tests.integration.conftest import (
    HTTP_TOKEN,
    free_port,
    isolated_env,
    run_cli,
    serving,
    settings_for,
    start_worker,
)
from tests.integration.kafka_helpers import produce_raw, read_json, run
from tests.integration.scrapes import scrape, value

pytestmark = pytest.mark.integration


def test_a_workers_metrics_count_what_it_was_sent(kafka_broker: str, tmp_path: Path) -> None:
    env = {**isolated_env(kafka_broker), "NEWS_METRICS_PORT": str(free_port()), "NEWS_COMMIT_INTERVAL_S": "1"}
    settings = settings_for(env)
    url = f"http://127.0.0.1:{env['NEWS_METRICS_PORT']}/metrics"
    expected_alerts = Counter(json.loads(line)["kind"] for line in SEED_ALERTS.read_text().splitlines() if line)
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        ingested = run_cli(env, "ingest", str(SEED_ARTICLE))
        assert ingested.returncode == 0, ingested.stderr[-2000:]
        lines = int(ingested.stderr.decode().split("published ")[1].split()[0])
        run(
            produce_raw(
                settings,
                settings.topic_lines,
                [(b"broken", b'{"article_id": "broken", "line_no": 1, "text": '), (b"broken", b'{"text": 7}')],
            )
        )
        run(read_json(settings, settings.topic_alerts, until=sum(expected_alerts.values()), timeout=90))
        run(read_json(settings, settings.topic_dlq, until=2, timeout=60))

        deadline = time.monotonic() + 30
        while True:  # the lag is measured every few seconds, once the commit is made
            samples = scrape(url)
            lags = {labels: v for (name, labels), v in samples.items() if name == "news_consumer_lag_messages"}
            if (lags and not any(lags.values())) or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        worker.stop()

    assert value(samples, "news_lines_classified_total") == lines
    assert value(samples, "news_lines_replayed_total") == 0
    raised = {kind: value(samples, "news_alerts_raised_total", kind=kind) for kind in expected_alerts}
    assert raised == {kind: float(count) for kind, count in expected_alerts.items()}
    assert value(samples, "news_dead_letters_total", reason="invalid_json") == 1
    assert value(samples, "news_dead_letters_total", reason="invalid_event") == 1
    assert value(samples, "news_batch_lines_sum") == lines + 2
    assert value(samples, "news_batch_processing_seconds_count") == value(samples, "news_batch_lines_count") > 0
    assert value(samples, "news_line_to_alert_seconds_count") == sum(expected_alerts.values())
    inputs = (settings.topic_lines, settings.topic_items)
    read = {(("partition", str(p)), ("topic", topic)): 0.0 for topic in inputs for p in range(settings.partitions)}
    assert lags == read, lags  # every input partition, all of it committed


def test_serves_metrics_count_the_lines_and_items_sent_over_http_and_the_streams_open(
    kafka_broker: str, tmp_path: Path
) -> None:
    env = {**isolated_env(kafka_broker), "NEWS_METRICS_PORT": str(free_port()), "NEWS_HTTP_TOKEN": HTTP_TOKEN}
    url = f"http://127.0.0.1:{env['NEWS_METRICS_PORT']}/metrics"
    with serving(env, tmp_path / "serve.log") as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        lines = {"lines": [{"line_no": n, "text": f"Line {n} of the briefing."} for n in (1, 2, 3)]}
        assert httpx.post(f"{server.url}/v1/articles/metrics-a/lines", json=lines, headers=headers).status_code == 202
        item = {"uri": "urn:newsroom:metrics", "headline": "Talks", "body_text": "Envoys met.\nTalks go on."}
        assert httpx.post(f"{server.url}/v1/items", json=item, headers=headers).status_code == 202
        with httpx.stream("GET", f"{server.url}/v1/alerts/stream", timeout=10) as stream:
            assert stream.status_code == 200
            open_while_streaming = value(scrape(url), "news_http_alert_streams_open")
        samples = scrape(url)

    assert value(samples, "news_http_lines_published_total") == 3
    assert value(samples, "news_http_items_published_total") == 1
    assert value(samples, "news_http_publish_failures_total") == 0
    assert open_while_streaming == 1
