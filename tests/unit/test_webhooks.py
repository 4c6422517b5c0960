from __future__ import annotations

import asyncio
import hashlib
import hmac
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from pipeline.web.webhook_sink import deliver
from pipeline.web.webhooks import (
    MAX_BACKOFF_S,
    Subscriber,
    Webhook,
    WebhookFileError,
    delay_before,
    load_webhooks,
    signed_headers,
    worth_retrying,
)

GOOD = """
webhooks:
  - name: desk
    url: https://desk.example.org/hooks/alerts
    secret_env: DESK_SECRET
    kinds: [war_crimes]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "webhooks.yaml"
    path.write_text(text)
    return path


def test_a_webhooks_file_is_read_with_its_secrets_from_the_environment(tmp_path: Path) -> None:
    [desk] = load_webhooks(write(tmp_path, GOOD), {"DESK_SECRET": "s3cret"})
    assert (desk.hook.name, str(desk.hook.url), desk.hook.kinds) == (
        "desk",
        "https://desk.example.org/hooks/alerts",
        ("war_crimes",),
    )
    assert desk.secret.get_secret_value() == "s3cret" and "s3cret" not in repr(desk)


@pytest.mark.parametrize(
    ("text", "environ", "words"),
    [
        (GOOD, {}, "environment variable DESK_SECRET is not set"),
        (GOOD.replace("https://desk.example.org/hooks/alerts", "not a url"), {"DESK_SECRET": "x"}, "webhooks.0.url"),
        (GOOD + GOOD.split("webhooks:")[1], {"DESK_SECRET": "x"}, "names must be unique: desk"),
        ("webhooks: []", {}, "at least 1"),
        (GOOD.replace("kinds", "kind"), {"DESK_SECRET": "x"}, "webhooks.0.kind: Extra inputs"),
        ("webhooks: [", {}, "not YAML"),
    ],
)
def test_a_bad_webhooks_file_says_what_is_wrong(tmp_path: Path, text: str, environ: dict[str, str], words: str) -> None:
    with pytest.raises(WebhookFileError, match=words):
        load_webhooks(write(tmp_path, text), environ)


def test_the_signature_is_hmac_sha256_of_the_timestamp_and_body() -> None:
    body = b'{"kind": "war_crimes"}'
    headers = signed_headers(SecretStr("k"), 1_700_000_000, body, "alert-1")
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert headers["X-News-Signature"] == f"sha256={expected}"
    assert (headers["X-News-Timestamp"], headers["X-News-Event-Id"]) == ("1700000000", "alert-1")


def test_what_is_worth_another_try() -> None:
    assert [worth_retrying(s) for s in (None, 500, 503, 429, 408)] == [True] * 5
    assert [worth_retrying(s) for s in (400, 401, 404, 410, 422)] == [False] * 5


def test_the_wait_doubles_follows_retry_after_and_is_bounded() -> None:
    assert [delay_before(n, 0.5) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert delay_before(20, 0.5) == MAX_BACKOFF_S
    assert delay_before(1, 0.5, "7") == 7.0 and delay_before(1, 0.5, "600") == MAX_BACKOFF_S
    assert delay_before(1, 0.5, "Wed, 21 Oct 2026 07:28:00 GMT") == 0.5


def subscriber() -> Subscriber:
    return Subscriber(
        hook=Webhook(name="desk", url="https://desk.example.org/h", secret_env="S"),  # type: ignore[arg-type]
        secret=SecretStr("k"),
    )


def attempt_with(answers: list[int | Exception], attempts: int = 4) -> tuple[bool, int, str, int]:
    calls = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        assert request.headers["X-News-Signature"].startswith("sha256=")
        reply = answers[min(calls, len(answers)) - 1]
        if isinstance(reply, Exception):
            raise reply
        return httpx.Response(reply)

    async def run() -> tuple[bool, int, str, int]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            outcome = await deliver(client, subscriber(), b"{}", "alert-1", attempts, backoff_s=0.001)
        return outcome.delivered, outcome.attempts, outcome.last, calls

    return asyncio.run(run())


def test_a_failing_receiver_is_tried_again_until_it_answers() -> None:
    assert attempt_with([503, httpx.ConnectError("refused"), 200]) == (True, 3, "HTTP 200", 3)


def test_a_receiver_that_keeps_failing_is_given_up_after_the_attempts_allowed() -> None:
    assert attempt_with([500]) == (False, 4, "HTTP 500", 4)


def test_a_refusal_that_will_not_change_is_not_tried_again() -> None:
    assert attempt_with([404]) == (False, 1, "HTTP 404", 1)


SECRET_URL = "https://news-bot:pa%24%24word-9@hooks.example.org:8443/t/hook-path-7f3a?token=query-token-51c2#frag-8d"
SIGNING_SECRET = "signing-secret-e41b"
URL_SECRETS = ["news-bot", "pa%24%24word-9", "pa$$word-9", "/t/hook-path-7f3a", "query-token-51c2", "frag-8d"]


def secretive() -> Subscriber:
    return Subscriber(
        hook=Webhook(name="desk", url=SECRET_URL, secret_env="S"),  # type: ignore[arg-type]
        secret=SecretStr(SIGNING_SECRET),
    )


def test_a_subscriber_is_shown_by_its_name_and_host_only() -> None:
    hook = secretive().hook
    assert hook.where == "desk (hooks.example.org:8443)"
    plain = Webhook(name="d", url="https://desk.example.org/h?k=v", secret_env="S")  # type: ignore[arg-type]
    local = Webhook(name="d", url="http://[::1]:8080/h", secret_env="S")  # type: ignore[arg-type]
    assert (plain.where, local.host) == ("d (desk.example.org)", "[::1]:8080")


def test_neither_a_subscriber_nor_its_webhook_shows_a_secret_when_printed() -> None:
    subscriber = secretive()
    for shown in (repr(subscriber), str(subscriber), repr(subscriber.hook), str(subscriber.hook)):
        assert not [s for s in [*URL_SECRETS, SIGNING_SECRET, SECRET_URL] if s in shown], shown


def test_an_error_quoting_the_url_is_cleared_of_every_secret() -> None:
    subscriber = secretive()
    said = subscriber.without_secrets(
        f"cannot reach {SECRET_URL}; user news-bot, password pa$$word-9, key {SIGNING_SECRET}, query-token-51c2"
    )
    assert not [s for s in [*URL_SECRETS, SIGNING_SECRET] if s in said], said
    assert said.startswith("cannot reach ***;")


def test_a_failed_delivery_names_the_subscriber_and_host_and_the_answer_and_no_secret() -> None:
    from aiokafka.structs import ConsumerRecord

    from pipeline.web.webhook_sink import Outcome, failed_delivery

    record = ConsumerRecord("news.alerts", 0, 7, 0, 0, b"a", b"{}", None, 1, 2, ())
    letter = failed_delivery(secretive(), record, Outcome(False, 5, "HTTP 503"))
    assert letter.detail == "webhook desk (hooks.example.org:8443): HTTP 503 after 5 attempt(s)"
    assert not [s for s in [*URL_SECRETS, SIGNING_SECRET] if s in letter.model_dump_json()]


def test_an_answer_that_never_came_is_kept_without_the_secrets_the_error_quotes() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to {request.url} for {SIGNING_SECRET}", request=request)

    async def run() -> str:
        async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
            outcome = await deliver(client, secretive(), b"{}", "alert-1", 2, backoff_s=0.001)
        return outcome.last

    last = asyncio.run(run())
    assert last.startswith("ConnectError: cannot connect to ")
    assert not [s for s in [*URL_SECRETS, SIGNING_SECRET] if s in last], last


def test_a_webhooks_file_that_is_not_yaml_is_named_by_line_without_quoting_it(tmp_path: Path) -> None:
    text = f"webhooks:\n  - name: desk\n    url: {SECRET_URL}\n    secret_env: [DESK\n"
    with pytest.raises(WebhookFileError) as refused:
        load_webhooks(write(tmp_path, text), {})
    assert "not YAML" in str(refused.value) and "line " in str(refused.value)
    assert not [s for s in URL_SECRETS if s in str(refused.value)], str(refused.value)
