"""Reclassifying history after a rule change: the group and tables set back while the workers are stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import taxonomy_with_severity
from tests.integration.conftest import isolated_env, run_cli, settings_for, start_worker
from tests.integration.kafka_helpers import read_json, read_to_end, run

pytestmark = pytest.mark.integration

ARTICLE = [
    {"article_id": "history-1", "line_no": 1, "text": "Foreign Minister Dmytro Kuleba toured the town on Friday."},
    {"article_id": "history-1", "line_no": 2, "text": "He said the killings of civilians there were war crimes."},
]


def test_after_a_rule_change_the_workers_reclassify_history_with_the_new_rules(
    kafka_broker: str, tmp_path: Path
) -> None:
    env = isolated_env(kafka_broker)
    settings = settings_for(env)
    source = tmp_path / "history.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ARTICLE))

    worker = start_worker(env, tmp_path / "before.log")
    try:
        worker.wait_ready()
        assert run_cli(env, "ingest", str(source)).returncode == 0
        run(read_json(settings, settings.topic_alerts, until=1, timeout=90))
        refused = run_cli(env, "reprocess", "--execute")
        assert (
            refused.returncode == 1 and b"active member(s)" in refused.stderr and b"stop its workers" in refused.stderr
        )
    finally:
        worker.stop()
    # With the worker stopped, what it raised is all there to read to the end.
    before = run(read_to_end(settings, settings.topic_alerts))
    assert [(a["kind"], a["severity"]) for a in before] == [("war_crimes", "critical")]

    shown = run_cli(env, "reprocess")
    assert shown.returncode == 0 and b"nothing changed" in shown.stderr
    assert f"{settings.topic_lines}[".encode() in shown.stdout and b"-> 0" in shown.stdout
    executed = run_cli(env, "reprocess", "--execute")
    assert executed.returncode == 0, executed.stderr

    changed = taxonomy_with_severity(tmp_path, "war_crimes", "high")
    worker = start_worker({**env, "NEWS_TAXONOMY_PATH": str(changed)}, tmp_path / "after.log")
    try:
        worker.wait_ready()
        run(read_json(settings, settings.topic_alerts, until=2, timeout=90))
        run(read_json(settings, settings.topic_classified, until=4, timeout=90))
    finally:
        worker.stop()
    alerts = run(read_to_end(settings, settings.topic_alerts))
    classified = run(read_to_end(settings, settings.topic_classified))
    # The same alert (same id), raised again under the changed rule; each line classified again, same ids.
    assert [(a["event_id"], a["severity"]) for a in alerts] == [
        (before[0]["event_id"], "critical"),
        (before[0]["event_id"], "high"),
    ]
    assert len(classified) == 4 and len({c["event_id"] for c in classified}) == 2
    dead = run(read_to_end(settings, settings.topic_dlq))
    assert dead == []  # not taken for repeats: the tables were emptied
