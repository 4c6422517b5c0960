"""Two workers share the partitions; when one leaves and another joins, articles and their memory move."""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.domain.classifier import LineClassifier
from pipeline.events import ClassifiedLine, LineEvent
from pipeline.offline import classify_events
from tests.conftest import REPO
from tests.integration.conftest import isolated_env, run_cli

sys.path.insert(0, str(REPO / "scripts"))
import chaos

pytestmark = pytest.mark.integration


def ingest(env: dict[str, str], records: list[dict[str, object]]) -> None:
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    result = run_cli(env, "ingest", "--format", "jsonl", "-", stdin=data)
    assert result.returncode == 0, result.stderr.decode()


def wait_for(collected: chaos.Collected, lines: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while collected.distinct_lines() < lines and time.monotonic() < deadline:
        time.sleep(0.5)
    assert collected.distinct_lines() >= lines


def test_articles_move_between_workers_with_their_memory(
    kafka_broker: str, tmp_path: Path, classifier: LineClassifier
) -> None:
    env = {**isolated_env(kafka_broker), "NEWS_LOG_LEVEL": "INFO"}
    records = chaos.corpus(480, 16)  # 30 lines each, interleaved
    thirds = (
        [r for r in records if r["line_no"] <= 10],
        [r for r in records if 10 < r["line_no"] <= 20],
        [r for r in records if r["line_no"] > 20],
    )
    now = datetime.now(UTC)
    expected = {
        (e.article_id, e.line_no): (e.speaker.name if e.speaker else None)
        for e in classify_events(
            classifier,
            [
                LineEvent(event_id=LineEvent.id_for(r["article_id"], r["line_no"]), ingested_at=now, **r)
                for r in records
            ],
            now,
        )
        if isinstance(e, ClassifiedLine)
    }
    collected, stop = chaos.Collected(), threading.Event()
    collector = threading.Thread(target=chaos.collect, args=(env, collected, stop), daemon=True)
    first = chaos.Worker(env, tmp_path / "first.log")
    second = chaos.Worker(env, tmp_path / "second.log")
    third: chaos.Worker | None = None
    try:
        first.wait_ready(0)
        second.wait_ready(0)
        collector.start()
        ingest(env, thirds[0])
        wait_for(collected, 160)
        second.stop()  # leaves: its partitions and their table state move to the first worker
        ingest(env, thirds[1])
        wait_for(collected, 320)
        third = chaos.Worker(env, tmp_path / "third.log")  # joins: takes partitions over
        third.wait_ready(0)
        ingest(env, thirds[2])
        wait_for(collected, 480)
        time.sleep(3)
    finally:
        for worker in (first, second, third):
            if worker is not None:
                worker.stop()
        stop.set()
        collector.join(timeout=10)

    with collected.lock:
        classified = list(collected.classified)
    by_line = {(c["article_id"], c["line_no"]): c for c in classified}
    assert set(by_line) == set(expected)
    assert len(classified) == len(by_line), "a line was classified twice"
    wrong = [k for k, c in by_line.items() if (c["speaker"]["name"] if c["speaker"] else None) != expected[k]]
    assert wrong == []
    worked = [
        log.read_text(errors="replace").count("line_classified")
        for log in (tmp_path / "first.log", tmp_path / "second.log", tmp_path / "third.log")
    ]
    assert all(n > 0 for n in worked), f"lines classified per worker: {worked}"
