"""The HTTP server against the real broker and a real worker: lines in, alerts out, the live page in Chromium."""

from __future__ import annotations

import json
import shutil
import threading
import uuid
from typing import Any

import httpx
import pytest

from pipeline.events import LineEvent
from pipeline.settings import Settings
from tests.integration.conftest import HttpServer, WorkerProcess
from tests.integration.kafka_helpers import read_json, run

pytestmark = pytest.mark.integration

LINES = [
    {"line_no": 1, "text": "Foreign Minister Dmytro Kuleba spoke to reporters in Kyiv on Tuesday."},
    {"line_no": 2, "text": "He said the strike on the railway station was a war crime."},
]


def post(server: HttpServer, article: str, body: Any, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token or server.token}"}
    return httpx.post(f"{server.url}/v1/articles/{article}/lines", json=body, headers=headers, timeout=30)


def test_lines_posted_are_acknowledged_published_and_classified(
    http_server: HttpServer, worker: WorkerProcess, pipeline_settings: Settings
) -> None:
    article = f"http-{uuid.uuid4().hex[:6]}"
    response = post(http_server, article, {"lines": LINES})
    assert response.status_code == 202, response.text
    assert response.json()["event_ids"] == [LineEvent.id_for(article, 1), LineEvent.id_for(article, 2)]
    # 202 came after Kafka's acknowledgement: the lines are there to read.
    published = run(
        read_json(
            pipeline_settings,
            pipeline_settings.topic_lines,
            until=2,
            timeout=10,
            where=lambda e: e["article_id"] == article,
        )
    )
    assert [e["event_id"] for e in published] == response.json()["event_ids"]
    alerts = run(
        read_json(
            pipeline_settings,
            pipeline_settings.topic_alerts,
            until=1,
            timeout=60,
            where=lambda a: a["article_id"] == article,
        )
    )
    assert [(a["kind"], a["speaker"]["name"], a["line_no"]) for a in alerts] == [("war_crimes", "Dmytro Kuleba", 2)]


def test_the_real_server_refuses_without_the_token_and_names_bad_fields(http_server: HttpServer) -> None:
    assert httpx.post(f"{http_server.url}/v1/articles/a/lines", json=LINES[0], timeout=10).status_code == 401
    assert post(http_server, "a", LINES[0], token="not-it").status_code == 403
    bad = post(http_server, "a", {"line_no": 1, "text": ""})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "text"


def _first_alert_event(url: str, found: list[dict[str, Any]], opened: threading.Event) -> None:
    with httpx.stream("GET", url, timeout=httpx.Timeout(90, connect=10)) as stream:
        opened.set()
        data = None
        for line in stream.iter_lines():
            if line.startswith("data: "):
                data = json.loads(line.removeprefix("data: "))
            elif line == "" and data is not None:
                found.append(data)
                return


def test_the_alert_stream_sends_each_new_alert_as_a_server_sent_event(
    http_server: HttpServer, worker: WorkerProcess
) -> None:
    article = f"sse-{uuid.uuid4().hex[:6]}"
    found: list[dict[str, Any]] = []
    opened = threading.Event()
    listener = threading.Thread(
        target=_first_alert_event, args=(f"{http_server.url}/v1/alerts/stream?article={article}", found, opened)
    )
    listener.start()
    assert opened.wait(10)
    assert post(http_server, article, {"lines": LINES}).status_code == 202
    listener.join(timeout=90)
    assert [(a["article_id"], a["kind"]) for a in found] == [(article, "war_crimes")]


def test_the_live_page_shows_an_alert_as_it_arrives_in_headless_chromium(
    http_server: HttpServer, worker: WorkerProcess
) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium is not None, "Debian's chromium is needed: scripts/bootstrap installs it"
    article = f"page-{uuid.uuid4().hex[:6]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            page = browser.new_page()
            page.goto(f"{http_server.url}/alerts?article={article}")
            page.wait_for_selector("#status:text('live')", timeout=15_000)
            assert post(http_server, article, {"lines": LINES}).status_code == 202
            row = page.wait_for_selector("#alerts tr", timeout=60_000)
            assert row is not None
            cells = [cell.text_content() for cell in row.query_selector_all("td")]
            assert cells[1:6] == ["critical", "war_crimes", "Dmytro Kuleba", f"{article} #2", LINES[1]["text"]]
            assert "war crime" in cells[6]
            assert page.locator("#alerts tr").count() == 1
        finally:
            browser.close()
