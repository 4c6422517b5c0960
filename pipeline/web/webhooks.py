"""Webhook subscribers: who gets which alerts, how each request is signed, and when to try again.

Pure: the file's model, the signature and the retry policy. Sending is in ``webhook_sink``.

A receiver checks a request by computing HMAC-SHA256, keyed with its secret, over
``"<X-News-Timestamp>." + body`` and comparing it with ``X-News-Signature`` (``sha256=<hex>``);
the timestamp in the signed text lets it refuse an old request replayed.

A subscriber's URL may carry secrets of its own (a user and password, a token in its path or
query), so logs and dead letters name a subscriber by its name and host only (``where``), and
an error's text is cleared of the URL's secrets and the signing secret before it is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr, ValidationError, field_validator

from pipeline.config.errors import ConfigurationError, validation_problems, where_yaml_fails
from pipeline.contracts.alert_filter import AlertFilter

__all__ = ["load_webhooks"]

SIGNATURE_HEADER = "X-News-Signature"
TIMESTAMP_HEADER = "X-News-Timestamp"
EVENT_ID_HEADER = "X-News-Event-Id"
MAX_BACKOFF_S = 30.0
_SHORTEST_TOKEN = 4
"""a shorter path segment or query value (``v1``, ``en``) is no secret, and hiding it would garble errors"""


class WebhookFileError(ConfigurationError):
    """The webhooks file cannot be used: which entry, which field, why."""


class Webhook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="names the subscriber in logs and dead letters")
    url: HttpUrl = Field(repr=False, description="may hold secrets: a user and password, a token in its path or query")
    secret_env: str = Field(
        pattern=r"^[A-Z_][A-Z0-9_]*$",
        description="the environment variable holding the HMAC secret: secrets stay out of the file",
    )
    kinds: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()

    def wanted(self) -> AlertFilter:
        return AlertFilter.of(self.kinds, self.speakers, self.articles)

    @property
    def host(self) -> str:
        """Where the subscriber is, and nothing else of its URL: its host, and its port when not the usual one."""
        default_port = 443 if self.url.scheme == "https" else 80
        host = self.url.host or ""
        return host if self.url.port in (None, default_port) else f"{host}:{self.url.port}"

    @property
    def where(self) -> str:
        """The subscriber as logs and dead letters name it: ``desk (desk.example.org)``."""
        return f"{self.name} ({self.host})"


class WebhookFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    webhooks: tuple[Webhook, ...] = Field(min_length=1)

    @field_validator("webhooks")
    @classmethod
    def _names_are_unique(cls, hooks: tuple[Webhook, ...]) -> tuple[Webhook, ...]:
        names = [hook.name for hook in hooks]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"webhook names must be unique: {', '.join(repeated)}")
        return hooks


class Subscriber(BaseModel):
    """A webhook with its secret, read from the environment."""

    model_config = ConfigDict(frozen=True)

    hook: Webhook
    secret: SecretStr

    def secrets(self) -> list[str]:
        """What must never be shown: the signing secret and the URL's user, password, path, query and
        fragment, and each path segment and query value long enough to be a token, as written and
        percent-decoded; the longest first, so the whole is replaced before a part."""
        url = self.hook.url
        path = url.path if url.path not in (None, "/") else None
        parts = [str(url), url.username, url.password, path, url.query, url.fragment, self.secret.get_secret_value()]
        pieces = [*(path or "").split("/"), *(value for _, value in parse_qsl(url.query or ""))]
        parts += [piece for piece in pieces if len(piece) >= _SHORTEST_TOKEN]
        spelt = {spelling for part in parts if part for spelling in (part, unquote(part))}
        return sorted(spelt, key=len, reverse=True)

    def without_secrets(self, text: str) -> str:
        """``text`` (an error from the HTTP client, which may quote the URL) with every secret hidden."""
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text


def load_webhooks(path: Path, environ: dict[str, str] | None = None) -> list[Subscriber]:
    environ = dict(os.environ) if environ is None else environ
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise WebhookFileError(f"{path}: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise WebhookFileError(f"{path}: not YAML: {where_yaml_fails(error)}") from error
    try:
        parsed = WebhookFile.model_validate(data)
    except ValidationError as error:
        raise WebhookFileError(f"{path}: invalid webhooks file: {validation_problems(error)}") from error
    subscribers = []
    for hook in parsed.webhooks:
        secret = environ.get(hook.secret_env)
        if not secret:
            raise WebhookFileError(f"{path}: webhook {hook.name!r}: environment variable {hook.secret_env} is not set")
        subscribers.append(Subscriber(hook=hook, secret=SecretStr(secret)))
    return subscribers


def signature(secret: SecretStr, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.get_secret_value().encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: SecretStr, timestamp: int, body: bytes, event_id: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "news-pipeline-webhooks/1",
        EVENT_ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def worth_retrying(status: int | None) -> bool:
    """None: no answer (refused, reset, timed out). A 4xx other than 408 and 429 will not change."""
    return status is None or status in (408, 429) or status >= 500


def delay_before(attempt: int, base_s: float, retry_after: str | None = None) -> float:
    """How long to wait before try ``attempt + 1``: doubling from ``base_s``, or the receiver's
    Retry-After in seconds, at most ``MAX_BACKOFF_S`` either way."""
    if retry_after is not None and retry_after.strip().isdigit():
        return min(float(retry_after), MAX_BACKOFF_S)
    return min(base_s * 2.0 ** (attempt - 1), MAX_BACKOFF_S)
