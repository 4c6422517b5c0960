"""Ingest puts each article on the partition any Kafka client's default partitioner would:
a CMS writing straight to the lines topic keeps an article's lines on one partition with it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.broker.topics import ensure_topics
from tests.integration.conftest import isolated_env, run_cli, settings_for
from tests.integration.kafka_helpers import run

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is installed by scripts/bootstrap"),
]
ARTICLES = [f"partitioned-{n}" for n in range(24)]


def partitions_by_key(servers: str, topic: str) -> dict[str, int]:
    result = subprocess.run(
        ["kcat", "-b", servers, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\\t%p\\n"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {key: int(partition) for key, partition in (line.split("\t") for line in result.stdout.splitlines())}


def test_each_article_goes_where_a_java_compatible_client_sends_its_key(kafka_broker: str, tmp_path: Path) -> None:
    ingested_env, reference_env = isolated_env(kafka_broker), isolated_env(kafka_broker)
    archive = tmp_path / "articles.jsonl"
    lines = [{"article_id": a, "line_no": n, "text": f"Line {n} of {a}."} for a in ARTICLES for n in (1, 2)]
    archive.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert run_cli(ingested_env, "ingest", str(archive)).returncode == 0

    reference = settings_for(reference_env)
    run(ensure_topics(reference))  # the same partition count
    subprocess.run(
        ["kcat", "-b", kafka_broker, "-P", "-t", reference.topic_lines, "-K", "\t", "-X", "partitioner=murmur2_random"],
        input="".join(f"{a}\tx\n" for a in ARTICLES),
        text=True,
        timeout=60,
        check=True,
    )
    ingested = partitions_by_key(kafka_broker, settings_for(ingested_env).topic_lines)
    assert ingested == partitions_by_key(kafka_broker, reference.topic_lines)
    assert len(set(ingested.values())) > 1  # spread over the partitions, not all on one
