"""The webhook sink against the real broker and worker, posting to receivers this test runs."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from pipeline.config.settings import Settings
from pipeline.contracts.events import Alert
from pipeline.web.webhooks import EVENT_ID_HEADER
from tests.conftest import REPO
from tests.integration.conftest import WorkerProcess, free_port, isolated_env, run_cli, settings_for
from tests.integration.kafka_helpers import produce_raw, read_json, read_to_end, run
from tests.integration.scrapes import scrape, value

pytestmark = pytest.mark.integration


class Receiver:
    """An HTTP server that records each request and answers with ``status``."""

    def __init__(self, status: int) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.paths: list[str] = []
        self.first_arrival: dict[str, float] = {}
        """``time.monotonic()`` as the first request of each event id had come whole"""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.first_arrival.setdefault(self.headers[EVENT_ID_HEADER], time.monotonic())
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.paths.append(self.path)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class SilentReceiver:
    """A TCP server that takes each connection and what is sent on it, and never answers: a subscriber
    that hangs, so the sink's requests to it time out (a closed port would refuse them at once)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[tuple[socket.socket, bytearray]] = []
        threading.Thread(target=self._take_connections, daemon=True).start()

    def request_lines(self) -> list[str]:
        return [bytes(sent).split(b"\r\n", 1)[0].decode("latin-1") for _, sent in self.connections]

    def close(self) -> None:
        self.listener.close()
        for connection, _ in self.connections:
            connection.close()

    def _take_connections(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            sent = bytearray()
            self.connections.append((connection, sent))
            threading.Thread(target=self._keep_reading, args=(connection, sent), daemon=True).start()

    @staticmethod
    def _keep_reading(connection: socket.socket, sent: bytearray) -> None:
        try:
            while chunk := connection.recv(65536):
                sent += chunk
        except OSError:
            return


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    good, failing = Receiver(204), Receiver(500)
    yield good, failing
    good.server.shutdown()
    failing.server.shutdown()


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)


