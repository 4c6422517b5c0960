"""The agents as Faust runs them, in-process: Faust's own test context feeds each agent and a
recording producer stands in for Kafka (the same agents run against the broker in
tests/integration)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faust
import pytest
from faust.types import TP

from pipeline.app import build_app
from pipeline.broker.topics import changelog_topics, pipeline_topics
from pipeline.config.settings import Settings
from pipeline.contracts.events import LineEvent
from pipeline.domain.classifier import LineClassifier
from pipeline.worker import delivery
from tests.unit.test_delivery import FailingRules, line


class RecordingProducer:
    """Takes what the agents send, as Kafka would, and remembers it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None, int | None]] = []
        self.declared: list[str] = []

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, *args: Any
    ) -> asyncio.Future[Any]:
        self.sent.append((topic, key, value, partition))
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        done.set_result(type("Metadata", (), {"partition": partition or 0, "offset": len(self.sent)})())
        return done

    async def create_topic(self, topic: str, *args: Any, **kwargs: Any) -> None:
        self.declared.append(topic)

    async def maybe_start(self) -> None:
        pass

    def values(self, topic: str) -> list[dict[str, Any]]:
        return [json.loads(value) for name, _, value, _ in self.sent if name == topic and value is not None]


@pytest.fixture
def settings(no_pipeline_env: None, tmp_path: Path) -> Settings:
    return Settings(app_id=f"in-process-{uuid.uuid4().hex[:8]}", data_dir=tmp_path)


def test_a_workers_local_files_go_under_the_data_dir_in_a_folder_of_its_app_id(settings: Settings) -> None:
    settings = settings.model_copy(update={"data_dir": settings.data_dir / "not" / "made" / "yet"})
    datadir = Path(build_app(settings).conf.datadir)
    assert datadir == settings.data_dir / settings.app_id
    datadir.mkdir(exist_ok=True)  # as Faust makes it when the worker starts: only the last folder


async def assign_partition_zero(app: faust.App, agent: faust.types.AgentT[Any]) -> None:
    """What a worker does when it is assigned partition 0 of the agent's topic: it learns where the
    partition's log starts (here, at 0, where the test context's offsets start)."""

    async def log_starts_at_zero(*partitions: TP) -> dict[TP, int]:
        return dict.fromkeys(partitions, 0)

    app.consumer.earliest_offsets = log_starts_at_zero  # type: ignore[method-assign]
    await app.on_partitions_assigned.send({TP(agent.channel.get_topic_name(), 0)})


def run_agent(
    app: faust.App, agent_name: str, values: list[bytes], until: Callable[[RecordingProducer], bool]
) -> RecordingProducer:
    producer = RecordingProducer()
    app.producer = producer  # type: ignore[assignment]
    agent = next(a for a in app.agents.values() if a.name.endswith(agent_name))

    async def feed() -> None:
        await assign_partition_zero(app, agent)
        async with agent.test_context() as tested:
            for value in values:
                await tested.put(value, key=b"a", partition=0, wait=False)
            for _ in range(500):
                if until(producer):
                    return
                await asyncio.sleep(0.01)
            raise AssertionError(f"the agent did not finish: {producer.sent}")

    asyncio.run(feed())
    return producer


def encoded(event: LineEvent) -> bytes:
    return event.model_dump_json().encode()


def test_the_classify_agent_sends_classified_lines_dead_letters_and_changelog(settings: Settings) -> None:
    app = build_app(settings)
    lines = [encoded(line(1)), b"{not json", encoded(line(2)), encoded(line(3))]
    memories = f"{settings.app_id}-article_memory-changelog"

    def done(p: RecordingProducer) -> bool:  # a batch's memories go out after its lines and dead letters
        return len(p.values(settings.topic_classified)) == 3 and bool(
            p.values(settings.topic_dlq) and p.values(memories)
        )

    producer = run_agent(app, "classify_lines", lines, done)
    classified = producer.values(settings.topic_classified)
    assert [(c["line_no"], (c["speaker"] or {}).get("name")) for c in classified][2] == (3, "Dmytro Kuleba")
    assert [d["reason"] for d in producer.values(settings.topic_dlq)] == ["invalid_json"]
    changelogs = {topic for topic, *_ in producer.sent if topic.endswith("-changelog")}
    assert {f"{settings.app_id}-{t}-changelog" for t in ("article_memory", "checkpoints")} <= changelogs


@pytest.mark.parametrize("made_sure_of_at_start", [True, False])
def test_a_topic_made_sure_of_at_start_is_not_declared_again_on_first_use(
    settings: Settings, made_sure_of_at_start: bool
) -> None:
    app = build_app(settings)
    if made_sure_of_at_start:  # as PipelineApp.on_first_start does, once the broker lists them
        app.topics_made_sure_of.update(pipeline_topics(settings, app.alert_kinds))
    outputs = {settings.topic_classified, settings.topic_alerts, f"{settings.topic_alerts}.war_crimes"}
    producer = run_agent(app, "classify_lines", [encoded(line(1))], lambda p: bool(p.values(settings.topic_alerts)))
    assert (outputs & set(producer.declared)) == (set() if made_sure_of_at_start else outputs)


