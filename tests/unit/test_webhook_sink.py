"""The webhook sink's subscribers each in their own time, with a consumer and a producer standing in for
Kafka's (what the sink calls of them, and no more) and receivers answering through httpx's mock transport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka.structs import ConsumerRecord, TopicPartition
from pydantic import SecretStr
from structlog.testing import capture_logs

from pipeline.config.settings import Settings
from pipeline.contracts.events import Alert
from pipeline.web.webhook_sink import WebhookSink
from pipeline.web.webhooks import Subscriber, Webhook

ALERTS = TopicPartition("news.alerts", 0)
Fetch = dict[TopicPartition, list[ConsumerRecord]]


class Consumer:
    """Hands out ``fetches`` one per ``getmany`` of a partition not paused, then nothing; keeps what is
    committed, and counts the polls made with the partition paused."""

    def __init__(self, fetches: list[Fetch], assigned: set[TopicPartition] | None = None) -> None:
        self.fetches = fetches
        self.assigned = {ALERTS} if assigned is None else assigned
        self.commits: list[dict[TopicPartition, int]] = []
        self.paused: set[TopicPartition] = set()
        self.polls = 0
        self.polls_paused = 0

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    async def position(self, partition: TopicPartition) -> int:
        return 0

    def pause(self, *partitions: TopicPartition) -> None:
        self.paused.update(partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self.paused.difference_update(partitions)

    async def getmany(self, timeout_ms: int) -> Fetch:
        self.polls += 1
        if self.assigned and self.assigned <= self.paused:
            self.polls_paused += 1
        elif self.fetches and self.assigned:
            return self.fetches.pop(0)
        await asyncio.sleep(0.01)
        return {}

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.commits.append(dict(offsets))


class Producer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes]] = []

    async def send_and_wait(self, topic: str, value: bytes, key: bytes | None = None) -> None:
        self.sent.append((topic, value))


def subscriber(name: str) -> Subscriber:
    return Subscriber(
        hook=Webhook(name=name, url=f"https://{name}.example.org/hook", secret_env="S"),
        secret=SecretStr("k"),
    )


def record(offset: int) -> ConsumerRecord:
    alert = Alert(
        event_id=Alert.id_for("story", "war_crimes", str(offset)),
        kind="war_crimes",
        severity="critical",
        article_id="story",
        line_no=offset + 1,
        line_event_id=f"line-{offset}",
        speaker=None,
        text="He said the killings were war crimes.",
        evidence=("war crimes",),
        raised_at=datetime.now(UTC),
    )
    return ConsumerRecord(
        ALERTS.topic, ALERTS.partition, offset, 0, 0, b"story", alert.model_dump_json().encode(), None, 5, 9, ()
    )


class Receivers:
    """Each host's requests as the offsets of the alerts posted, in order; ``answer`` decides each answer."""

    def __init__(self, answer: Callable[[str], Awaitable[int]]) -> None:
        self.posted: dict[str, list[int]] = {}
        self.answer = answer

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host.split(".")[0]
        self.posted.setdefault(host, []).append(json.loads(request.content)["line_no"] - 1)
        return httpx.Response(await self.answer(host))


def slow_until(answered: asyncio.Event) -> Receivers:
    """Receivers where the host "slow" answers only once ``answered`` is set, and every other at once."""

    async def answer(host: str) -> int:
        if host == "slow":
            await answered.wait()
        return 200

    return Receivers(answer)


async def until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise TimeoutError(what)


async def running(sink: WebhookSink, receivers: Receivers, check: Callable[[], Awaitable[None]]) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(receivers)) as client:
        task = asyncio.create_task(sink.run(client))
        try:
            await check()
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def sink_of(consumer: Consumer, producer: Producer, names: list[str], **settings: Any) -> WebhookSink:
    chosen = Settings(**{"commit_interval_s": 0.01, "webhook_attempts": 2, "webhook_backoff_s": 0.001, **settings})
    return WebhookSink(chosen, [subscriber(name) for name in names], consumer, producer)


