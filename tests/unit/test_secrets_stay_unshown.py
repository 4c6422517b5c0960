"""Secrets the pipeline is given never show in what could be logged: a setting, a client's options, a credential."""

from __future__ import annotations

from pipeline.broker.options import aiokafka_options, faust_broker_options
from pipeline.config.settings import Settings
from pipeline.worker.supervisor import StallCheck

SASL_PASSWORD = "sasl-password-5e1f"
HTTP_TOKEN = "http-token-0b7d-long-enough-to-serve"
READ_TOKEN = "read-token-93c2-long-enough-to-serve"


def secure_settings() -> Settings:
    return Settings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="worker",
        kafka_sasl_password=SASL_PASSWORD,  # type: ignore[arg-type]
        http_token=HTTP_TOKEN,  # type: ignore[arg-type]
        http_read_token=READ_TOKEN,  # type: ignore[arg-type]
    )


def shown(*texts: str) -> list[str]:
    return [secret for secret in (SASL_PASSWORD, HTTP_TOKEN, READ_TOKEN) if any(secret in text for text in texts)]


def test_the_settings_never_show_the_sasl_password_or_the_http_tokens() -> None:
    settings = secure_settings()
    assert shown(repr(settings), str(settings), settings.model_dump_json()) == []


def test_the_supervisors_stall_check_does_not_show_the_kafka_options_it_holds() -> None:
    options = aiokafka_options(secure_settings())
    assert options["sasl_plain_password"] == SASL_PASSWORD  # the client needs it in the clear
    check = StallCheck(options, "news-pipeline", ["news.lines"], 60.0)
    assert shown(repr(check), str(check)) == []


def test_the_workers_broker_credentials_do_not_show_the_password() -> None:
    credentials = faust_broker_options(secure_settings())["broker_credentials"]
    assert shown(repr(credentials), str(credentials)) == []
