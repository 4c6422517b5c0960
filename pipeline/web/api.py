"""The HTTP server for newsroom systems: lines in (``POST /v1/articles/{id}/lines``), alerts out
(a live page and its server-sent events, and ``GET /v1/articles/{id}/lines``: an alert's article as
the pipeline classified it). Its OpenAPI description is served at ``/openapi.json``.
Who may do what is decided before a request's body is read (``pipeline.web.access``).

A request is answered 202 only once Kafka has acknowledged every line it carried, so a CMS that
gets 202 may forget the lines; any other answer means none of it is to be counted on, and the
same request may be sent again (the event ids are the same, and the worker drops repeats).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from typing import Annotated, Any, Protocol

import anyio
from fastapi import Body, FastAPI, Path, Query, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.config.settings import Settings
from pipeline.console.visible import visible
from pipeline.contracts.alert_filter import AlertFilter
from pipeline.contracts.events import ArticleId, ClassifiedLine, ItemVersion, LineEvent, LineNo, LineText, Severity
from pipeline.formats.ninjs import NinjsError, read_item
from pipeline.formats.sources import Rejected, item_version
from pipeline.web.access import SESSION_PATH, SESSION_RECHECK_SECONDS, Access, AccessGate
from pipeline.web.alert_feed import AlertFeed
from pipeline.web.article_lines import ArticleLines


class Unavailable(RuntimeError):
    """Kafka did not acknowledge the lines in time."""


class LinePublisher(Protocol):
    async def publish(self, lines: Sequence[LineEvent]) -> None:
        """Return once Kafka has acknowledged every line; raise ``Unavailable`` otherwise."""
        ...

    async def publish_item(self, item: ItemVersion) -> None:
        """Return once Kafka has acknowledged the item version; raise ``Unavailable`` otherwise."""
        ...


class SubmittedLine(BaseModel):
    """One line of an article, as a newsroom system sends it."""

    model_config = ConfigDict(extra="forbid")

    line_no: LineNo = Field(description="the line's number in the article, from 1; each line once, in order")
    text: LineText = Field(description="the line's text: UTF-8, no control characters")
    published_at: datetime | None = Field(default=None, description="when the newsroom published the line")


class LineBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[SubmittedLine] = Field(min_length=1, description="in order, line numbers increasing")


def _shape(value: Any) -> str:
    return "batch" if isinstance(value, dict) and "lines" in value else "line"


Submission = Annotated[
    Annotated[SubmittedLine, Tag("line")] | Annotated[LineBatch, Tag("batch")], Discriminator(_shape)
]
"""one line, or {"lines": [...]}: told apart by the "lines" key, so an error names the fields of the one meant"""


class Accepted(BaseModel):
    article_id: str
    accepted: int = Field(description="lines Kafka has acknowledged")
    event_ids: list[str] = Field(description="the line events' ids, in order: the same for the same article and line")
    topic: str


class ItemAccepted(BaseModel):
    article_id: str
    event_id: str = Field(description="the item version's id: the same for the same content")
    lines: int = Field(description="lines in this version; the worker publishes those it has not seen before")
    topic: str


class ArticleSeen(BaseModel):
    """An article's lines as the pipeline classified them, for the live page to show an alert in its place."""

    article_id: str
    lines: list[ClassifiedLine] = Field(description="the lines kept, in the article's order")
    lines_let_go: int = Field(description="earlier lines let go, beyond the most an article keeps")


class Problem(BaseModel):
    error: str
    detail: list[dict[str, Any]] | str | None = None


ARTICLE_ID = Path(description="the article's id: its lines' Kafka key")
STREAM_PATH = "/v1/alerts/stream"
ARTICLE_LINES_PATH = "/v1/articles/{article_id:path}/lines"
"""an article id may hold a slash: the path converter takes it whole"""
_UNSTORED = {"Cache-Control": "no-store"}


