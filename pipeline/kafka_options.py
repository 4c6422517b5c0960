"""Kafka connection options, built once from the settings for each client library."""

from __future__ import annotations

from typing import Any

from pipeline.settings import Settings


def bootstrap_servers(settings: Settings) -> list[str]:
    return [server.strip() for server in settings.kafka_bootstrap_servers.split(",") if server.strip()]


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments common to aiokafka producers, consumers and admin clients."""
    return {"bootstrap_servers": bootstrap_servers(settings)}


def faust_broker_options(settings: Settings) -> dict[str, Any]:
    return {"broker": ";".join(f"kafka://{server}" for server in bootstrap_servers(settings))}
