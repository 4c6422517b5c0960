"""Why a broker turned this client away, when waiting would not change it.

A broker that is down or failing over is waited for. One that refuses the
client's credentials, does not trust it with a topic, or speaks TLS to a client
that does not (or presents a certificate the client cannot verify) gives the
same answer however long the client waits: say so at once, naming the setting
to look at, and never the password.

The Kafka client reports a failed SASL handshake only in its log and raises a
bare "unable to bootstrap"; ``probe_refusal`` connects once more, directly, to
learn the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl

from aiokafka.conn import create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    AuthenticationMethodNotSupported,
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    IllegalSaslStateError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
    UnsupportedSaslMechanismError,
)

from pipeline.broker.options import aiokafka_options, bootstrap_servers
from pipeline.config.settings import Settings

__all__ = ["BrokerRefused"]

_AUTHORIZATION = (
    TopicAuthorizationFailedError,
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
)
_AUTHENTICATION = (
    SaslAuthenticationFailed,
    AuthenticationFailedError,
    AuthenticationMethodNotSupported,
    UnsupportedSaslMechanismError,
    IllegalSaslStateError,
)
_PROBE_TIMEOUT_S = 5.0


class BrokerRefused(RuntimeError):
    """The broker refused who this client is, or what it asked for."""


def _who(settings: Settings) -> str:
    if settings.kafka_security_protocol.startswith("SASL"):
        return f"user {settings.kafka_sasl_username!r} ({settings.kafka_sasl_mechanism})"
    return "this client"


def refusal_of(settings: Settings, error: BaseException) -> BrokerRefused | None:
    """``error`` as a refusal, if it is one the broker gave for who is asking."""
    if isinstance(error, _AUTHORIZATION):
        return BrokerRefused(f"{_who(settings)} is not allowed this: {error}")
    if isinstance(error, _AUTHENTICATION):
        return BrokerRefused(
            f"the broker refused {_who(settings)}: {error}; "
            "check NEWS_KAFKA_SASL_USERNAME, NEWS_KAFKA_SASL_PASSWORD and NEWS_KAFKA_SASL_MECHANISM"
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return BrokerRefused(
            f"the broker's TLS certificate could not be verified ({error.verify_message}); "
            "set NEWS_KAFKA_SSL_CAFILE to the CA that signed it"
        )
    return None


async def probe_refusal(settings: Settings) -> BrokerRefused | None:
    """Connect to each bootstrap server once, directly, to learn whether it refuses this client."""
    options = aiokafka_options(settings)
    options.pop("bootstrap_servers")
    for server in bootstrap_servers(settings):
        host, _, port = server.rpartition(":")
        try:
            connection = await asyncio.wait_for(
                create_conn(host, int(port), request_timeout_ms=int(_PROBE_TIMEOUT_S * 1000), **options),
                _PROBE_TIMEOUT_S,
            )
        except (KafkaError, OSError, TimeoutError) as error:
            if (refused := refusal_of(settings, error)) is not None:
                return BrokerRefused(f"{server}: {refused}")
            if not settings.kafka_security_protocol.endswith("SSL") and await _speaks_tls(host, int(port)):
                return BrokerRefused(
                    f"{server} speaks TLS and this client does not: set NEWS_KAFKA_SECURITY_PROTOCOL "
                    f"to SASL_SSL or SSL (it is {settings.kafka_security_protocol})"
                )
            continue
        connection.close()
        return None  # this server lets the client in: what failed was not a refusal
    return None


async def raise_if_refused(settings: Settings, error: BaseException) -> None:
    """Raise the refusal ``error`` is, or hides (a connection the broker would not let through)."""
    refused = refusal_of(settings, error)
    if refused is None and isinstance(error, KafkaConnectionError):
        refused = await probe_refusal(settings)
    if refused is not None:
        raise refused from error


async def _speaks_tls(host: str, port: int) -> bool:
    """Whether a TLS handshake with ``host:port`` succeeds (nothing is verified: only the protocol)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port, ssl=context), _PROBE_TIMEOUT_S)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()
    return True
