"""The pipeline on three brokers with replicated topics: it keeps working while any one node is down."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from pipeline.settings import Settings
from tests.conftest import REPO, SEED_ALERTS, SEED_ARTICLE
from tests.integration.conftest import LocalCluster, isolated_env, run_cli, settings_for, start_worker
from tests.integration.kafka_helpers import marker_beside, read_to_end, read_until, run

sys.path.insert(0, str(REPO / "scripts"))
from chaos import active_controller, busiest_leader, longest_quiet

pytestmark = pytest.mark.integration


def story(article: str) -> str:
    lines = [
        "Foreign Minister Dmytro Kuleba spoke to reporters in Kyiv on Tuesday.",
        "He said the shelling of the maternity hospital was a war crime.",
    ]
    return "".join(json.dumps({"article_id": article, "line_no": n, "text": t}) + "\n" for n, t in enumerate(lines, 1))


def _of_articles(*articles: str) -> Callable[[list[dict[str, Any]]], bool]:
    """Done once each of ``articles`` has something on the topic."""
    return lambda found: {m["article_id"] for m in found} >= set(articles)


async def replicas_and_min_isr(settings: Settings) -> tuple[list[int], str]:
    """The replica count of each partition of the lines topic, and its min.insync.replicas."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        [described] = await admin.describe_topics([settings.topic_lines])
        replicas = [len(p["replicas"]) for p in described["partitions"]]
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, settings.topic_lines)])
        entries: list[Any] = response.resources[0][4]
        min_isr = next(entry[1] for entry in entries if entry[0] == "min.insync.replicas")
    finally:
        await admin.close()
    return replicas, min_isr


def _ingest_disturbed(env: dict[str, str], args: list[str], after_s: float, disturb: Callable[[], None]) -> bytes:
    """Ingest ``args``, calling ``disturb`` ``after_s`` seconds in; its standard error, once it has
    exited 0 (a disturbance it did not outlast fails the test)."""
    ingest = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "ingest", *args],
        env={**os.environ, **env},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(after_s)
        assert ingest.poll() is None, "ingest gave up before the disturbance was over"
        disturb()
        _, stderr = ingest.communicate(timeout=240)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode == 0, stderr.decode()
    return stderr


def test_worker_ingest_and_tail_keep_working_with_the_leading_node_down(
    kafka_cluster: LocalCluster, tmp_path: Path
) -> None:
    env = {**isolated_env(kafka_cluster.bootstrap), "NEWS_REPLICATION_FACTOR": "3"}
    settings = settings_for(env)
    (tmp_path / "before.jsonl").write_text(story("cluster-before"))
    (tmp_path / "during.jsonl").write_text(story("cluster-during"))
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        assert run_cli(env, "ingest", str(tmp_path / "before.jsonl")).returncode == 0
        run(read_until(settings, settings.topic_alerts, done=_of_articles("cluster-before"), timeout=90))
        replicas, min_isr = asyncio.run(replicas_and_min_isr(settings))
        assert replicas == [3] * settings.partitions and min_isr == "2"

        busiest = busiest_leader(kafka_cluster.bootstrap, settings.topic_lines)
        kafka_cluster.kill(busiest)
        try:
            ingested = run_cli(env, "ingest", str(tmp_path / "during.jsonl"), timeout=180)
            assert ingested.returncode == 0, ingested.stderr
            done = _of_articles("cluster-before", "cluster-during")
            run(read_until(settings, settings.topic_alerts, done=done, timeout=180))
            tail = run_cli(env, "tail", "--from-beginning", "--max", "2", "--idle-timeout", "60", timeout=120)
        finally:
            kafka_cluster.restart(busiest)
    finally:
        worker.stop()
    # Everything the worker ever published, now that it has stopped; a repeat carries its first copy's id.
    alerts = run(read_to_end(settings, settings.topic_alerts))
    assert sorted({a["event_id"]: a["article_id"] for a in alerts}.values()) == ["cluster-before", "cluster-during"]
    assert tail.returncode == 0, tail.stderr
    assert sorted(json.loads(line)["article_id"] for line in tail.stdout.decode().splitlines()) == [
        "cluster-before",
        "cluster-during",
    ]


