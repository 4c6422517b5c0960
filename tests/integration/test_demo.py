"""The README's first command, on a port of its own: its broker, worker, ingest and tail."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess

from aiokafka.admin import AIOKafkaAdminClient

from tests.conftest import REPO, SEED_ALERTS
from tests.integration.conftest import free_ports_in_a_row


async def topics_on(servers: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


def test_kafka_port_moves_the_demo_broker_and_its_clients_together(kafka_broker: str) -> None:
    port = free_ports_in_a_row(2)  # the broker's, and its controller's next to it
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWS_")}
    before = asyncio.run(topics_on(kafka_broker))
    result = subprocess.run(
        [str(REPO / "scripts/demo")],
        env={**env, "KAFKA_PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3_000:]
    expected = {json.loads(line)["kind"] for line in SEED_ALERTS.read_text().splitlines() if line.strip()}
    shown = result.stdout.splitlines()
    assert len(shown) == len(expected) and all(any(kind in line for line in shown) for kind in expected)
    # The session's broker, which the demo's clients reached before, saw nothing of the demo.
    assert not {t for t in asyncio.run(topics_on(kafka_broker)) - before if "demo-" in t}
    assert f"127.0.0.1:{port}" in result.stderr
    # What the client says of topics being created, which every command waits for, is not an error.
    assert "not found in cluster metadata" not in result.stderr
    assert not [line for line in result.stderr.splitlines() if '"level": "error"' in line or "[error" in line]