class _BodyLimit:
    """413 for a request body over the limit, counted as it arrives (a chunked body declares no
    length): the body is read here, at most the limit, and handed on whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.limit:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        handed = False

        async def replayed() -> Message:
            nonlocal handed
            if handed:
                return await receive()  # after the body: the disconnect, when it comes
            handed = True
            return whole

        await self.app(scope, replayed, send)

    async def _too_large(self, send: Send) -> None:
        body = json.dumps({"error": f"request body over {self.limit} bytes (NEWS_HTTP_MAX_BODY_BYTES)"}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _StreamLimit:
    """503 for a live stream beyond the limit: each holds a connection and a queue of alerts for as
    long as it is open, so their number is capped, and nothing else is (a request that is answered
    ends, and a connection that sends nothing is closed by the server)."""

    def __init__(self, app: ASGIApp, path: str, limit: int) -> None:
        self.app, self.path, self.limit = app, path, limit
        self.open = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        if self.open >= self.limit:
            await self._full(send)
            return
        self.open += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.open -= 1

    async def _full(self, send: Send) -> None:
        error = f"{self.limit} live streams are open, the most this server takes (NEWS_HTTP_MAX_STREAMS): try later"
        body = json.dumps({"error": error}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", b"30"),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _field(location: Sequence[Any]) -> str:
    """Where a problem is, as the client named it: a key of its own may hold any character, so it
    comes back escaped, never able to move a cursor or reorder the text around it where it is shown."""
    parts = list(location)
    if parts[:1] == ["body"]:
        parts = parts[2:] if parts[1:2] in (["line"], ["batch"]) else parts[1:]
    return visible(".".join(str(part) for part in parts) or "body")


def _problem(error: Mapping[str, Any]) -> dict[str, str]:
    """One problem of a request: the field and what is wrong with it. A body that is not JSON has no
    field; the location FastAPI gives it is the character where the JSON breaks."""
    if error.get("type") == "json_invalid":
        position = error["loc"][-1] if len(error["loc"]) > 1 else None
        reason = (error.get("ctx") or {}).get("error")
        where = f" at character {position}" if isinstance(position, int) else ""
        return {"field": "body", "message": visible(f"not valid JSON{where}" + (f": {reason}" if reason else ""))}
    return {"field": _field(error["loc"]), "message": visible(error["msg"])}


def _refusals(invalid: str, what: str, too_large: str = "NEWS_HTTP_MAX_BODY_BYTES") -> dict[int | str, dict[str, Any]]:
    """The answers other than 202 of an endpoint that publishes, for its OpenAPI description."""
    return {
        401: {"model": Problem, "description": "no bearer token (refused before the body is read)"},
        403: {"model": Problem, "description": "a token that is not the one configured"},
        413: {"model": Problem, "description": f"over {too_large}"},
        422: {"model": Problem, "description": invalid},
        503: {"model": Problem, "description": f"Kafka did not take the {what}; send the same request again"},
    }


_READING: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no read token (a browser is sent to /login instead)"},
    403: {"model": Problem, "description": "a token that is not NEWS_HTTP_READ_TOKEN"},
}

# The tokens are checked by AccessGate before the body is read; this only describes them in OpenAPI.
_BEARER = HTTPBearer(auto_error=False, description="NEWS_HTTP_TOKEN to publish; NEWS_HTTP_READ_TOKEN to read")

_PARSERS = 2
"""items split at once, each in a worker thread: the rest wait, and the event loop never does"""


def build_http_app(
    settings: Settings,
    publisher: LinePublisher,
    feed: AlertFeed,
    lifespan: Callable[[FastAPI], Any] | None = None,
    *,
    articles: ArticleLines | None = None,
    session_recheck_s: float = SESSION_RECHECK_SECONDS,
) -> FastAPI:
    articles = articles if articles is not None else ArticleLines(settings.http_articles_kept)
    access = Access(settings)  # ValueError, naming the setting, if the tokens will not do
    parsing = anyio.CapacityLimiter(_PARSERS)
    app = FastAPI(
        title="news-pipeline",
        version="1",
        summary="Lines of articles in; alerts out, live.",
        description=__doc__,
        lifespan=lifespan,
    )
    # The last added runs first: the gate refuses before the body limit reads any of the body, and
    # before a stream without the read token takes a place among the streams.
    app.add_middleware(_StreamLimit, path=STREAM_PATH, limit=settings.http_max_streams)
    app.add_middleware(_BodyLimit, limit=settings.http_max_body_bytes)
    app.add_middleware(AccessGate, access=access)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # A message may quote what the client sent (a custom validator's words): escaped like the field.
        problems = [_problem(e) for e in error.errors()]
        return JSONResponse({"error": "the request is not valid", "detail": problems}, status_code=422)

    @app.post(
        "/v1/articles/{article_id}/lines",
        status_code=202,
        response_model=Accepted,
        dependencies=[Security(_BEARER)],
        responses=_refusals("a field is wrong: which, and why", "lines"),
        summary="Publish one line, or a batch, of an article",
    )
    async def post_lines(article_id: Annotated[ArticleId, ARTICLE_ID], body: Submission) -> Accepted | JSONResponse:
        submitted = body.lines if isinstance(body, LineBatch) else [body]
        problems = _problems(submitted, settings)
        if problems:
            return JSONResponse({"error": "the request is not valid", "detail": problems}, status_code=422)
        now = datetime.now(UTC)
        lines = [
            LineEvent(
                event_id=LineEvent.id_for(article_id, line.line_no),
                article_id=article_id,
                line_no=line.line_no,
                text=line.text,
                source="http",
                published_at=line.published_at,
                ingested_at=now,
            )
            for line in submitted
        ]
        try:
            await publisher.publish(lines)
        except Unavailable as error:
            return JSONResponse({"error": f"Kafka did not take the lines: {error}"}, status_code=503)
        return Accepted(
            article_id=article_id,
            accepted=len(lines),
            event_ids=[line.event_id for line in lines],
            topic=settings.topic_lines,
        )

    @app.post(
        "/v1/items",
        status_code=202,
        response_model=ItemAccepted,
        dependencies=[Security(_BEARER)],
        responses=_refusals(
            "not a ninjs text item (which field, and why), or more lines than NEWS_HTTP_MAX_ITEM_LINES",
            "item",
            "NEWS_HTTP_MAX_BODY_BYTES, or an HTML body over NEWS_HTTP_MAX_ITEM_HTML_BYTES",
        ),
        summary="Publish a version of a news item (IPTC ninjs 1.x or 2.x)",
        description=(
            "Send the whole item each time it changes (a live blog as it grows, a story corrected): the worker"
            " publishes only the lines not seen before, and a corrected line as a correction. The article id is"
            " the item's uri unless `article_id` is given. The body is split in a worker thread, never on the"
            " server's event loop."
        ),
    )
    async def post_item(
        item: Annotated[dict[str, Any], Body(description="a ninjs item: uri, and bodies, body_html or body_text")],
        article_id: Annotated[ArticleId | None, Query()] = None,
    ) -> ItemAccepted | JSONResponse:
        version = await anyio.to_thread.run_sync(partial(_item_of, item, article_id, settings), limiter=parsing)
        if isinstance(version, JSONResponse):
            return version
        try:
            await publisher.publish_item(version)
        except Unavailable as error:
            return JSONResponse({"error": f"Kafka did not take the item: {error}"}, status_code=503)
        return ItemAccepted(
            article_id=version.article_id,
            event_id=version.event_id,
            lines=len(version.lines),
            topic=settings.topic_items,
        )

    @app.get(
        STREAM_PATH,
        dependencies=[Security(_BEARER)],
        responses={
            **_READING,
            503: {"model": Problem, "description": "NEWS_HTTP_MAX_STREAMS streams are open already: try later"},
        },
        summary="Alerts as they arrive (server-sent events)",
    )
    async def alert_stream(
        request: Request,
        kind: Annotated[list[str] | None, Query()] = None,
        speaker: Annotated[list[str] | None, Query()] = None,
        article: Annotated[list[str] | None, Query()] = None,
        severity: Annotated[list[Severity] | None, Query()] = None,
    ) -> StreamingResponse:
        wanted = AlertFilter.of(kind or (), speaker or (), article or (), severity or ())
        # Opened with a session, the stream ends with it: when it expires, or is logged out.
        lasting = partial(access.reading_left, _headers(request))
        return StreamingResponse(
            _events(feed.listen(wanted, lasting=lasting, recheck_s=session_recheck_s)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @app.get(
        ARTICLE_LINES_PATH,
        response_model=ArticleSeen,
        dependencies=[Security(_BEARER)],
        responses={**_READING, 404: {"model": Problem, "description": "no line of the article is kept"}},
        summary="An article's lines as the pipeline classified them: speaker and topics, in order",
        description=(
            "The server keeps the lines of the NEWS_HTTP_ARTICLES_KEPT articles most recently written to, read"
            " back from the classified-lines topic when it starts: an older article is not found."
        ),
    )
    async def article_lines(article_id: Annotated[str, ARTICLE_ID], response: Response) -> ArticleSeen | JSONResponse:
        lines = articles.lines_of(article_id)
        if lines is None:
            return JSONResponse({"error": "no line of this article is kept"}, status_code=404, headers=_UNSTORED)
        response.headers.update(_UNSTORED)
        return ArticleSeen(article_id=article_id, lines=lines, lines_let_go=articles.dropped_from(article_id))

    @app.get("/alerts", response_class=HTMLResponse, responses=_READING, summary="The live alerts page")
    async def alerts_page() -> HTMLResponse:
        return _page("alerts.html")

    @app.get("/login", response_class=HTMLResponse, summary="The page where an editor gives the read token")
    async def login_page() -> HTMLResponse:
        return _page("login.html")

    @app.post(
        SESSION_PATH,
        status_code=204,
        dependencies=[Security(_BEARER)],
        responses=_READING,
        summary="Log in: the read token as a bearer token, for a session cookie the alerts page and stream accept",
    )
    async def log_in() -> Response:
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        if not access.reading_is_open:
            response.headers["Set-Cookie"] = access.session_cookie()
        return response

    @app.delete(
        SESSION_PATH,
        status_code=204,
        summary="Log out: the session ends (its streams too) and the browser drops its cookie",
    )
    async def log_out(request: Request) -> Response:
        access.end_session(_headers(request))
        return Response(status_code=204, headers={"Set-Cookie": access.ended_session_cookie()})

    @app.get("/healthz", summary="The server is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _headers(request: Request) -> dict[bytes, bytes]:
    """A request's headers as the access checks read them: raw bytes, as AccessGate did."""
    return dict(request.scope.get("headers", []))