def test_a_subscriber_that_keeps_failing_holds_up_no_other_and_its_alerts_become_dead_letters() -> None:
    consumer, producer = Consumer([{ALERTS: [record(n) for n in range(4)]}]), Producer()
    sink = sink_of(consumer, producer, ["broken", "desk"], webhook_backoff_s=0.25)

    async def answer(host: str) -> int:
        return 500 if host == "broken" else 200

    receivers = Receivers(answer)

    async def check() -> None:
        await until(lambda: len(receivers.posted.get("desk", [])) == 4, "the desk not posted every alert")
        assert receivers.posted["broken"] == [0]  # still waiting to try the first alert again
        await until(lambda: len(producer.sent) == 4, "not every dead letter sent")
        await until(lambda: consumer.commits[-1:] == [{ALERTS: 4}], "not committed to the end")

    asyncio.run(running(sink, receivers, check))
    assert receivers.posted == {"desk": [0, 1, 2, 3], "broken": [0, 0, 1, 1, 2, 2, 3, 3]}
    assert [json.loads(letter)["reason"] for _, letter in producer.sent] == ["webhook_failed"] * 4
    assert [json.loads(letter)["offset"] for _, letter in producer.sent] == [0, 1, 2, 3]


def test_reading_stops_while_a_subscriber_s_queue_is_full_and_says_so_once() -> None:
    consumer, producer = Consumer([{ALERTS: [record(n)]} for n in range(6)]), Producer()
    sink = sink_of(consumer, producer, ["slow", "desk"], webhook_queue_size=2)
    answered = asyncio.Event()
    receivers = slow_until(answered)

    async def check() -> None:
        # the slow one has its first alert under way and two queued; the fourth waits for room
        await until(lambda: len(receivers.posted.get("desk", [])) == 3, "the desk not posted the first three")
        await asyncio.sleep(0.05)
        assert (receivers.posted, len(consumer.fetches)) == ({"slow": [0], "desk": [0, 1, 2]}, 2)
        assert [e["webhook"] for e in logged if e["event"] == "webhook_queue_full"] == ["slow"]
        assert {offset for commit in consumer.commits for offset in commit.values()} <= {0}
        # meanwhile it polls, every partition paused, so that the group does not take it for dead
        polled = consumer.polls_paused
        await until(lambda: consumer.polls_paused > polled, "no poll while waiting for room")
        answered.set()
        await until(lambda: consumer.commits[-1:] == [{ALERTS: 6}], "not committed to the end")

    with capture_logs() as logged:
        asyncio.run(running(sink, receivers, check))
    assert receivers.posted == {"slow": [0, 1, 2, 3, 4, 5], "desk": [0, 1, 2, 3, 4, 5]}


def test_a_rebalance_commits_what_is_finished_and_leaves_the_rest_of_a_fetch_to_be_read_again() -> None:
    consumer, producer = Consumer([{ALERTS: [record(n) for n in range(4)]}]), Producer()
    sink = sink_of(consumer, producer, ["slow", "desk"], webhook_queue_size=1)
    answered = asyncio.Event()
    receivers = slow_until(answered)

    async def check() -> None:
        # the slow one has alert 0 under way and 1 queued; 2 waits for room, 3 is not yet handed out
        await until(lambda: receivers.posted.get("desk") == [0, 1], "the desk not posted the first two")
        await sink.rebalance_begins()
        answered.set()
        await until(lambda: receivers.posted.get("slow") == [0, 1, 2], "the slow one not posted what was queued")
        await asyncio.sleep(0.05)

    asyncio.run(running(sink, receivers, check))
    # what was queued is still posted; alert 3 is the next owner's to read, from the committed offset 0
    assert receivers.posted == {"slow": [0, 1, 2], "desk": [0, 1, 2]}
    assert consumer.commits and all(commit == {ALERTS: 0} for commit in consumer.commits)


def test_a_sink_with_no_partitions_keeps_polling_and_says_it_is_ready_once_it_has_some() -> None:
    """A standby sink (more sinks than partitions) must poll, or the group drops it and it never takes over."""
    consumer, producer = Consumer([{ALERTS: [record(0)]}], assigned=set()), Producer()
    sink = sink_of(consumer, producer, ["desk"])
    receivers = Receivers(lambda host: asyncio.sleep(0, 200))

    async def check() -> None:
        await until(lambda: consumer.polls >= 3, "a standby sink does not poll")
        assert not sink.ready and not [e for e in logged if e["event"] == "webhooks_ready"]
        consumer.assigned = {ALERTS}  # the group hands it the partition of a sink that left
        await until(lambda: receivers.posted.get("desk") == [0], "the alert not posted once assigned")
        assert sink.ready and [e["event"] for e in logged].count("webhooks_ready") == 1

    with capture_logs() as logged:
        asyncio.run(running(sink, receivers, check))