@contextlib.contextmanager
def running_sink(config: Path, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The webhook sink on ``config``, logging to ``log``, ready to post, and stopped after."""
    with log.open("wb") as out:
        sink = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "webhooks", "--config", str(config)],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=out,
        )
        try:
            wait_for(lambda: b"webhooks_ready" in log.read_bytes(), 60, f"sink not ready; see {log}")
            yield sink
        finally:
            sink.terminate()
            sink.wait(timeout=30)


def test_alerts_are_posted_signed_and_a_failing_receiver_leaves_dead_letters(
    worker: WorkerProcess,
    pipeline_env: dict[str, str],
    pipeline_settings: Settings,
    receivers: tuple[Receiver, Receiver],
    tmp_path: Path,
) -> None:
    good, failing = receivers
    article = f"hook-{uuid.uuid4().hex[:6]}"
    config = tmp_path / "webhooks.yaml"
    config.write_text(
        f"webhooks:\n"
        f"  - {{name: desk, url: '{good.url}', secret_env: DESK_SECRET, articles: ['{article}']}}\n"
        f"  - {{name: broken, url: '{failing.url}', secret_env: BROKEN_SECRET,"
        f" kinds: [war_crimes], articles: ['{article}']}}\n"
    )
    env = {
        **os.environ,
        **pipeline_env,
        "DESK_SECRET": "desk-secret-1",
        "BROKEN_SECRET": "broken-secret-2",
        "NEWS_WEBHOOK_ATTEMPTS": "3",
        "NEWS_WEBHOOK_BACKOFF_S": "0.1",
    }
    log = tmp_path / "webhooks.log"
    with running_sink(config, env, log):
        source = tmp_path / "story.jsonl"
        source.write_text(
            json.dumps({"article_id": article, "line_no": 1, "text": "Foreign Minister Dmytro Kuleba visited Bucha."})
            + "\n"
            + json.dumps({"article_id": article, "line_no": 2, "text": "He said the killings were war crimes."})
            + "\n"
        )
        assert run_cli(pipeline_env, "ingest", str(source)).returncode == 0
        wait_for(lambda: good.requests and len(failing.requests) >= 3, 90, f"no posts; see {log}")
        run(
            read_json(
                pipeline_settings,
                pipeline_settings.topic_dlq,
                until=1,
                timeout=60,
                where=lambda d: d["key"] == article,
            )
        )
    # All the sink wrote, now that it has stopped (the worker writes no dead letter of these valid lines).
    letters = run(read_to_end(pipeline_settings, pipeline_settings.topic_dlq, where=lambda d: d["key"] == article))

    [(headers, body)] = good.requests
    alert = json.loads(body)
    assert (alert["article_id"], alert["kind"]) == (article, "war_crimes")
    signed = f"{headers['x-news-timestamp']}.".encode() + body
    assert headers["x-news-signature"] == "sha256=" + hmac.new(b"desk-secret-1", signed, hashlib.sha256).hexdigest()
    assert headers["x-news-event-id"] == alert["event_id"]
    assert len(failing.requests) == 3  # the attempts allowed, then the dead letter
    [letter] = [d for d in letters if d["reason"] == "webhook_failed"]
    assert "webhook broken" in letter["detail"] and "HTTP 500 after 3 attempt(s)" in letter["detail"]
    assert json.loads(letter["payload_text"])["event_id"] == alert["event_id"]
    assert b"desk-secret-1" not in log.read_bytes() and b"broken-secret-2" not in log.read_bytes()


def test_no_secret_a_subscriber_was_given_reaches_the_logs_or_the_dead_letters(
    kafka_broker: str, tmp_path: Path
) -> None:
    """A real sink, logging everything it can (DEBUG), posting to a receiver that fails and to one that
    takes the request and never answers, each URL holding a user, a password, a secret path and a query token."""
    env = isolated_env(kafka_broker)
    settings = settings_for(env)
    run_id = uuid.uuid4().hex[:8]
    secrets = {
        "user": f"hook-user-{run_id}",
        "password": f"p@ss:w/rd-{run_id}",
        "path token": f"path-token-{run_id}",
        "query token": f"query-token-{run_id}",
        "second query token": f"other-token-{run_id}",
        "signing secret": f"signing-secret-{run_id}",
        "unanswered signing secret": f"silent-secret-{run_id}",
    }
    failing, silent = Receiver(500), SilentReceiver()
    silent_port = silent.port
    failing_url = (
        f"http://{secrets['user']}:{quote(secrets['password'], safe='')}@127.0.0.1:{failing.port}"
        f"/hooks/{secrets['path token']}?token={secrets['query token']}&lang=en"
    )
    silent_url = (
        f"http://{secrets['user']}:{quote(secrets['password'], safe='')}@127.0.0.1:{silent_port}"
        f"/hooks/{secrets['path token']}?key={secrets['second query token']}"
    )
    config = tmp_path / "webhooks.yaml"
    config.write_text(
        "webhooks:\n"
        f"  - {{name: broken, url: '{failing_url}', secret_env: BROKEN_SECRET}}\n"
        f"  - {{name: silent, url: '{silent_url}', secret_env: SILENT_SECRET}}\n"
    )
    sink_env = {
        **os.environ,
        **env,
        "BROKEN_SECRET": secrets["signing secret"],
        "SILENT_SECRET": secrets["unanswered signing secret"],
        "NEWS_LOG_LEVEL": "DEBUG",
        "NEWS_WEBHOOK_ATTEMPTS": "2",
        "NEWS_WEBHOOK_BACKOFF_S": "0.1",
        "NEWS_WEBHOOK_TIMEOUT_S": "2",
    }
    article = f"secret-{run_id}"
    alert = Alert(
        event_id=Alert.id_for(article, "war_crimes", "x"),
        kind="war_crimes",
        severity="critical",
        article_id=article,
        line_no=1,
        line_event_id="line",
        speaker=None,
        text="He said the killings were war crimes.",
        evidence=("war crimes",),
        raised_at=datetime.now(UTC),
    )
    log = tmp_path / "webhooks.log"
    try:
        with running_sink(config, sink_env, log):
            published = [(article.encode(), alert.model_dump_json().encode())]
            run(produce_raw(settings, settings.topic_alerts, published))
            run(read_json(settings, settings.topic_dlq, until=2, timeout=60, where=lambda d: d["key"] == article))
        # All the sink wrote, now that it has stopped: nothing else writes to this pipeline's topics.
        letters = run(read_to_end(settings, settings.topic_dlq, where=lambda d: d["key"] == article))
    finally:
        failing.server.shutdown()
        silent.close()

    # the secrets were really used: each receiver was asked at its secret path, twice
    assert failing.paths == [f"/hooks/{secrets['path token']}?token={secrets['query token']}&lang=en"] * 2
    silent_target = f"/hooks/{secrets['path token']}?key={secrets['second query token']}"
    assert silent.request_lines() == [f"POST {silent_target} HTTP/1.1"] * 2
    broken, unanswered = sorted(letter["detail"] for letter in letters)
    assert broken == f"webhook broken (127.0.0.1:{failing.port}): HTTP 500 after 2 attempt(s)"
    # The silent receiver's requests timed out: that error's words are scanned below with the rest.
    assert unanswered.startswith(f"webhook silent (127.0.0.1:{silent_port}): ReadTimeout"), unanswered
    assert unanswered.endswith("after 2 attempt(s)"), unanswered
    logged = log.read_text(encoding="utf-8", errors="replace")
    assert "webhook_retry" in logged and "webhook_failed" in logged and '"level": "debug"' in logged
    spellings = {name: {value, quote(value, safe="")} for name, value in secrets.items()}
    spellings["URL"] = {failing_url, silent_url}
    shown = {"log": logged, **{f"dead letter {n}": json.dumps(letter) for n, letter in enumerate(letters)}}
    leaks = [
        f"{name} in {where}"
        for where, text in shown.items()
        for name, values in spellings.items()
        if any(value in text for value in values)
    ]
    assert leaks == []


def test_a_subscriber_answering_500_delays_no_other_and_each_gets_its_alerts_in_order(
    kafka_broker: str, tmp_path: Path
) -> None:
    """Alerts published one by one while one subscriber fails each with a retry cycle of seconds: the
    other has each within a second of its publishing, and the failing one's end as dead letters."""
    env = isolated_env(kafka_broker)
    settings = settings_for(env)
    healthy, failing = Receiver(200), Receiver(500)
    config = tmp_path / "webhooks.yaml"
    config.write_text(
        "webhooks:\n"
        f"  - {{name: desk, url: '{healthy.url}', secret_env: DESK_SECRET}}\n"
        f"  - {{name: broken, url: '{failing.url}', secret_env: BROKEN_SECRET}}\n"
    )
    sink_env = {
        **os.environ,
        **env,
        "DESK_SECRET": "desk-secret-5",
        "BROKEN_SECRET": "broken-secret-6",
        # tries at 0, 1 and 3 s: an alert is given up 3 s after the first try
        "NEWS_WEBHOOK_ATTEMPTS": "3",
        "NEWS_WEBHOOK_BACKOFF_S": "1.0",
        "NEWS_METRICS_PORT": str(free_port()),
    }
    run_id = uuid.uuid4().hex[:8]
    articles = [f"first-{run_id}", f"second-{run_id}"]
    alerts = [alert_on(articles[n % 2], line_no=n) for n in range(1, 7)]
    log = tmp_path / "webhooks.log"
    try:
        with running_sink(config, sink_env, log):
            sent = run(publish_one_by_one(settings, alerts, gap_s=0.4))
            letters = run(read_json(settings, settings.topic_dlq, until=len(alerts), timeout=60))
            # everything is finished, so the sink commits every alert read
            ends = run(alerts_read_to(settings))
            group = f"{settings.app_id}-webhooks"
            wait_for(lambda: run(alerts_committed(settings, group)) == ends, 10, f"offsets not committed; see {log}")
            samples = scrape(f"http://127.0.0.1:{sink_env['NEWS_METRICS_PORT']}/metrics")
    finally:
        healthy.server.shutdown()
        failing.server.shutdown()

    counted = {
        (webhook, outcome): value(samples, "news_webhook_deliveries_total", webhook=webhook, outcome=outcome)
        for webhook in ("desk", "broken")
        for outcome in ("delivered", "failed")
    }
    assert counted == {
        ("desk", "delivered"): 6,
        ("desk", "failed"): 0,
        ("broken", "delivered"): 0,
        ("broken", "failed"): 6,
    }
    assert value(samples, "news_webhook_attempts_total", webhook="desk") == 6
    assert value(samples, "news_webhook_attempts_total", webhook="broken") == 18

    delays = {
        alert.event_id: healthy.first_arrival.get(alert.event_id, math.inf) - at
        for alert, at in zip(alerts, sent, strict=True)
    }
    assert max(delays.values()) < 1.0, delays
    for article in articles:
        published = [alert.event_id for alert in alerts if alert.article_id == article]
        assert posted_of(healthy, article) == published
        assert posted_of(failing, article) == [event_id for event_id in published for _ in range(3)]
    assert {letter["reason"] for letter in letters} == {"webhook_failed"}
    assert {letter["detail"] for letter in letters} == {
        f"webhook broken (127.0.0.1:{failing.port}): HTTP 500 after 3 attempt(s)"
    }
    assert sorted(json.loads(letter["payload_text"])["event_id"] for letter in letters) == sorted(
        alert.event_id for alert in alerts
    )


def alert_on(article: str, line_no: int) -> Alert:
    return Alert(
        event_id=Alert.id_for(article, "war_crimes", str(line_no)),
        kind="war_crimes",
        severity="critical",
        article_id=article,
        line_no=line_no,
        line_event_id=f"line-{line_no}",
        speaker=None,
        text="He said the killings were war crimes.",
        evidence=("war crimes",),
        raised_at=datetime.now(UTC),
    )


def posted_of(receiver: Receiver, article: str) -> list[str]:
    """The ids of ``article``'s alerts in the order ``receiver`` was asked to take them, each try apart."""
    posted = [json.loads(body) for _, body in receiver.requests]
    return [alert["event_id"] for alert in posted if alert["article_id"] == article]


async def publish_one_by_one(settings: Settings, alerts: list[Alert], gap_s: float) -> list[float]:
    """``time.monotonic()`` as each alert was sent, ``gap_s`` after the last was acknowledged, keyed
    by its article as the worker keys them."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    await producer.start()
    sent = []
    try:
        for alert in alerts:
            await asyncio.sleep(gap_s)
            sent.append(time.monotonic())
            value, key = alert.model_dump_json().encode(), alert.article_id.encode()
            await producer.send_and_wait(settings.topic_alerts, value, key=key)
    finally:
        await producer.stop()
    return sent


async def alerts_read_to(settings: Settings) -> dict[int, int]:
    """The end of each partition of the alerts topic."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(
            [TopicPartition(settings.topic_alerts, p) for p in range(settings.partitions)]
        )
    finally:
        await consumer.stop()
    return {tp.partition: end for tp, end in ends.items()}


