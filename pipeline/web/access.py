"""Who may use the HTTP server, decided from a request's line and headers before any of its body is
read: newsroom systems publish with ``NEWS_HTTP_TOKEN``; editors read alerts with
``NEWS_HTTP_READ_TOKEN``, sent as a bearer token or, from a browser, kept in a session cookie that
the login page gets for it. Tokens travel in headers only, never in an address, where proxies,
logs and browser histories would keep them."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import secrets
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import quote

from pydantic import SecretStr
from starlette.types import ASGIApp, Receive, Scope, Send

from pipeline.config.settings import Settings

__all__ = ["refusal_to_serve"]

MIN_TOKEN_CHARS = 16
SESSION_COOKIE = "news_session"
SESSION_SECONDS = 12 * 3600
"""a newsroom shift: after it, the editor's browser asks for the read token again"""
SESSION_RECHECK_SECONDS = 5.0
"""how often a live stream opened with a session checks that the session has not been logged out"""
MAX_ENDED_SESSIONS = 100_000
"""sessions logged out and not yet expired that a server remembers; beyond, it ends every session"""

OPEN_PATHS = frozenset({"/healthz", "/login"})
SESSION_PATH = "/v1/session"


def is_loopback(host: str) -> bool:
    """Whether a server listening on ``host`` can be reached from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any interface


def _token_problem(name: str, token: SecretStr) -> str | None:
    value = token.get_secret_value()
    meant = value.strip()
    if not meant:
        return f"{name} is empty: give it a random token of at least {MIN_TOKEN_CHARS} characters"
    if meant != value:
        # A presented token is read without surrounding whitespace, so this one could never match;
        # and spaces around it are no part of a secret, to be counted towards its length.
        return f"{name} begins or ends with whitespace (a newline or space copied with it?): remove it"
    if len(meant) < MIN_TOKEN_CHARS:
        return f"{name} has {len(meant)} characters: it needs at least {MIN_TOKEN_CHARS}, random"
    return None


def refusal_to_serve(settings: Settings) -> str | None:
    """Why the server must not start with these settings (naming the setting to change), or None."""
    if settings.http_token is None:
        return "set NEWS_HTTP_TOKEN, the bearer token newsroom systems will send"
    problem = _token_problem("NEWS_HTTP_TOKEN", settings.http_token)
    if problem:
        return problem
    read = settings.http_read_token
    if read is None:
        if is_loopback(settings.http_host):
            return None
        return (
            f"set NEWS_HTTP_READ_TOKEN: serve listens on {settings.http_host}, beyond this machine, and"
            " alerts are for editors who hold the read token (or listen on 127.0.0.1, NEWS_HTTP_HOST)"
        )
    problem = _token_problem("NEWS_HTTP_READ_TOKEN", read)
    if problem:
        return problem
    if hmac.compare_digest(read.get_secret_value().encode(), settings.http_token.get_secret_value().encode()):
        return "NEWS_HTTP_READ_TOKEN is NEWS_HTTP_TOKEN: editors' browsers would hold the token that publishes"
    return None


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


def _same(presented: bytes, expected: SecretStr) -> bool:
    # Bytes against bytes: the header's bytes as sent, the token's as the environment gave them.
    return hmac.compare_digest(presented, expected.get_secret_value().encode("utf-8", "surrogateescape"))


def _needs_bearer(realm: str) -> Refusal:
    return Refusal(401, "a bearer token is needed", ((b"www-authenticate", f'Bearer realm="{realm}"'.encode()),))


class Access:
    """The server's tokens, and what each request presents of them."""

    def __init__(self, settings: Settings) -> None:
        problem = refusal_to_serve(settings)
        if problem:
            raise ValueError(problem)
        assert settings.http_token is not None  # refusal_to_serve saw to it
        self._write = settings.http_token
        self._read = settings.http_read_token
        self._secure_cookie = not is_loopback(settings.http_host)
        self._generation = 0
        self._session_key = self._key_of_generation(0)
        self._ended: dict[str, int] = {}
        """sessions logged out, by their id, with when they would have expired"""

    @property
    def reading_is_open(self) -> bool:
        return self._read is None

    def may_write(self, headers: dict[bytes, bytes]) -> Refusal | None:
        presented = _bearer(headers)
        if presented is None:
            return _needs_bearer("lines")
        return None if _same(presented, self._write) else Refusal(403, "this token may not do that")

    def may_read(self, headers: dict[bytes, bytes], *, by_cookie: bool = True) -> Refusal | None:
        if self._read is None:
            return None
        presented = _bearer(headers)
        if presented is not None:
            return None if _same(presented, self._read) else Refusal(403, "this token may not read alerts")
        if by_cookie and self._session(_cookie(headers, SESSION_COOKIE)) is not None:
            return None
        return _needs_bearer("alerts")

    def reading_left(self, headers: dict[bytes, bytes]) -> float:
        """Seconds left to what let a request read (``may_read`` having let it): for ever with the
        read token or when reading is open; with a session, until it expires or is logged out (0 then)."""
        if self._read is None or _bearer(headers) is not None:
            return math.inf
        session = self._session(_cookie(headers, SESSION_COOKIE))
        return 0.0 if session is None else max(0.0, session.expires - time.time())

    def session_cookie(self, now: float | None = None) -> str:
        """A Set-Cookie value holding a session that ends with the shift; the token itself stays out.
        Each session has an id of its own, so that logging one out ends it and no other."""
        expires = int((time.time() if now is None else now) + SESSION_SECONDS)
        session_id = secrets.token_hex(8)
        value = f"{expires}.{session_id}.{self._signature(expires, session_id)}"
        return self._cookie(value, SESSION_SECONDS)

    def end_session(self, headers: dict[bytes, bytes]) -> None:
        """Logging out: the request's session is refused from now on, by this server, though its cookie
        would still be signed and unexpired (a copy kept of it, a stream open with it)."""
        session = self._session(_cookie(headers, SESSION_COOKIE))
        if session is None:
            return
        now = time.time()
        self._ended = {ended: expires for ended, expires in self._ended.items() if expires >= now}
        if len(self._ended) >= MAX_ENDED_SESSIONS:
            # Too many to remember: a new key ends every session, and none need be remembered.
            self._generation += 1
            self._session_key = self._key_of_generation(self._generation)
            self._ended.clear()
            return
        self._ended[session.session_id] = session.expires

    def ended_session_cookie(self) -> str:
        return self._cookie("", 0)

    def _cookie(self, value: str, max_age: int) -> str:
        secure = "; Secure" if self._secure_cookie else ""
        return f"{SESSION_COOKIE}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict{secure}"

    def _key_of_generation(self, generation: int) -> bytes | None:
        if self._read is None:
            return None
        # Derived from the read token: a new read token ends every session made with the old one.
        purpose = b"news-pipeline alerts session" + (b" %d" % generation if generation else b"")
        return hmac.new(self._read.get_secret_value().encode(), purpose, "sha256").digest()

    def _signature(self, expires: int, session_id: str) -> str:
        assert self._session_key is not None
        return hmac.new(self._session_key, f"{expires}.{session_id}".encode(), hashlib.sha256).hexdigest()

    def _session(self, value: str | None) -> _Session | None:
        """The session a cookie holds, if this server made it and it has neither expired nor been logged out."""
        if value is None or self._session_key is None:
            return None
        expires, _, rest = value.partition(".")
        session_id, _, signature = rest.partition(".")
        if not (expires.isascii() and expires.isdigit() and len(expires) <= 12) or int(expires) < time.time():
            return None
        if not (session_id.isascii() and session_id.isalnum() and len(session_id) <= 32) or session_id in self._ended:
            return None
        expected = self._signature(int(expires), session_id).encode()
        if not hmac.compare_digest(signature.encode("utf-8", "surrogateescape"), expected):
            return None
        return _Session(int(expires), session_id)


