"""The webhook sink against the real broker and worker, posting to receivers this test runs."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pipeline.settings import Settings
from tests.conftest import REPO
from tests.integration.conftest import WorkerProcess, run_cli
from tests.integration.kafka_helpers import read_json, run

pytestmark = pytest.mark.integration


class Receiver:
    """An HTTP server that records each request and answers with ``status``."""

    def __init__(self, status: int) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


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
            source = tmp_path / "story.jsonl"
            source.write_text(
                json.dumps(
                    {"article_id": article, "line_no": 1, "text": "Foreign Minister Dmytro Kuleba visited Bucha."}
                )
                + "\n"
                + json.dumps({"article_id": article, "line_no": 2, "text": "He said the killings were war crimes."})
                + "\n"
            )
            assert run_cli(pipeline_env, "ingest", str(source)).returncode == 0
            wait_for(lambda: good.requests and len(failing.requests) >= 3, 90, f"no posts; see {log}")
            letters = run(
                read_json(
                    pipeline_settings,
                    pipeline_settings.topic_dlq,
                    until=1,
                    timeout=30,
                    where=lambda d: d["key"] == article,
                )
            )
        finally:
            sink.terminate()
            sink.wait(timeout=30)

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