def test_the_classify_agent_raises_alerts_and_dead_letters_a_line_its_rules_fail_on(
    settings: Settings, classifier: LineClassifier
) -> None:
    values = [encoded(line(1)), encoded(line(2))]
    failing = build_app(settings, FailingRules(classifier.taxonomy, classifier.english))
    producer = run_agent(failing, "classify_lines", values, lambda p: len(p.values(settings.topic_dlq)) == 2)
    assert [d["reason"] for d in producer.values(settings.topic_dlq)] == ["processing_error"] * 2
    assert [c["line_no"] for c in producer.values(settings.topic_classified)] == [1, 2]  # classified all the same
    working = run_agent(build_app(settings), "classify_lines", values, lambda p: bool(p.values(settings.topic_alerts)))
    assert [a["kind"] for a in working.values(settings.topic_alerts)] == ["war_crimes"]
    # The same alert, byte for byte, on the topic of its kind.
    assert working.values(f"{settings.topic_alerts}.war_crimes") == working.values(settings.topic_alerts)


class GatedProducer(RecordingProducer):
    """Kafka acknowledging nothing of one topic until released."""

    def __init__(self, gated: str) -> None:
        super().__init__()
        self.gated, self.unanswered = gated, list[asyncio.Future[Any]]()

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, *args: Any
    ) -> asyncio.Future[Any]:
        sent = await super().send(topic, key, value, partition)
        if topic != self.gated:
            return sent
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.unanswered.append(answer)
        return answer

    def release(self, latest_first: bool = False) -> None:
        for answer in reversed(self.unanswered) if latest_first else self.unanswered:
            answer.set_result(type("Metadata", (), {"partition": 0, "offset": 0})())


def test_a_batch_sends_its_memories_only_once_kafka_has_its_checkpoint_and_goes_on_meanwhile(
    settings: Settings,
) -> None:
    app = build_app(settings)
    checkpoints = f"{settings.app_id}-checkpoints-changelog"
    memories = f"{settings.app_id}-article_memory-changelog"
    producer = GatedProducer(checkpoints)
    app.producer = producer  # type: ignore[assignment]
    agent = next(a for a in app.agents.values() if a.name.endswith("classify_lines"))

    async def until(done: Callable[[], bool]) -> None:
        while not done():
            await asyncio.sleep(0.01)

    async def feed() -> tuple[list[str], list[int]]:
        await assign_partition_zero(app, agent)
        async with agent.test_context() as tested:
            await tested.put(encoded(line(1)), key=b"a", partition=0, wait=False)
            await until(lambda: bool(producer.unanswered))
            # The first batch's checkpoint is not acknowledged; the agent takes the next line anyway.
            await tested.put(encoded(line(2)), key=b"a", partition=0, wait=False)
            await until(lambda: len(producer.values(settings.topic_classified)) == 2)
            await asyncio.sleep(0.1)  # the agent would have sent a memory by now
            before = [topic for topic, *_ in producer.sent]
            producer.release(latest_first=True)
            await until(lambda: len(producer.values(memories)) == 2)
            return before, [m["last_line_no"] for m in producer.values(memories)]

    sent_before_release, memory_lines = asyncio.run(asyncio.wait_for(feed(), timeout=20))
    assert sent_before_release.count(checkpoints) == 2
    assert memories not in sent_before_release
    assert memory_lines == [1, 2]  # in batch order, so the changelog's last memory is the latest


def test_what_a_batch_ends_before_is_the_start_of_the_next(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "MAX_CHECKPOINT_BYTES", 1)  # one article a checkpoint
    lines = [encoded(line(1, article)) for article in ("a", "b", "c")]
    checkpoints = f"{settings.app_id}-checkpoints-changelog"
    producer = run_agent(
        build_app(settings), "classify_lines", lines, lambda p: len(p.values(settings.topic_classified)) == 3
    )
    assert [c["article_id"] for c in producer.values(settings.topic_classified)] == ["a", "b", "c"]
    assert [list(c["memories"]) for c in producer.values(checkpoints)] == [["a"], ["b"], ["c"]]


def test_the_changelogs_reprocessing_clears_are_every_table_the_worker_keeps(settings: Settings) -> None:
    app = build_app(settings)
    assert sorted(table.changelog_topic.get_topic_name() for table in app.tables.values()) == sorted(
        changelog_topics(settings)
    )


def test_with_three_replicas_every_topic_and_changelog_needs_two_in_sync(settings: Settings) -> None:
    replicated = settings.model_copy(update={"replication_factor": 3})
    app = build_app(replicated)
    assert app.conf.topic_replication_factor == 3  # what a changelog is created with, unless it says otherwise
    for table in app.tables.values():
        changelog = table.changelog_topic
        assert changelog.replicas in (None, 3) and changelog.config["min.insync.replicas"] == "2"
    topics = {agent.channel.get_topic_name(): agent.channel for agent in app.agents.values()}
    assert topics[replicated.topic_lines].config == {"min.insync.replicas": "2"}
    assert topics[replicated.topic_lines].replicas == 3


def test_the_worker_s_producer_is_idempotent_and_waits_for_every_in_sync_replica(settings: Settings) -> None:
    app = build_app(settings)
    assert app.producer._settings_extra() == {"acks": "all", "enable_idempotence": True}