@dataclass(frozen=True)
class _Session:
    expires: int
    session_id: str


def _bearer(headers: dict[bytes, bytes]) -> bytes | None:
    scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
    return token.strip() if scheme.lower() == b"bearer" and token.strip() else None


def _cookie(headers: dict[bytes, bytes], name: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # a malformed Cookie header presents no session
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


def _wants_a_page(headers: dict[bytes, bytes]) -> bool:
    return b"text/html" in headers.get(b"accept", b"")


class AccessGate:
    """Refuses a request that lacks what its method and path need, before its body is read: a
    request without a valid token costs the server its headers only. Writing (any method but GET
    and HEAD) needs the write token; reading, the read token, when reading is not open; the health
    check and the login page are open. A browser sent to a page it may not read goes to the login page.
    A websocket is refused whatever it brings."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app, self.access = app, access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await _refuse_websocket(send)
            return
        if scope["type"] != "http":  # the lifespan: the server starting and stopping
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        if refusal.status == 401 and scope["method"] == "GET" and _wants_a_page(headers):
            await _redirect_to_login(scope, send)
            return
        await _refuse(refusal, send)

    def _refusal(self, scope: Scope) -> Refusal | None:
        method, path = scope["method"], scope["path"]
        headers = dict(scope.get("headers", []))
        if path in OPEN_PATHS and method in ("GET", "HEAD"):
            return None
        if path == SESSION_PATH:
            # Logging in takes the read token as a bearer token; logging out needs nothing.
            return None if method == "DELETE" else self.access.may_read(headers, by_cookie=False)
        if method in ("GET", "HEAD"):
            return self.access.may_read(headers)
        return self.access.may_write(headers)


async def _refuse_websocket(send: Send) -> None:
    """No route takes a websocket, and none is checked for one: closed before it is accepted, which
    the server answers with 403. (A route added one day would need its own check here first.)"""
    await send({"type": "websocket.close", "code": 1008, "reason": "no websockets here"})


async def _refuse(refusal: Refusal, send: Send) -> None:
    body = json.dumps({"error": refusal.error}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *refusal.headers,
    ]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _redirect_to_login(scope: Scope, send: Send) -> None:
    wanted = scope["path"] + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
    location = "/login?next=" + quote(wanted, safe="")
    headers = [(b"location", location.encode("latin-1")), (b"content-length", b"0"), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
