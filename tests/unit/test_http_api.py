"""The HTTP API's contract: what it accepts, refuses and answers, with Kafka stood in for by a recorder
(the integration tests run it against the real broker)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx
import pytest
from fastapi import WebSocket, WebSocketDisconnect
from fastapi.testclient import TestClient

from pipeline.config.settings import Settings
from pipeline.console.visible import visible
from pipeline.contracts.events import ItemVersion, LineEvent
from pipeline.web import access as http_access
from pipeline.web.access import SESSION_COOKIE, SESSION_SECONDS, Access, refusal_to_serve
from pipeline.web.alert_feed import AlertFeed
from pipeline.web.api import Unavailable, build_http_app
from tests.sockets import closed_by_the_server

pytestmark = pytest.mark.usefixtures("no_pipeline_env")
TOKEN = "t0ken-for-tests-only"
READ_TOKEN = "reader-token-for-tests"
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


def test_a_body_that_is_not_json_is_422_saying_so_and_where() -> None:
    http, recorder = client()
    broken = b'{"line_no": 1, "text": "The minister spoke.",}'
    response = http.post(URL, content=broken, headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 422 and recorder.published == []
    [problem] = response.json()["detail"]
    assert problem["field"] == "body"
    assert problem["message"].startswith(f"not valid JSON at character {broken.index(b'}')}: ")


@pytest.mark.parametrize("key", ["colour\x1b[2J", "speaker\u202eevil", "\u202e\x1b]0;title\x07"])
def test_a_422_names_the_clients_own_key_escaped_never_raw(key: str) -> None:
    http, recorder = client()
    for body in ({"line_no": 1, "text": "x", key: "me"}, {"lines": [{"line_no": 1, "text": "x", key: "me"}]}):
        response = http.post(URL, json=body, headers=AUTH)
        assert response.status_code == 422 and recorder.published == []
        fields = [problem["field"] for problem in response.json()["detail"]]
        assert any(field.endswith(visible(key)) for field in fields), fields
        assert not any(char in response.content.decode() for char in "\x1b\u202e\x07")
        assert not any(char in field for field in fields for char in "\x1b\u202e\x07")


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


@pytest.mark.parametrize("path", ["/alerts", "/v1/alerts/stream", "/openapi.json", "/docs"])
def test_reading_needs_the_read_token_when_one_is_set_and_the_write_token_will_not_do(path: str) -> None:
    http, _ = client(http_read_token=READ_TOKEN)
    refused = http.get(path, headers={"Accept": "application/json"})
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert http.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 403
    assert http.get("/healthz").status_code == 200  # the health check stays open


def test_the_read_token_opens_the_page_and_the_description() -> None:
    http, _ = client(http_read_token=READ_TOKEN)
    reader = {"Authorization": f"Bearer {READ_TOKEN}"}
    page = http.get("/alerts", headers=reader)
    assert page.status_code == 200 and "EventSource" in page.text
    assert "/v1/items" in http.get("/openapi.json", headers=reader).json()["paths"]


def test_a_token_in_the_address_opens_nothing() -> None:
    http, _ = client(http_read_token=READ_TOKEN)
    for path in ("/alerts", "/v1/alerts/stream", "/openapi.json"):
        response = http.get(f"{path}?access_token={READ_TOKEN}", headers={"Accept": "application/json"})
        assert response.status_code == 401, path
    assert "access_token" not in http.get("/openapi.json", headers={"Authorization": f"Bearer {READ_TOKEN}"}).text


def test_on_loopback_without_a_read_token_reading_is_open() -> None:
    http, _ = client(http_host="127.0.0.1")
    assert http.get("/alerts").status_code == 200 and http.get("/openapi.json").status_code == 200


ALERT_INPUT = ("alert.speaker.name", "alert.article_id", "alert.text", "alert.evidence")
"""the fields of an alert the page shows that hold what the newsroom wrote"""


def test_the_live_page_sets_alert_text_as_text_never_as_markup() -> None:
    http, _ = client()
    page = http.get("/alerts").text
    script = page[page.index("<script>") : page.index("</script>")]
    markup_sinks = re.findall(r"\.\s*(?:inner|outer)HTML\b|insertAdjacentHTML|document\.write|DOMParser", script)
    assert markup_sinks == []
    isolated = re.search(r"function isolated\(text\) \{(?P<body>.*?)\n  \}", script, re.DOTALL)
    assert isolated is not None and ".textContent = text" in isolated["body"]


def test_the_live_page_shows_each_piece_of_input_in_its_own_bidirectional_isolate() -> None:
    http, _ = client()
    page = http.get("/alerts").text
    script = page[page.index("<script>") : page.index("</script>")]
    isolated = re.search(r"function isolated\(text\) \{(?P<body>.*?)\n  \}", script, re.DOTALL)
    assert isolated is not None
    assert 'createElement("bdi")' in isolated["body"] and 'dir = "auto"' in isolated["body"]
    assert re.search(r"bdi \{[^}]*unicode-bidi: isolate", page)
    for field in ALERT_INPUT:
        shown = re.findall(rf"{re.escape(field)}\b", script)
        shown_isolated = re.findall(rf"isolated\({re.escape(field)}\)|{re.escape(field)}\.map\(isolated\)", script)
        assert shown and len(shown_isolated) == len(shown), field


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


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({}, "set NEWS_HTTP_TOKEN"),
        ({"http_token": ""}, "NEWS_HTTP_TOKEN is empty"),
        ({"http_token": "   "}, "NEWS_HTTP_TOKEN is empty"),
        ({"http_token": "fifteen-chars.."}, "NEWS_HTTP_TOKEN has 15 characters: it needs at least 16"),
        # Fifteen spaces are no part of a secret, and a header's token arrives without them: it would never match.
        ({"http_token": " " * 15 + "a"}, "NEWS_HTTP_TOKEN begins or ends with whitespace"),
        ({"http_token": TOKEN + "\n"}, "NEWS_HTTP_TOKEN begins or ends with whitespace"),
        ({"http_token": TOKEN, "http_read_token": "\t" + READ_TOKEN}, "NEWS_HTTP_READ_TOKEN begins or ends with"),
        ({"http_token": TOKEN, "http_read_token": ""}, "NEWS_HTTP_READ_TOKEN is empty"),
        ({"http_token": TOKEN, "http_read_token": "short"}, "NEWS_HTTP_READ_TOKEN has 5 characters"),
        ({"http_token": TOKEN, "http_read_token": TOKEN}, "NEWS_HTTP_READ_TOKEN is NEWS_HTTP_TOKEN"),
        ({"http_token": TOKEN, "http_host": "0.0.0.0"}, "set NEWS_HTTP_READ_TOKEN: serve listens on 0.0.0.0"),
        ({"http_token": TOKEN, "http_host": "news.example"}, "set NEWS_HTTP_READ_TOKEN"),
    ],
)
def test_the_server_will_not_run_with_tokens_that_do_not_protect_it(settings: dict[str, str], words: str) -> None:
    assert words in (refusal_to_serve(Settings(**settings)) or "")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=words.split(":")[0]):
        build_http_app(Settings(**settings), Recorder(), AlertFeed())  # type: ignore[arg-type]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "localhost", "::1"])
def test_on_loopback_the_write_token_alone_will_do(host: str) -> None:
    assert refusal_to_serve(Settings(http_token=TOKEN, http_host=host)) is None


def test_a_token_with_spaces_inside_counts_them_and_is_accepted_whole() -> None:
    passphrase = "news desk reads alerts"
    http, _ = client(http_read_token=passphrase)
    assert http.get("/alerts", headers={"Authorization": f"Bearer {passphrase}"}).status_code == 200
    assert http.get("/alerts", headers={"Authorization": "Bearer news desk"}).status_code == 403


def test_beyond_loopback_both_tokens_will_do() -> None:
    assert refusal_to_serve(Settings(http_token=TOKEN, http_read_token=READ_TOKEN, http_host="0.0.0.0")) is None


def test_logging_in_trades_the_read_token_for_a_session_cookie_the_page_and_stream_accept() -> None:
    http, _ = client(http_read_token=READ_TOKEN)
    assert http.post("/v1/session", headers={"Authorization": "Bearer not-the-read-token"}).status_code == 403
    assert http.post("/v1/session").status_code == 401
    logged_in = http.post("/v1/session", headers={"Authorization": f"Bearer {READ_TOKEN}"})
    assert logged_in.status_code == 204
    cookie = logged_in.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and READ_TOKEN not in cookie
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {part.strip() for part in cookie.split(";")}
    assert "Secure" not in cookie  # on loopback, where the page is plain http://127.0.0.1
    assert http.get("/alerts").status_code == 200  # the client keeps the cookie, as a browser does
    with http.stream("GET", "/v1/alerts/stream") as stream:
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
    assert http.delete("/v1/session").status_code == 204
    assert http.get("/alerts", headers={"Accept": "application/json"}).status_code == 401


def _guarded_app(feed: AlertFeed) -> Any:
    settings = Settings(http_token=TOKEN, http_read_token=READ_TOKEN)
    return build_http_app(settings, Recorder(), feed, session_recheck_s=0.05)


def _asgi_client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def test_a_stream_opened_with_a_session_ends_when_the_session_does() -> None:
    app = _guarded_app(AlertFeed())
    ending_soon = Access(Settings(http_token=TOKEN, http_read_token=READ_TOKEN)).session_cookie(
        now=time.time() - SESSION_SECONDS + 2
    )

    async def scenario() -> httpx.Response:
        async with _asgi_client(app) as http:
            http.cookies.set(SESSION_COOKIE, ending_soon.split(";")[0].split("=", 1)[1])
            return await asyncio.wait_for(http.get("/v1/alerts/stream"), 30)  # a stream that lasted would never end

    ended = asyncio.run(scenario())
    assert ended.status_code == 200 and ended.text == ": alerts follow\n\n"


def test_logging_out_ends_the_session_its_open_stream_and_no_other() -> None:
    feed = AlertFeed()
    app = _guarded_app(feed)
    read = {"Authorization": f"Bearer {READ_TOKEN}"}

    async def scenario() -> None:
        async with _asgi_client(app) as leaving, _asgi_client(app) as staying, _asgi_client(app) as program:
            for editor in (leaving, staying):  # logged in within the same second, most likely
                assert (await editor.post("/v1/session", headers=read)).status_code == 204
            kept = leaving.cookies[SESSION_COOKIE]
            assert kept != staying.cookies[SESSION_COOKIE]
            streams = [asyncio.create_task(editor.get("/v1/alerts/stream")) for editor in (leaving, staying)]
            by_token = asyncio.create_task(program.get("/v1/alerts/stream", headers=read))
            await _until(lambda: feed.listening == 3)
            assert (await leaving.delete("/v1/session")).status_code == 204
            assert (await asyncio.wait_for(streams[0], 30)).status_code == 200  # ended, as the session did
            # The cookie, had a copy of it been kept, is refused; the other editor's session and stream go on.
            kept_copy = {"Cookie": f"{SESSION_COOKIE}={kept}", "Accept": "application/json"}
            assert (await program.get("/alerts", headers=kept_copy)).status_code == 401
            assert (await staying.get("/alerts")).status_code == 200
            await asyncio.sleep(0.5)  # ten times the session check's interval
            assert not streams[1].done() and not by_token.done()
            for stream in (streams[1], by_token):
                stream.cancel()

    asyncio.run(scenario())


def test_past_the_logged_out_sessions_it_remembers_the_server_ends_every_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http_access, "MAX_ENDED_SESSIONS", 2)
    access = Access(Settings(http_token=TOKEN, http_read_token=READ_TOKEN))

    def new_session() -> dict[bytes, bytes]:
        return {b"cookie": access.session_cookie().split(";")[0].encode()}

    def reading(sessions: list[dict[bytes, bytes]]) -> list[bool]:
        return [access.may_read(session) is None for session in sessions]

    sessions = [new_session() for _ in range(4)]
    for session in sessions[:2]:
        access.end_session(session)
    assert reading(sessions) == [False, False, True, True]
    # A third to remember is one too many: rather than forget one, the server ends them all.
    access.end_session(sessions[2])
    assert reading(sessions) == [False, False, False, False]
    assert reading([new_session()]) == [True]


def test_beyond_loopback_the_session_cookie_is_sent_over_tls_only() -> None:
    http, _ = client(http_read_token=READ_TOKEN, http_host="0.0.0.0")
    logged_in = http.post("/v1/session", headers={"Authorization": f"Bearer {READ_TOKEN}"})
    assert "Secure" in {part.strip() for part in logged_in.headers["set-cookie"].split(";")}


def test_a_forged_expired_or_other_servers_session_is_refused() -> None:
    http, _ = client(http_read_token=READ_TOKEN)
    other = Access(Settings(http_token=TOKEN, http_read_token="another-read-token-entirely"))
    mine = Access(Settings(http_token=TOKEN, http_read_token=READ_TOKEN))
    expired = mine.session_cookie(now=time.time() - SESSION_SECONDS - 1)
    sessions = {
        "forged": f"{int(time.time()) + 3600}.{'0' * 64}",
        "expired": expired.split(";")[0].split("=", 1)[1],
        "another server's": other.session_cookie().split(";")[0].split("=", 1)[1],
        "malformed": "not-a-session",
    }
    for name, value in sessions.items():
        http.cookies.set(SESSION_COOKIE, value)
        assert http.get("/alerts", headers={"Accept": "application/json"}).status_code == 401, name
    http.cookies.set(SESSION_COOKIE, mine.session_cookie().split(";")[0].split("=", 1)[1])
    assert http.get("/alerts").status_code == 200


def test_a_browser_without_a_session_is_sent_to_the_login_page_with_its_address() -> None:
    http, _ = client(http_read_token=READ_TOKEN)
    response = http.get("/alerts?kind=war_crimes", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Falerts%3Fkind%3Dwar_crimes"
    login = http.get(response.headers["location"])
    assert login.status_code == 200 and "/v1/session" in login.text and "Authorization" in login.text


def _asgi_request(app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, bool]:
    """The status of one request to the app, and whether the app asked for any of its body."""
    asked: list[bool] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        asked.append(True)
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"content-length", b"900000"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8080),
    }
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], bool(asked)


@pytest.mark.parametrize("path", [URL, "/v1/items"])
def test_a_request_without_a_valid_token_is_refused_before_any_of_its_body_is_read(path: str) -> None:
    app = build_http_app(Settings(http_token=TOKEN), Recorder(), AlertFeed())
    assert _asgi_request(app, "POST", path, []) == (401, False)
    assert _asgi_request(app, "POST", path, [(b"authorization", b"Bearer wrong")]) == (403, False)
    status, asked = _asgi_request(app, "POST", path, [(b"authorization", f"Bearer {TOKEN}".encode())])
    assert asked and status != 401 and status != 403  # with the token, the body is read


def test_an_items_html_over_its_cap_is_413_naming_the_setting() -> None:
    http, recorder = client(http_max_item_html_bytes=2_048)
    item = {"uri": "u", "body_html": "<p>" + "x" * 3_000 + "</p>"}
    response = http.post("/v1/items", json=item, headers=AUTH)
    assert response.status_code == 413 and "NEWS_HTTP_MAX_ITEM_HTML_BYTES" in response.json()["error"]
    assert "3007 bytes; at most 2048" in response.json()["error"] and recorder.items == []


def test_an_item_of_more_lines_than_its_cap_is_422_naming_the_setting() -> None:
    http, recorder = client(http_max_item_lines=3)
    item = {"uri": "u", "body_html": "".join(f"<p>Line {n}.</p>" for n in range(4))}
    response = http.post("/v1/items", json=item, headers=AUTH)
    assert response.status_code == 422 and recorder.items == []
    assert response.json()["detail"] == "the item has 4 lines; at most 3 (NEWS_HTTP_MAX_ITEM_LINES)"
    item["body_html"] = "".join(f"<p>Line {n}.</p>" for n in range(3))
    assert http.post("/v1/items", json=item, headers=AUTH).status_code == 202


def test_the_health_check_answers_while_a_large_item_is_split() -> None:
    # A body that splits into a quarter of a million lines takes the splitter about a second of CPU
    # time; it runs in a worker thread, so the event loop goes on answering meanwhile.
    app = build_http_app(
        Settings(http_token=TOKEN, http_max_body_bytes=4_194_304, http_max_item_html_bytes=2_097_152),
        Recorder(),
        AlertFeed(),
    )
    item = {"uri": "u", "body_html": "<p>x" * 250_000}

    async def scenario() -> tuple[int, list[float]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            posting = asyncio.create_task(http.post("/v1/items", json=item, headers=AUTH, timeout=60))
            waits: list[float] = []
            while not posting.done():
                started = time.perf_counter()
                assert (await http.get("/healthz")).status_code == 200
                waits.append(time.perf_counter() - started)
                await asyncio.sleep(0.02)
            return (await posting).status_code, waits

    status, waits = asyncio.run(scenario())
    assert status == 422  # more lines than NEWS_HTTP_MAX_ITEM_LINES, found once split
    assert len(waits) > 3 and max(waits) < 1.0, waits


def test_the_server_caps_no_connections_and_closes_idle_ones_after_the_setting() -> None:
    from pipeline.web.server import IdleClosingH11Protocol, server_config

    settings = Settings(http_token=TOKEN, http_idle_timeout_s=7)
    config = server_config(build_http_app(settings, Recorder(), AlertFeed()), settings)
    # A cap on connections is reached by idle ones for nothing: every request would get 503.
    assert config.limit_concurrency is None
    assert (config.http, config.timeout_keep_alive) == (IdleClosingH11Protocol, 7)


@contextlib.contextmanager
def _running(settings: Settings) -> Iterator[tuple[str, int]]:
    """The app under uvicorn as serve configures it, in a thread, on a free port of loopback."""
    import uvicorn

    from pipeline.web.server import server_config

    config = server_config(build_http_app(settings, Recorder(), AlertFeed()), settings)
    config.port = 0
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield "127.0.0.1", server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_a_connection_without_a_request_under_way_is_closed_and_a_live_stream_is_not() -> None:
    with _running(Settings(http_token=TOKEN, http_idle_timeout_s=1)) as address:
        silent, trickling, answered, streaming = (socket.create_connection(address, timeout=10) for _ in range(4))
        with silent, trickling, answered, streaming:
            trickling.sendall(b"GET /healthz HTTP/1.1\r\n")
            answered.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            assert answered.recv(4096).startswith(b"HTTP/1.1 200")
            streaming.sendall(b"GET /v1/alerts/stream HTTP/1.1\r\nHost: t\r\n\r\n")
            assert streaming.recv(4096).startswith(b"HTTP/1.1 200")
            # A header a byte at a time, never ending; nothing at all; nothing more after an answer.
            assert closed_by_the_server(trickling, within=30, trickle=b"X-Slow: " + b"x" * 1_000, every=0.2)
            assert closed_by_the_server(silent, within=30, every=0.2)
            assert closed_by_the_server(answered, within=30, every=0.2)
            # The stream's request is under way for as long as it is open: three times the timeout on, it is.
            assert not closed_by_the_server(streaming, within=3, every=0.2)


async def _until(condition: Callable[[], bool], within: float = 30) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        await asyncio.sleep(0.01)


def test_beyond_the_stream_limit_a_new_stream_gets_503_and_everything_else_is_answered() -> None:
    feed = AlertFeed()
    app = build_http_app(Settings(http_token=TOKEN, http_max_streams=2), Recorder(), feed)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as http:
            streams = [asyncio.create_task(http.get("/v1/alerts/stream")) for _ in range(2)]
            await _until(lambda: feed.listening == 2)
            refused = await asyncio.wait_for(http.get("/v1/alerts/stream"), 30)  # a stream would never end
            assert refused.status_code == 503 and "NEWS_HTTP_MAX_STREAMS" in refused.json()["error"]
            assert (await http.get("/healthz")).status_code == 200
            assert (await http.post(URL, json={"line_no": 1, "text": "Still taken."}, headers=AUTH)).status_code == 202
            # A stream that ends gives its place to the next.
            streams[0].cancel()
            await _until(lambda: feed.listening == 1)
            streams.append(asyncio.create_task(http.get("/v1/alerts/stream")))
            await _until(lambda: feed.listening == 2)
            for stream in streams:
                stream.cancel()

    asyncio.run(scenario())


def test_odd_bytes_in_a_token_or_a_cookie_are_refused_not_an_error() -> None:
    http, _ = client(http_read_token=READ_TOKEN)
    odd = ["\u00e9t\u00e9".encode("latin-1"), b"\xff\xfe", "²".encode()]
    for value in odd:
        assert http.get("/alerts", headers={"Authorization": b"Bearer " + value}).status_code == 403
        assert http.post(URL, headers={"Authorization": b"Bearer " + value}, json={}).status_code == 403
    for cookie in ["²³.abc", "9" * 5_000 + ".abc", f"{int(time.time()) + 99}.\u00e9", 'x="unclosed']:
        headers = {"Accept": "application/json", "Cookie": f"{SESSION_COOKIE}={cookie}".encode()}
        assert http.get("/alerts", headers=headers).status_code == 401, cookie


def test_a_token_that_is_not_ascii_works_as_its_utf8_bytes() -> None:
    http, _ = client(http_read_token="lecture-réservée-aux-éditeurs")
    assert (
        http.get("/alerts", headers={"Authorization": "Bearer lecture-réservée-aux-éditeurs".encode()}).status_code
        == 200
    )


@pytest.mark.parametrize("headers", [{}, AUTH, {"Authorization": f"Bearer {READ_TOKEN}"}])
def test_a_websocket_is_closed_before_any_route_sees_it_whatever_token_it_brings(headers: dict[str, str]) -> None:
    # There are no websocket routes: one added later must not be reached past the gate unchecked.
    app = build_http_app(Settings(http_token=TOKEN, http_read_token=READ_TOKEN), Recorder(), AlertFeed())
    reached: list[str] = []

    async def echo(socket: WebSocket) -> None:
        reached.append(socket.url.path)
        await socket.accept()
        await socket.send_text("open")

    app.add_api_websocket_route("/v1/socket", echo)
    with pytest.raises(WebSocketDisconnect) as closed, TestClient(app).websocket_connect("/v1/socket", headers=headers):
        pass
    assert closed.value.code == 1008 and reached == []


def test_the_server_takes_no_websocket_upgrade_itself() -> None:
    from pipeline.web.server import server_config

    settings = Settings(http_token=TOKEN)
    assert server_config(build_http_app(settings, Recorder(), AlertFeed()), settings).ws == "none"
