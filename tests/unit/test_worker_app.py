"""The app at a worker's start and stop, whichever command runs it: no agent starts before its topics
are made sure of, and neither a stop that begins while partitions are being assigned nor messages an
agent holds for a batch it will never start keep a stopping worker."""

from __future__ import annotations

import asyncio
import gc
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import faust
import pytest
from faust.types import TP, Message

import pipeline.app
from pipeline.app import build_app
from pipeline.config.settings import Settings
from pipeline.worker.garbage import OLDER_COLLECTION_EVERY, YOUNG_COLLECTION_EVERY
from pipeline.worker.supervisor import STOP_TIMEOUT_S
from tests.conftest import REPO


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_fausts_own_worker_starts_no_agent_before_its_topics_are_made_sure_of(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWS_")}
    env |= {
        "NEWS_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{unused_port()}",  # no broker: the topics cannot be had
        "NEWS_INGEST_TIMEOUT_S": "1",
        "NEWS_DATA_DIR": str(tmp_path),
    }
    bare = subprocess.run(
        [sys.executable, "-m", "faust", "-A", "pipeline.app", "worker", "--loglevel", "info", "--without-web"],
        env=env,
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )
    said = (bare.stdout + bare.stderr).decode()
    assert bare.returncode != 0, said[-3000:]
    assert "create topics: broker unreachable" in said, said[-3000:]
    started = re.findall(r"\[\^-*((?:Producer|Consumer|Agent|Table)[^\]]*)\]: Starting", said)  # as Faust logs it
    assert not started, said[-3000:]


@pytest.fixture
def settings(no_pipeline_env: None, tmp_path: Path) -> Settings:
    return Settings(app_id="worker-app", data_dir=tmp_path)


async def assign_while_the_consumer_thread_stops(settings: Settings, stopping: bool) -> None:
    """Partitions assigned while Faust stops the consumer thread, which cancels what it was asked."""
    app = build_app(settings)

    async def cancelled(*partitions: TP) -> dict[TP, int]:
        raise asyncio.CancelledError

    app.consumer.earliest_offsets = cancelled  # type: ignore[method-assign]
    if stopping:
        app._stopped.set()  # what Faust's stop sets first
    await app.on_partitions_assigned.send({TP(settings.topic_lines, 0)})


def test_a_stop_during_an_assignment_is_not_passed_on_to_the_group_coordination(settings: Settings) -> None:
    # Passed on, the cancellation ended aiokafka's group coordination, which waits for the handlers,
    # with an error, and the consumer thread never said it had shut down: the worker took a minute to exit.
    asyncio.run(assign_while_the_consumer_thread_stops(settings, stopping=True))


def test_a_cancelled_assignment_of_a_worker_not_stopping_stays_cancelled(settings: Settings) -> None:
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(assign_while_the_consumer_thread_stops(settings, stopping=False))


def test_a_stopping_worker_leaves_the_messages_no_batch_will_acknowledge_to_the_next(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline.app, "BATCHES_AT_STOP_S", 0.1)

    async def wait_for_the_agents(self: faust.App) -> None:  # how Faust's own on_stop begins
        await self.consumer.wait_empty()

    monkeypatch.setattr(faust.App, "on_stop", wait_for_the_agents)
    tp = TP(settings.topic_lines, 0)
    # Taken by an agent for a batch it would start with the next message, which never comes: Faust
    # cleared the agents' input as the stop began, and waited for this one for ever.
    held = Message(tp.topic, tp.partition, 5, 0.0, 0, None, b"article", b"line", None, tp=tp)

    async def stop() -> dict[TP, object]:
        app = build_app(settings)
        app.consumer.track_message(held)
        await asyncio.wait_for(app.on_stop(), STOP_TIMEOUT_S)
        app.consumer.ack(held)  # too late: it counts towards no commit
        return dict(app.consumer._acked)

    assert asyncio.run(stop()) == {}


def test_a_started_worker_freezes_what_it_holds_and_collects_its_garbage_less_often(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    thresholds = gc.get_threshold()

    async def started_as_faust_starts_it(self: faust.App) -> None:
        pass

    monkeypatch.setattr(faust.App, "on_started", started_as_faust_starts_it)
    try:
        asyncio.run(build_app(settings).on_started())
        assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, OLDER_COLLECTION_EVERY, OLDER_COLLECTION_EVERY)
        assert gc.get_freeze_count() > 0
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # a cycle made afterwards is still garbage the collector finds
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
