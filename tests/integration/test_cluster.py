"""The pipeline on three brokers with replicated topics: it keeps working while any one node is down."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from pipeline.settings import Settings
from tests.integration.conftest import LocalCluster, isolated_env, run_cli, settings_for, start_worker
from tests.integration.kafka_helpers import read_json, run

pytestmark = pytest.mark.integration


def story(article: str) -> str:
    lines = [
        "Foreign Minister Dmytro Kuleba spoke to reporters in Kyiv on Tuesday.",
        "He said the shelling of the maternity hospital was a war crime.",
    ]
    return "".join(json.dumps({"article_id": article, "line_no": n, "text": t}) + "\n" for n, t in enumerate(lines, 1))


async def leaders_and_configs(settings: Settings) -> tuple[dict[int, int], list[int], str]:
    """The leader of each partition of the lines topic, its replica count, and its min.insync.replicas."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        [described] = await admin.describe_topics([settings.topic_lines])
        leaders = {p["partition"]: p["leader"] for p in described["partitions"]}
        replicas = [len(p["replicas"]) for p in described["partitions"]]
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, settings.topic_lines)])
        entries: list[Any] = response.resources[0][4]
        min_isr = next(entry[1] for entry in entries if entry[0] == "min.insync.replicas")
    finally:
        await admin.close()
    return leaders, replicas, min_isr


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
        run(read_json(settings, settings.topic_alerts, until=1, timeout=90))
        leaders, replicas, min_isr = asyncio.run(leaders_and_configs(settings))
        assert replicas == [3] * settings.partitions and min_isr == "2"

        busiest = max(set(leaders.values()), key=list(leaders.values()).count)
        kafka_cluster.kill(busiest)
        try:
            ingested = run_cli(env, "ingest", str(tmp_path / "during.jsonl"), timeout=180)
            assert ingested.returncode == 0, ingested.stderr
            alerts = run(read_json(settings, settings.topic_alerts, until=2, timeout=180))
            tail = run_cli(env, "tail", "--from-beginning", "--max", "2", "--idle-timeout", "60", timeout=120)
        finally:
            kafka_cluster.restart(busiest)
    finally:
        worker.stop()
    assert sorted(a["article_id"] for a in alerts) == ["cluster-before", "cluster-during"]
    assert tail.returncode == 0, tail.stderr
    assert sorted(json.loads(line)["article_id"] for line in tail.stdout.decode().splitlines()) == [
        "cluster-before",
        "cluster-during",
    ]
