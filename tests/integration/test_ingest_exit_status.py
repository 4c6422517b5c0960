"""Ingest against the broker: lines it refuses are named by file and line, the rest is published, and the
status says input was refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config.exit_status import ExitStatus
from tests.conftest import REPO
from tests.integration.conftest import isolated_env, run_cli, settings_for
from tests.integration.kafka_helpers import read_json, read_to_end, run

pytestmark = pytest.mark.integration


def test_refused_lines_give_their_own_status_and_the_rest_is_published(kafka_broker: str, tmp_path: Path) -> None:
    env = isolated_env(kafka_broker)
    archive = tmp_path / "archive.jsonl"
    lines = [{"article_id": "exit-1", "line_no": n, "text": f"Line {n}."} for n in (1, 2, 2, 3)]
    archive.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = run_cli(env, "ingest", str(archive))
    assert result.returncode == ExitStatus.INPUT_REFUSED, result.stderr.decode()
    assert "rejected" in result.stderr.decode() and "published 3 line(s)" in result.stderr.decode()
    settings = settings_for(env)
    # Ingest has exited: the topic, read to its end, holds all it will ever publish.
    published = run(read_to_end(settings, settings.topic_lines))
    assert sorted(event["line_no"] for event in published) == [1, 2, 3]


def test_a_paced_ingest_publishes_each_line_when_it_is_due(kafka_broker: str, tmp_path: Path) -> None:
    # Lines are gathered into record batches; at a live pace each must still go out on time,
    # not wait for a batch to fill or for the end of the archive.
    env = isolated_env(kafka_broker)
    archive = tmp_path / "live.jsonl"
    # At one a second, lines held for the archive's end (400 s) or for a full batch (some seventy of
    # them) would come after the read below gives up, or dozens at once.
    lines = [{"article_id": "paced-1", "line_no": n, "text": f"Line {n}."} for n in range(1, 401)]
    archive.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    ingest = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "ingest", "--rate", "1", str(archive)],
        env={**os.environ, **env},
        cwd=REPO,
        stderr=subprocess.DEVNULL,
    )
    try:
        settings = settings_for(env)
        first = run(read_json(settings, settings.topic_lines, until=3, timeout=60))
        # Read as soon as three are there: the others come one a second, not in a lump.
        assert [event["line_no"] for event in first[:3]] == [1, 2, 3] and len(first) < 40
    finally:
        ingest.kill()
        ingest.wait()
