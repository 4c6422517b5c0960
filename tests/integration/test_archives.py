"""Recording a topic to an archive and replaying it: under a prefix, at a pace, compared with a golden file."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from pipeline.config.settings import Settings
from pipeline.contracts.events import LineEvent
from tests.integration.conftest import WorkerProcess, run_cli, settings_for, start_worker
from tests.integration.kafka_helpers import produce_raw, read_json, read_to_end, run

pytestmark = pytest.mark.integration

TEXTS = [
    "Turkish President Recep Tayyip Erdogan spoke to reporters in Ankara on Monday.",
    "He proposed a humanitarian corridor to evacuate civilians from the besieged port.",
    "Foreign Minister Dmytro Kuleba said the shelling of the shelters amounted to war crimes.",
]


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def archive_lines(path: Path) -> list[LineEvent]:
    return [LineEvent.model_validate_json(line) for line in path.read_text().splitlines()]


def alerts_of(settings: Settings, article: str, until: int, timeout: float = 90) -> list[dict[str, Any]]:
    found = run(
        read_json(
            settings, settings.topic_alerts, until=until, timeout=timeout, where=lambda a: a["article_id"] == article
        )
    )
    return sorted(found, key=lambda a: (a["line_no"], a["kind"]))


def test_record_then_replay_under_a_prefix_gives_the_same_alerts(
    worker: WorkerProcess, pipeline_env: dict[str, str], pipeline_settings: Settings, tmp_path: Path
) -> None:
    article = f"archived-{uuid.uuid4().hex[:6]}"
    source = tmp_path / "story.jsonl"
    source.write_text(jsonl([{"article_id": article, "line_no": n, "text": t} for n, t in enumerate(TEXTS, 1)]))
    assert run_cli(pipeline_env, "ingest", str(source)).returncode == 0
    live = alerts_of(pipeline_settings, article, until=2)
    assert [a["kind"] for a in live] == ["corridor_proposal", "war_crimes"]

    archive = tmp_path / "archive.jsonl"
    recorded = run_cli(pipeline_env, "archive", "record", "--article", article, "-o", str(archive))
    assert recorded.returncode == 0, recorded.stderr
    assert f"recorded 3 line(s) of 1 article(s) from {pipeline_settings.topic_lines}" in recorded.stderr.decode()
    assert [(e.event_id, e.text) for e in archive_lines(archive)] == [
        (LineEvent.id_for(article, n), t) for n, t in enumerate(TEXTS, 1)
    ]

    prefix = f"rp{uuid.uuid4().hex[:6]}."
    replay_env = {**pipeline_env, "NEWS_TOPIC_PREFIX": prefix}
    replay_worker = start_worker(replay_env, tmp_path / "replay-worker.log")
    try:
        replay_worker.wait_ready()
        golden = tmp_path / "golden.jsonl"
        replayed = run_cli(
            pipeline_env,
            *("replay", str(archive), "--topic-prefix", prefix, "--expect", str(golden), "--write-golden"),
            timeout=180,
        )
        assert replayed.returncode == 0, replayed.stderr
    finally:
        replay_worker.stop()
    prefixed = settings_for(replay_env)
    assert prefixed.topic_alerts == prefix + pipeline_settings.topic_alerts
    # The replay's worker has stopped: all it raised is there to read to the end.
    again = sorted(
        run(read_to_end(prefixed, prefixed.topic_alerts, where=lambda a: a["article_id"] == article)),
        key=lambda a: (a["line_no"], a["kind"]),
    )
    assert [a["event_id"] for a in again] == [a["event_id"] for a in live]
    assert [(r["kind"], r["speaker"]) for r in map(json.loads, golden.read_text().splitlines())] == [
        (a["kind"], a["speaker"]["name"]) for a in live
    ]
    # The live run's golden file is what the same rules give in-process.
    offline = run_cli(pipeline_env, "replay", "--offline", str(archive), "--expect", str(golden))
    assert offline.returncode == 0, offline.stdout + offline.stderr

    # Production's lines topic saw nothing of the replay, which has exited: read to its end, it holds
    # the article's three lines once. The prefixed one holds the same events.
    production = run(
        read_to_end(pipeline_settings, pipeline_settings.topic_lines, where=lambda e: e["article_id"] == article)
    )
    assert [e["event_id"] for e in production] == [LineEvent.id_for(article, n) for n in (1, 2, 3)]
    copy = tmp_path / "copy.jsonl"
    assert run_cli(replay_env, "archive", "record", "-o", str(copy)).returncode == 0
    assert archive_lines(copy) == archive_lines(archive)


async def _timestamps(settings: Settings, topic: str, count: int, timeout: float = 60) -> list[int]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[int] = []
    deadline = time.monotonic() + timeout
    try:
        while len(found) < count and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(r.timestamp for r in records)
    finally:
        await consumer.stop()
    return sorted(found)


def test_a_replay_at_speed_keeps_the_archive_s_gaps_divided_by_the_speed(
    pipeline_env: dict[str, str], tmp_path: Path
) -> None:
    start = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    archive = tmp_path / "paced.jsonl"
    archive.write_text(
        jsonl(
            [
                {
                    "article_id": "paced",
                    "line_no": n,
                    "text": f"Line {n} of the briefing.",
                    "ingested_at": (start + timedelta(seconds=6 * (n - 1))).isoformat(),
                }
                for n in (1, 2, 3)
            ]
        )
    )
    prefix = f"paced{uuid.uuid4().hex[:6]}."
    result = run_cli(pipeline_env, "replay", str(archive), "--speed", "4", "--topic-prefix", prefix)
    assert result.returncode == 0, result.stderr
    assert "replayed 3 line(s) of 1 article(s) from 1 archive(s)" in result.stderr.decode()
    settings = settings_for({**pipeline_env, "NEWS_TOPIC_PREFIX": prefix})
    stamps = run(_timestamps(settings, settings.topic_lines, 3))
    # Each line is due 6 s / 4 = 1.5 s after the one before, counted from the start (a late line does
    # not push the others back): lower bounds, less the little the first line took to be appended.
    since_first = [stamp - stamps[0] for stamp in stamps]
    assert len(stamps) == 3 and since_first[1] >= 1_400 and since_first[2] >= 2_900, since_first

    # Bounded recordings of what was just replayed: by offsets (per partition), and by record time.
    prefixed_env = {**pipeline_env, "NEWS_TOPIC_PREFIX": prefix}
    middle, latest = tmp_path / "middle.jsonl", tmp_path / "latest.jsonl"
    assert (
        run_cli(
            prefixed_env, "archive", "record", "--from-offset", "1", "--to-offset", "2", "-o", str(middle)
        ).returncode
        == 0
    )
    since = datetime.fromtimestamp(stamps[2] / 1000, UTC).isoformat()
    assert run_cli(prefixed_env, "archive", "record", "--since", since, "-o", str(latest)).returncode == 0
    assert [e.line_no for e in archive_lines(middle)] == [2]
    assert [e.line_no for e in archive_lines(latest)] == [3]

    # A record that is not a line event is left out, counted and named, and the rest recorded.
    run(produce_raw(settings, settings.topic_lines, [(b"paced", b"{not json")]))
    whole = tmp_path / "whole.jsonl"
    result = run_cli(prefixed_env, "archive", "record", "-o", str(whole))
    assert result.returncode == 0 and [e.line_no for e in archive_lines(whole)] == [1, 2, 3]
    assert f"left out {settings.topic_lines}:" in result.stderr.decode() and ": invalid_json:" in result.stderr.decode()
    assert "left out 1 record(s) that are not line events" in result.stderr.decode()


def test_a_live_comparison_without_a_worker_says_what_is_missing(pipeline_env: dict[str, str], tmp_path: Path) -> None:
    archive = tmp_path / "alone.jsonl"
    archive.write_text(jsonl([{"article_id": "alone", "line_no": 1, "text": "Nobody is listening."}]))
    prefix = f"none{uuid.uuid4().hex[:6]}."
    result = run_cli(
        pipeline_env,
        *("replay", str(archive), "--topic-prefix", prefix, "--expect", str(tmp_path / "g.jsonl"), "--wait", "3"),
    )
    assert result.returncode == 4
    assert "1 line(s) were not classified within 3 s" in result.stderr.decode()
