"""Ingest's exit status when the broker cannot be reached: 3, with the reason, after the configured wait."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from pipeline.cli import cli


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_ingest_gives_up_on_an_unreachable_broker_with_status_3(
    no_pipeline_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWS_KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{unused_port()}")
    monkeypatch.setenv("NEWS_INGEST_TIMEOUT_S", "1")
    result = CliRunner().invoke(cli, ["ingest", "--article-id", "a", "-"], input="One line.\n")
    assert result.exit_code == 3, result.output
    assert "ingest failed" in result.output
