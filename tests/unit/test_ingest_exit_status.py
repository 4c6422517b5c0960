"""Ingest's exit status when the broker cannot be reached: 3, with the reason, after the configured wait."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.contracts.events import LineEvent


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


def test_lines_read_from_stdin_are_all_published(no_pipeline_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.broker.ingest

    published: list[str] = []

    async def recorded(settings: object, lines: list[LineEvent], *args: object) -> int:
        published.extend(line.text for line in lines)
        return len(lines)

    monkeypatch.setattr(pipeline.broker.ingest, "publish_lines", recorded)
    result = CliRunner().invoke(cli, ["ingest", "--article-id", "a", "-"], input="One line.\nTwo lines.\n")
    assert result.exit_code == 0, result.output
    assert published == ["One line.", "Two lines."]


def test_ingest_waits_out_a_fail_over_but_not_a_refusal() -> None:
    from aiokafka.errors import (
        KafkaConnectionError,
        NodeNotReadyError,
        NotEnoughReplicasError,
        TopicAuthorizationFailedError,
    )

    from pipeline.broker.waiting import worth_waiting

    assert all(worth_waiting(e) for e in (KafkaConnectionError(), NodeNotReadyError(), NotEnoughReplicasError()))
    assert not worth_waiting(TopicAuthorizationFailedError()) and not worth_waiting(ValueError())


def test_rejections_are_told_in_the_order_of_the_files_and_their_lines(
    no_pipeline_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Found by two steps (reading, then screening what the worker would refuse), told as read."""
    monkeypatch.setenv("NEWS_KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{unused_port()}")
    monkeypatch.setenv("NEWS_INGEST_TIMEOUT_S", "1")
    monkeypatch.setenv("NEWS_MAX_TEXT_BYTES", "64")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(
        json.dumps({"article_id": "a", "line_no": 1, "text": "far too long " * 10}) + "\n"  # screened out
        '{"article_id": "a", "line_no": 2,\n'  # not JSON: found while reading
         + json.dumps({"article_id": "a", "line_no": 3, "text": "Kept."}) + "\n"
    )
    second.write_text('{"article_id": "b"}\n')
    result = CliRunner().invoke(cli, ["ingest", str(first), str(second)])
    told = [line.split(": ", 1)[0] for line in result.output.splitlines() if line.startswith("rejected ")]
    assert told == [f"rejected {first}:1", f"rejected {first}:2", f"rejected {second}:1"], result.output