def _page(name: str) -> HTMLResponse:
    html = resources.files("pipeline").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


def _item_of(record: dict[str, Any], article_id: str | None, settings: Settings) -> ItemVersion | JSONResponse:
    """The item version a request brings, or the answer refusing it. Run in a worker thread: splitting
    a large body takes CPU time (linear in its size, which is capped before the split begins)."""
    refused = "not a news item this pipeline can read"
    try:
        body = read_item(record).body()
    except NinjsError:
        body = None  # item_version says why, below
    if body is not None and body[1]:
        size = len(body[0].encode("utf-8", "surrogatepass"))
        if size > settings.http_max_item_html_bytes:
            limit = settings.http_max_item_html_bytes
            error = f"the item's HTML body is {size} bytes; at most {limit} (NEWS_HTTP_MAX_ITEM_HTML_BYTES)"
            return JSONResponse({"error": error}, status_code=413)
    version = item_version("request", 1, record, datetime.now(UTC), article_id)
    if isinstance(version, Rejected):
        detail = visible(version.reason.removeprefix("request:1: "))  # it may quote the item's own text
        return JSONResponse({"error": refused, "detail": detail}, 422)
    if len(version.lines) > settings.http_max_item_lines:
        limit = settings.http_max_item_lines
        detail = f"the item has {len(version.lines)} lines; at most {limit} (NEWS_HTTP_MAX_ITEM_LINES)"
        return JSONResponse({"error": refused, "detail": detail}, 422)
    return version


def _problems(lines: Sequence[SubmittedLine], settings: Settings) -> list[dict[str, Any]]:
    """What the worker would refuse, refused here with the field named."""
    problems: list[dict[str, Any]] = []
    if len(lines) > settings.http_max_lines:
        problems.append({"field": "lines", "message": f"{len(lines)} lines; at most {settings.http_max_lines}"})
    previous = 0
    for index, line in enumerate(lines):
        size = len(line.text.encode("utf-8"))
        if size > settings.max_text_bytes:
            problems.append(
                {"field": f"lines.{index}.text", "message": f"{size} bytes; at most {settings.max_text_bytes}"}
            )
        if line.line_no <= previous:
            problems.append({"field": f"lines.{index}.line_no", "message": f"{line.line_no} after {previous}"})
        previous = line.line_no
    return problems


async def _events(alerts: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    yield b": alerts follow\n\n"  # sent at once, so a proxy or browser sees the stream open
    async for alert in alerts:
        yield f"event: alert\nid: {alert.event_id}\ndata: {alert.model_dump_json()}\n\n".encode()