async def alerts_committed(settings: Settings, group: str) -> dict[int, int]:
    """Where ``group`` has committed each partition of the alerts topic: 0 where it never has."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    committed = {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == settings.topic_alerts}
    return {partition: committed.get(partition, 0) for partition in range(settings.partitions)}


def desk_subscribing(desk: Receiver, tmp_path: Path, env: dict[str, str], secret: str) -> tuple[Path, dict[str, str]]:
    """A webhooks file with the one subscriber ``desk``, and the sink's environment with its secret."""
    config = tmp_path / "webhooks.yaml"
    config.write_text(f"webhooks:\n  - {{name: desk, url: '{desk.url}', secret_env: DESK_SECRET}}\n")
    return config, {**os.environ, **env, "DESK_SECRET": secret}


def test_alerts_published_while_the_sink_was_stopped_are_posted_when_it_starts_again(
    kafka_broker: str, tmp_path: Path
) -> None:
    env = isolated_env(kafka_broker)
    settings = settings_for(env)
    desk = Receiver(200)
    config, sink_env = desk_subscribing(desk, tmp_path, env, "desk-secret-7")
    article = f"restart-{uuid.uuid4().hex[:8]}"
    first, *meanwhile = [alert_on(article, line_no=n) for n in range(1, 4)]
    group = f"{settings.app_id}-webhooks"
    try:
        with running_sink(config, sink_env, tmp_path / "first.log"):
            run(publish_one_by_one(settings, [first], gap_s=0))
            ends = run(alerts_read_to(settings))
            wait_for(lambda: run(alerts_committed(settings, group)) == ends, 10, "the first alert not committed")
        run(publish_one_by_one(settings, meanwhile, gap_s=0))
        with running_sink(config, sink_env, tmp_path / "second.log"):
            wait_for(lambda: len(desk.requests) >= 3, 10, "the alerts published meanwhile not posted")
    finally:
        desk.server.shutdown()
    assert posted_of(desk, article) == [alert.event_id for alert in (first, *meanwhile)]


