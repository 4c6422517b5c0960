"""Per-article speaker memory lives in a changelogged table: a new worker process gets it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import isolated_env, run_cli, settings_for, start_worker
from tests.integration.kafka_helpers import read_json, run

pytestmark = pytest.mark.integration

BEFORE = "Ukraine's deputy prime minister Iryna Vereshchuk said buses were waiting.\nShelling continued overnight.\n"
AFTER = "She said the convoy would leave at noon.\n"


def test_a_restarted_worker_still_knows_who_she_is(kafka_broker: str, tmp_path: Path) -> None:
    env = isolated_env(kafka_broker)
    settings = settings_for(env)
    first = start_worker(env, tmp_path / "first.log")
    try:
        first.wait_ready()
        assert run_cli(env, "ingest", "--article-id", "restart", "-", stdin=BEFORE.encode()).returncode == 0
        run(read_json(settings, settings.topic_classified, until=2, timeout=60))
    finally:
        first.stop()

    second = start_worker(env, tmp_path / "second.log")
    try:
        second.wait_ready()
        jsonl = json.dumps({"article_id": "restart", "line_no": 3, "text": AFTER.strip()}) + "\n"
        assert run_cli(env, "ingest", "-", stdin=jsonl.encode()).returncode == 0
        classified = run(read_json(settings, settings.topic_classified, until=3, timeout=60))
    finally:
        second.stop()
    by_line = {c["line_no"]: c for c in classified}
    assert by_line[3]["speaker"]["name"] == "Iryna Vereshchuk"
    assert by_line[3]["speaker"]["method"] == "pronoun"
