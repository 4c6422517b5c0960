"""The pipeline on three brokers with replicated topics: it keeps working while any one node is down.

The cluster drills at full size (the active controller killed, a rolling restart) are run with
scripts/chaos.py, their figures in benchmarks/chaos.md; the suite runs the leading node's, scaled down.
"""

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

from pipeline.config.settings import Settings
from tests.conftest import REPO
from tests.integration.conftest import LocalCluster, isolated_env, run_cli, settings_for, start_worker
from tests.integration.kafka_helpers import read_to_end, read_until, run
from tests.integration.test_crash_recovery import assert_nothing_lost, drill

sys.path.insert(0, str(REPO / "scripts"))
from chaos import busiest_leader

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


def test_the_chaos_drill_kills_and_restarts_the_leading_node(kafka_cluster: LocalCluster) -> None:
    """scripts/chaos.py's cluster drill, scaled down (the full size is in benchmarks/chaos.md)."""
    counts = drill(
        kafka_cluster.bootstrap,
        *("--nodes", "3", "--rate", "200"),
        *("--kill-at", "0", "--restart-broker-at", "0", "--kill-node-at", "0.3", "--restart-node-at", "0.6"),
        env=kafka_cluster.env,
    )
    assert_nothing_lost(counts)
    killed, restarted = counts["events"]  # type: ignore[misc]
    assert killed.startswith("SIGKILL node") and "restarted" in restarted, counts


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

        # Left down: the next test to need every node starts it again (see the kafka_cluster fixture).
        kafka_cluster.kill(busiest_leader(kafka_cluster.bootstrap, settings.topic_lines))
        ingested = run_cli(env, "ingest", str(tmp_path / "during.jsonl"), timeout=180)
        assert ingested.returncode == 0, ingested.stderr
        done = _of_articles("cluster-before", "cluster-during")
        run(read_until(settings, settings.topic_alerts, done=done, timeout=180))
        tail = run_cli(env, "tail", "--from-beginning", "--max", "2", "--idle-timeout", "60", timeout=120)
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
    env = {
        **isolated_env(kafka_cluster.bootstrap),
        "NEWS_REPLICATION_FACTOR": "3",
        "NEWS_INGEST_TIMEOUT_S": "240",
        # The worker's producer can go on retrying a node's stale answer about who leads a partition after
        # the cluster regains its majority (aiokafka issue #1018); its supervisor then restarts it as
        # stalled. Sooner than the default minute, so that this drill's worst case stays short.
        "NEWS_STALL_AFTER_S": "20",
    }
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
        worker.stop()  # node 3 left down, as the leading node above
    assert sorted({c["line_no"] for c in classified}) == list(range(1, 11))
