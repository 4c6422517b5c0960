"""Which errors are a broker's refusal of the client, and what the refusal says (never the password)."""

from __future__ import annotations

import ssl

from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    NodeNotReadyError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
)

from pipeline.broker.access import refusal_of
from pipeline.config.settings import Settings

PASSWORD = "a-password-no-message-may-show"


def scram_settings() -> Settings:
    return Settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="ingest",
        kafka_sasl_password=PASSWORD,
    )


def test_a_failed_sasl_handshake_names_the_user_and_the_settings_to_check(no_pipeline_env: None) -> None:
    refused = refusal_of(scram_settings(), SaslAuthenticationFailed("invalid credentials"))
    assert refused is not None
    assert "'ingest' (SCRAM-SHA-512)" in str(refused) and "NEWS_KAFKA_SASL_PASSWORD" in str(refused)
    assert PASSWORD not in str(refused) and PASSWORD not in repr(refused)


def test_a_topic_or_group_not_allowed_is_a_refusal(no_pipeline_env: None) -> None:
    for error in (TopicAuthorizationFailedError("news.lines"), GroupAuthorizationFailedError("news-pipeline")):
        refused = refusal_of(scram_settings(), error)
        assert refused is not None and "is not allowed" in str(refused) and str(error) in str(refused)


def test_an_unverified_certificate_points_at_the_ca_setting(no_pipeline_env: None) -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "unable to get local issuer certificate"
    refused = refusal_of(scram_settings(), error)
    assert refused is not None and "NEWS_KAFKA_SSL_CAFILE" in str(refused)


def test_a_broker_down_or_failing_over_is_no_refusal(no_pipeline_env: None) -> None:
    for error in (KafkaConnectionError("Unable to bootstrap"), NodeNotReadyError(), ConnectionRefusedError()):
        assert refusal_of(scram_settings(), error) is None
