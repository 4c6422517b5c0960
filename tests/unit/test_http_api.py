"""The HTTP API's contract: what it accepts, refuses and answers, with Kafka stood in for by a recorder
(the integration tests run it against the real broker)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.alert_feed import AlertFeed
from pipeline.events import ItemVersion, LineEvent
from pipeline.http_api import Unavailable, build_http_app
from pipeline.settings import Settings

pytestmark = pytest.mark.usefixtures("no_pipeline_env")
TOKEN = "t0ken-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
URL = "/v1/articles/cms-7/lines"


class Recorder:
    def __init__(self, failing: bool = False) -> None:
        self.published: list[LineEvent] = []
        self.items: list[ItemVersion] = []
        self.failing = failing

    async def publish(self, lines: Sequence[LineEvent]) -> None:
        if self.failing:
            raise Unavailable("broker down")
        self.published.extend(lines)

    async def publish_item(self, item: ItemVersion) -> None:
        if self.failing:
            raise Unavailable("broker down")
        self.items.append(item)


def client(recorder: Recorder | None = None, **settings: Any) -> tuple[TestClient, Recorder]:
    recorder = recorder or Recorder()
    app = build_http_app(Settings(http_token=TOKEN, **settings), recorder, AlertFeed())
    return TestClient(app), recorder


def test_one_line_is_published_and_answered_with_its_event_id() -> None:
    http, recorder = client()
    response = http.post(URL, json={"line_no": 1, "text": "The minister spoke."}, headers=AUTH)
    assert response.status_code == 202
    assert response.json() == {
        "article_id": "cms-7",
        "accepted": 1,
        "event_ids": [LineEvent.id_for("cms-7", 1)],
        "topic": "news.lines",
    }
    assert [(e.article_id, e.line_no, e.text, e.source) for e in recorder.published] == [
        ("cms-7", 1, "The minister spoke.", "http")
    ]


def test_a_batch_is_published_in_order() -> None:
    http, recorder = client()
    lines = [{"line_no": n, "text": f"Line {n}."} for n in (1, 2, 5)]
    assert http.post(URL, json={"lines": lines}, headers=AUTH).status_code == 202
    assert [e.line_no for e in recorder.published] == [1, 2, 5]


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Basic abc"}, 401), ({"Authorization": "Bearer wrong"}, 403)],
)
def test_without_the_token_nothing_is_published(headers: dict[str, str], status: int) -> None:
    http, recorder = client()
    response = http.post(URL, json={"line_no": 1, "text": "x"}, headers=headers)
    assert response.status_code == status and recorder.published == []
    assert TOKEN not in response.text
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"line_no": 0, "text": "x"}, "line_no", "greater than or equal to 1"),
        ({"line_no": 1, "text": "  "}, "text", "empty"),
        ({"line_no": 1, "text": "bell\u0007"}, "text", "control characters"),
        ({"line_no": 1}, "text", "Field required"),
        ({"line_no": 1, "text": "x", "speaker": "me"}, "speaker", "Extra inputs"),
        ({"lines": []}, "lines", "at least 1"),
        ({"lines": [{"line_no": 2, "text": "a"}, {"line_no": 2, "text": "b"}]}, "lines.1.line_no", "2 after 2"),
        ({"lines": [{"line_no": 1, "text": "x" * 70}]}, "lines.0.text", "at most 64"),
    ],
)
def test_a_bad_request_is_422_naming_the_field(body: dict[str, Any], field: str, words: str) -> None:
    http, recorder = client(max_text_bytes=64)
    response = http.post(URL, json=body, headers=AUTH)
    assert response.status_code == 422 and recorder.published == []
    problems = response.json()["detail"]
    assert any(p["field"] == field and words in p["message"] for p in problems), problems


def test_a_bad_article_id_is_422() -> None:
    http, _ = client()
    response = http.post("/v1/articles/%20padded%20/lines", json={"line_no": 1, "text": "x"}, headers=AUTH)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "path.article_id"


def test_too_many_lines_or_too_many_bytes_are_refused() -> None:
    http, recorder = client(http_max_lines=2, http_max_body_bytes=2_048)
    lines = [{"line_no": n, "text": "x"} for n in (1, 2, 3)]
    assert http.post(URL, json={"lines": lines}, headers=AUTH).status_code == 422
    big = http.post(URL, json={"line_no": 1, "text": "y" * 3_000}, headers=AUTH)
    assert big.status_code == 413 and "NEWS_HTTP_MAX_BODY_BYTES" in big.json()["error"]
    chunked = http.post(URL, content=iter([b'{"line_no": 1, "text": "', b"z" * 3_000, b'"}']), headers=AUTH)
    assert chunked.status_code == 413
    assert recorder.published == []


def test_kafka_not_taking_the_lines_is_503() -> None:
    http, _ = client(Recorder(failing=True))
    response = http.post(URL, json={"line_no": 1, "text": "x"}, headers=AUTH)
    assert response.status_code == 503 and "broker down" in response.json()["error"]


def test_the_server_will_not_run_without_a_token() -> None:
    with pytest.raises(ValueError, match="NEWS_HTTP_TOKEN"):
        build_http_app(Settings(), Recorder(), AlertFeed())


def test_the_openapi_description_documents_the_endpoint_and_its_answers() -> None:
    http, _ = client()
    spec = http.get("/openapi.json").json()
    post = spec["paths"]["/v1/articles/{article_id}/lines"]["post"]
    assert {"202", "401", "403", "413", "422", "503"} <= set(post["responses"])
    assert "/v1/alerts/stream" in spec["paths"] and "/alerts" in spec["paths"]


def test_the_alerts_page_and_stream_need_the_read_token_when_one_is_set() -> None:
    http, _ = client(http_read_token="reader")
    assert http.get("/alerts").status_code == 401
    assert http.get("/alerts?access_token=wrong").status_code == 403
    page = http.get("/alerts?access_token=reader")
    assert page.status_code == 200 and "EventSource" in page.text


def test_a_news_item_is_published_whole_for_the_worker_to_split() -> None:
    http, recorder = client()
    item = {"uri": "urn:newsroom:blog-3", "bodies": [{"contenttype": "text/html", "value": "<p>One.</p><p>Two.</p>"}]}
    response = http.post("/v1/items", json=item, headers=AUTH)
    assert response.status_code == 202, response.text
    assert response.json()["article_id"] == "urn:newsroom:blog-3" and response.json()["lines"] == 2
    assert [i.lines for i in recorder.items] == [("One.", "Two.")]
    refused = http.post("/v1/items", json={"uri": "u", "headline": "no body"}, headers=AUTH)
    assert refused.status_code == 422 and "no body" in refused.json()["detail"]
    assert http.post("/v1/items", json=item).status_code == 401