def test_with_two_of_three_nodes_down_ingest_waits_and_nothing_is_lost_when_one_returns(
    kafka_cluster: LocalCluster, tmp_path: Path
) -> None:
    env = {**isolated_env(kafka_cluster.bootstrap), "NEWS_REPLICATION_FACTOR": "3", "NEWS_INGEST_TIMEOUT_S": "240"}
    settings = settings_for(env)
    article = "cluster-majority-down"
    lines = [f"Line {n} of the briefing, read while the cluster had lost two of its nodes." for n in range(1, 11)]
    source = tmp_path / "briefing.jsonl"
    source.write_text(
        "".join(json.dumps({"article_id": article, "line_no": n, "text": t}) + "\n" for n, t in enumerate(lines, 1))
    )
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        kafka_cluster.kill(2)
        kafka_cluster.kill(3)
        # Still waiting 15 s on, a majority of nodes down; done once one of them is back.
        stderr = _ingest_disturbed(env, [str(source)], 15, lambda: kafka_cluster.restart(2))
        assert b"published 10 line(s)" in stderr
        classified = run(
            read_until(
                settings,
                settings.topic_classified,
                done=lambda found: {c["line_no"] for c in found} >= set(range(1, 11)),
                timeout=240,
                where=lambda c: c["article_id"] == article,
            )
        )
    finally:
        worker.stop()
        kafka_cluster.restart(3)
    assert sorted({c["line_no"] for c in classified}) == list(range(1, 11))


SEED_LINES = [line for line in SEED_ARTICLE.read_text().splitlines() if line.strip()]
SEED_EXPECTED_ALERTS = [json.loads(line) for line in SEED_ALERTS.read_text().splitlines() if line.strip()]
# Sent after a drill's lines, on each partition they use: its alert comes out after all of theirs.
MARKER_TEXT = "Foreign Minister Dmytro Kuleba said the shelling of the maternity hospital was a war crime."


def _drill_articles(drill: str, copies: int) -> list[str]:
    return [f"{drill}-{copy}" for copy in range(copies)]


