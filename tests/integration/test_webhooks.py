"""The webhook sink against the real broker and worker, posting to receivers this test runs."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
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

from pipeline.events import Alert
from pipeline.settings import Settings
from tests.conftest import REPO
from tests.integration.conftest import WorkerProcess, isolated_env, run_cli, settings_for
from tests.integration.kafka_helpers import produce_raw, read_json, read_to_end, run

pytestmark = pytest.mark.integration


class Receiver:
    """An HTTP server that records each request and answers with ``status``."""

    def __init__(self, status: int) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
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
def running_sink(config: Path, env: dict[str, str], log: Path) -> Iterator[None]:
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
            yield
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