def test_a_sink_stopped_with_sigterm_commits_what_it_posted_and_exits_at_once(
    kafka_broker: str, tmp_path: Path
) -> None:
    """As a container or a service manager stops it: what was posted is not posted again by the next sink."""
    env = isolated_env(kafka_broker)
    settings = settings_for(env)
    desk = Receiver(200)
    # No commit falls due while it runs: only the one it makes as it stops can move the group's offsets.
    config, sink_env = desk_subscribing(desk, tmp_path, {**env, "NEWS_COMMIT_INTERVAL_S": "600"}, "desk-secret-8")
    alerts = [alert_on(f"stop-{uuid.uuid4().hex[:8]}", line_no=n) for n in range(1, 4)]
    log = tmp_path / "webhooks.log"
    try:
        with running_sink(config, sink_env, log) as sink:
            run(publish_one_by_one(settings, alerts, gap_s=0))
            wait_for(lambda: len(desk.requests) >= 3, 20, "the alerts not posted")
            started = time.monotonic()
            sink.send_signal(signal.SIGTERM)
            status = sink.wait(timeout=30)
            stopped_in = time.monotonic() - started
    finally:
        desk.server.shutdown()
    assert status == 0, log.read_text()
    assert stopped_in < 10, stopped_in
    assert run(alerts_committed(settings, f"{settings.app_id}-webhooks")) == run(alerts_read_to(settings))