def _drill_source(tmp_path: Path, drill: str, copies: int) -> Path:
    """The seed article, as several articles: its speakers and alerts are known exactly."""
    path = tmp_path / f"{drill}.jsonl"
    records = [
        {"article_id": article, "line_no": n, "text": text}
        for n, text in enumerate(SEED_LINES, 1)
        for article in _drill_articles(drill, copies)
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def _assert_the_seed_s_outcome(
    speakers: dict[tuple[str, int], Any], alerts: set[tuple[Any, ...]], articles: list[str]
) -> None:
    """What the input implies, whoever computed it: every line of every copy, and each copy's alerts
    those the seed's labels allow (kind and speaker, on one of the lines they name)."""
    assert set(speakers) == {(article, n) for article in articles for n in range(1, len(SEED_LINES) + 1)}
    allowed = {(row["kind"], row["speaker"]): set(row["lines"]) for row in SEED_EXPECTED_ALERTS}
    for article in articles:
        raised = {(kind, speaker): line for a, line, kind, speaker in alerts if a == article}
        assert set(raised) == set(allowed), (article, raised)
        assert len([a for a in alerts if a[0] == article]) == len(allowed), (article, alerts)
        assert all(line in allowed[key] for key, line in raised.items()), (article, raised)


def _speakers_and_alerts(events: list[dict[str, Any]]) -> tuple[dict[tuple[str, int], Any], set[tuple[Any, ...]]]:
    speakers = {
        (e["article_id"], e["line_no"]): (e["speaker"] or {}).get("name")
        for e in events
        if e["type"] == "news.line.classified"
    }
    alerts = {
        (e["article_id"], e["line_no"], e["kind"], (e["speaker"] or {}).get("name"))
        for e in events
        if e["type"] == "news.alert"
    }
    return speakers, alerts


def _run_drill(cluster: LocalCluster, tmp_path: Path, drill: str, disrupt: Callable[[], None]) -> float:
    """Lines flow while ``disrupt`` runs; every line classified with the speaker and alerts an undisturbed
    run gives. Returns the longest time, in seconds, with nothing classified."""
    env = {**isolated_env(cluster.bootstrap), "NEWS_REPLICATION_FACTOR": "3", "NEWS_INGEST_TIMEOUT_S": "240"}
    settings = settings_for(env)
    articles = _drill_articles(drill, copies=6)
    source = _drill_source(tmp_path, drill, copies=6)
    offline = run_cli(env, "classify", str(source), timeout=120)
    # Were the offline side to fail or fall short, both sides could agree on nothing.
    assert offline.returncode == 0, offline.stderr.decode()[-3000:]
    expected_speakers, expected_alerts = _speakers_and_alerts(
        [json.loads(line) for line in offline.stdout.splitlines()]
    )
    _assert_the_seed_s_outcome(expected_speakers, expected_alerts, articles)
    markers = sorted({marker_beside(article, settings.partitions, f"marker-{drill}") for article in articles})
    (tmp_path / f"{drill}-markers.jsonl").write_text(
        "".join(json.dumps({"article_id": m, "line_no": 1, "text": MARKER_TEXT}) + "\n" for m in markers)
    )
    drilled = lambda e: e["article_id"] in articles  # noqa: E731
    worker = start_worker(env, tmp_path / f"{drill}-worker.log")
    try:
        worker.wait_ready()
        _ingest_disturbed(env, ["--rate", "3", str(source)], 4, disrupt)
        ingested = run_cli(env, "ingest", str(tmp_path / f"{drill}-markers.jsonl"), timeout=240)
        assert ingested.returncode == 0, ingested.stderr.decode()
        every_line = lambda found: {(c["article_id"], c["line_no"]) for c in found} >= set(expected_speakers)  # noqa: E731
        run(read_until(settings, settings.topic_classified, done=every_line, timeout=240, where=drilled))
        run(read_until(settings, settings.topic_alerts, done=_of_articles(*markers), timeout=240))
    finally:
        worker.stop()
    # All the worker ever published for the drill, now that nothing writes any more.
    classified = run(read_to_end(settings, settings.topic_classified, where=drilled))
    alerts = run(read_to_end(settings, settings.topic_alerts, where=drilled))
    _, raised = _speakers_and_alerts(alerts)
    every_copy = {((c["article_id"], c["line_no"]), (c["speaker"] or {}).get("name")) for c in classified}
    assert every_copy == set(expected_speakers.items())  # every line, and a repeat with its first speaker
    assert raised == expected_alerts
    return longest_quiet(classified)


def test_killing_the_active_controller_mid_stream_changes_nothing(kafka_cluster: LocalCluster, tmp_path: Path) -> None:
    controller = active_controller(kafka_cluster.env, kafka_cluster.bootstrap)

    def kill_the_controller() -> None:
        kafka_cluster.kill(controller)

    try:
        quiet = _run_drill(kafka_cluster, tmp_path, "controller", kill_the_controller)
    finally:
        kafka_cluster.restart(controller)
    assert active_controller(kafka_cluster.env, kafka_cluster.bootstrap) in {1, 2, 3}
    print(f"active controller {controller} killed: at most {quiet:.1f} s with nothing classified")


def test_a_rolling_restart_while_lines_flow_changes_nothing(kafka_cluster: LocalCluster, tmp_path: Path) -> None:
    def roll() -> None:
        for node in (1, 2, 3):
            kafka_cluster.kill(node)
            kafka_cluster.restart(node)

    quiet = _run_drill(kafka_cluster, tmp_path, "rolling", roll)
    print(f"rolling restart: at most {quiet:.1f} s with nothing classified")


def test_the_chaos_drill_kills_and_restarts_the_leading_node(kafka_cluster: LocalCluster) -> None:
    """scripts/chaos.py's cluster drill, scaled down (the full size is in benchmarks/chaos.md)."""
    drill = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "chaos.py"),
            "--json",
            *("--nodes", "3", "--port", str(kafka_cluster.base_port)),
            *("--lines", "1000", "--articles", "20", "--rate", "200"),
            *("--kill-at", "0", "--restart-broker-at", "0", "--kill-node-at", "0.3", "--restart-node-at", "0.6"),
        ],
        env=kafka_cluster.env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        check=False,
    )
    assert drill.stdout.strip(), drill.stderr[-3000:]
    counts = json.loads(drill.stdout.strip().splitlines()[-1])
    assert counts["lines_classified"] == counts["lines_sent"] == 1000, counts
    assert counts["lost_lines"] == counts["speaker_mismatches"] == counts["topic_mismatches"] == 0, counts
    assert counts["missing_alerts"] == counts["unexpected_alerts"] == 0, counts
    killed, restarted = counts["events"]
    assert killed.startswith("SIGKILL node") and "restarted" in restarted, counts
    assert drill.returncode == 0, counts
