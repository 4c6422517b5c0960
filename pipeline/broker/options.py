"""Kafka connection options, built once from the settings for each client library.

Plaintext, TLS (with or without a client certificate) and SASL (PLAIN or SCRAM,
over plaintext or TLS) come from the same settings for the Faust worker and for
the plain aiokafka clients (ingest, tail, admin), so they cannot drift apart.
"""

from __future__ import annotations

import ssl
from typing import Any

import faust

from pipeline.config.settings import Settings

__all__ = ["aiokafka_options", "faust_broker_options"]


def bootstrap_servers(settings: Settings) -> list[str]:
    return [server.strip() for server in settings.kafka_bootstrap_servers.split(",") if server.strip()]


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if not settings.kafka_security_protocol.endswith("SSL"):
        return None
    context = ssl.create_default_context(cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None)
    if settings.kafka_ssl_certfile and settings.kafka_ssl_keyfile:
        context.load_cert_chain(str(settings.kafka_ssl_certfile), str(settings.kafka_ssl_keyfile))
    return context


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments common to aiokafka producers, consumers and admin clients."""
    options: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers(settings),
        "security_protocol": settings.kafka_security_protocol,
    }
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.kafka_security_protocol.startswith("SASL"):
        password = settings.kafka_sasl_password
        options.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=password.get_secret_value() if password else None,
        )
    return options


def faust_broker_options(settings: Settings) -> dict[str, Any]:
    """The broker URL and credentials of the Faust app."""
    options: dict[str, Any] = {"broker": ";".join(f"kafka://{server}" for server in bootstrap_servers(settings))}
    protocol = settings.kafka_security_protocol
    context = ssl_context(settings)
    if protocol.startswith("SASL"):
        password = settings.kafka_sasl_password
        # With a TLS context Faust speaks SASL_SSL, without one SASL_PLAINTEXT.
        options["broker_credentials"] = faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=password.get_secret_value() if password else None,
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=context,
        )
    elif context is not None:
        options["broker_credentials"] = faust.SSLCredentials(context)
    return options
