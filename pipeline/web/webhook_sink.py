"""Posting each alert to the webhook subscribers that want it, at least once, and recording every
delivery that fails for good on the dead-letter topic (reason ``webhook_failed``) so none is lost.

Each subscriber has a queue of its own and a task posting from it, one alert after another in the
order they were read, so a subscriber's retries hold up no other subscriber. Offsets are committed,
per partition, only up to the first alert that some subscriber wanting it has not yet had, or had its
dead letter acknowledged by Kafka for (``webhook_offsets``), so a sink that dies posts again what it
had not finished: a receiver deduplicates on ``X-News-Event-Id``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import signal
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from aiokafka.structs import ConsumerRecord, TopicPartition
from pydantic import ValidationError

from pipeline.broker.options import aiokafka_options
from pipeline.broker.topics import ensure_topics_waiting
from pipeline.config.settings import Settings
from pipeline.contracts.events import Alert, DeadLetter, event_id
from pipeline.web.metrics import WebhookMetrics
from pipeline.web.webhook_offsets import PendingDeliveries
from pipeline.web.webhooks import Subscriber, delay_before, signed_headers, worth_retrying

__all__ = ["run_webhooks"]

log = structlog.get_logger("pipeline.web.webhooks")

_LAST_COMMIT_S = 5.0
"""how long a stopping sink tries to commit what it finished: a broker gone would keep it retrying"""
_REMEMBERED_ALERTS = 100_000
"""alert ids kept to skip an alert published twice: a worker that crashes publishes again what it had not committed"""


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    attempts: int
    last: str
    """the last answer: a status, or the error when there was none"""


async def deliver(
    client: httpx.AsyncClient, subscriber: Subscriber, body: bytes, alert_id: str, attempts: int, backoff_s: float
) -> Outcome:
    last = ""
    for attempt in range(1, attempts + 1):
        headers = signed_headers(subscriber.secret, int(time.time()), body, alert_id)
        status: int | None = None
        retry_after = None
        try:
            response = await client.post(str(subscriber.hook.url), content=body, headers=headers)
            status, retry_after = response.status_code, response.headers.get("retry-after")
            last = f"HTTP {status}"
        except httpx.HTTPError as error:
            said = subscriber.without_secrets(str(error))
            last = f"{type(error).__name__}: {said}" if said else type(error).__name__
        if status is not None and 200 <= status < 300:
            return Outcome(True, attempt, last)
        if not worth_retrying(status) or attempt == attempts:
            return Outcome(False, attempt, last)
        log.warning(
            "webhook_retry",
            webhook=subscriber.hook.name,
            host=subscriber.hook.host,
            attempt=attempt,
            answer=last,
            alert=alert_id,
        )
        await asyncio.sleep(delay_before(attempt, backoff_s, retry_after))
    return Outcome(False, attempts, last)


def failed_delivery(subscriber: Subscriber, record: ConsumerRecord, outcome: Outcome) -> DeadLetter:
    payload: bytes = record.value or b""
    hook = subscriber.hook
    return DeadLetter(
        event_id=event_id("dead-letter", "webhook", hook.name, record.topic, record.partition, record.offset),
        reason="webhook_failed",
        detail=f"webhook {hook.where}: {outcome.last} after {outcome.attempts} attempt(s)",
        source_topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key.decode("utf-8", "replace") if record.key is not None else None,
        payload_base64=base64.b64encode(payload).decode("ascii"),
        payload_text=payload.decode("utf-8", "replace"),
        failed_at=datetime.now(UTC),
    )


async def run_webhooks(settings: Settings, subscribers: list[Subscriber]) -> None:
    # The HTTP client logs each request with its whole URL, which may hold a subscriber's user, password
    # or token; the sink logs each delivery itself, by subscriber name and host.
    for talkative in ("httpx", "httpcore"):
        logging.getLogger(talkative).setLevel(logging.WARNING)
    await ensure_topics_waiting(settings, topics=[settings.topic_alerts, settings.topic_dlq])
    consumer = AIOKafkaConsumer(
        **aiokafka_options(settings),
        group_id=f"{settings.app_id}-webhooks",
        enable_auto_commit=False,
        auto_offset_reset="latest",
        fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
    )
    producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    # SIGTERM (a container or a service manager stopping the sink) ends it as Ctrl-C does: what is
    # finished is committed and the group is left at once, rather than read and posted again.
    main = asyncio.current_task()
    if main is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    try:
        sink = WebhookSink(settings, subscribers, consumer, producer)
        consumer.subscribe([settings.topic_alerts], listener=_Rebalance(sink))
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_s) as client:
            await sink.run(client)
    finally:
        await producer.stop()
        await consumer.stop()


@dataclass(frozen=True)
class QueuedAlert:
    partition: TopicPartition
    record: ConsumerRecord
    event_id: str


@dataclass
class SubscriberQueue:
    """A subscriber's alerts read and not yet posted, in the order they were read."""

    subscriber: Subscriber
    alerts: asyncio.Queue[QueuedAlert]
    warned_full: bool = False
    """whether the warning that this queue is full was logged since it was last empty"""

    @property
    def name(self) -> str:
        return self.subscriber.hook.name


class WebhookSink:
    def __init__(
        self,
        settings: Settings,
        subscribers: list[Subscriber],
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
    ) -> None:
        self.settings = settings
        self.consumer = consumer
        self.producer = producer
        self.queues = [SubscriberQueue(s, asyncio.Queue(maxsize=settings.webhook_queue_size)) for s in subscribers]
        self.pending = PendingDeliveries()
        self.committed: dict[TopicPartition, int] = {}
        self.seen: OrderedDict[str, tuple[str, int, int]] = OrderedDict()
        """alert id to the topic, partition and offset it was first read at"""
        self.generation = 0
        """counts the rebalances begun: records fetched before one are read again after it"""
        self.metrics = WebhookMetrics()
        self.ready = False
        self.held: list[dict[TopicPartition, list[ConsumerRecord]]] = []
        """records fetched while waiting for room: of partitions assigned meanwhile, read next"""

    async def run(self, client: httpx.AsyncClient) -> None:
        if self.settings.metrics_port is not None:
            self.metrics.serve(self.settings.metrics_port, self.settings.metrics_host)
        tasks = [asyncio.create_task(self._post_in_order(client, queue)) for queue in self.queues]
        tasks += [asyncio.create_task(self._commit_every(self.settings.commit_interval_s))]
        tasks += [asyncio.create_task(self._read_alerts())]
        try:
            # Each runs until cancelled: one that ends has failed, and its error ends the sink.
            finished, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in finished:
                task.result()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            with contextlib.suppress(KafkaError, TimeoutError):
                async with asyncio.timeout(_LAST_COMMIT_S):
                    await self._commit_finished()

    async def _read_alerts(self) -> None:
        # Kafka drops a member that has not polled for max_poll_interval_ms (five minutes) from its group:
        # this loop polls all along, a sink with no partitions (a standby) and one waiting for room too.
        while True:
            fetched = self.held.pop(0) if self.held else await self.consumer.getmany(timeout_ms=1_000)
            if not self.ready and self.consumer.assignment():
                await self._say_ready()
            generation = self.generation
            read = ((partition, record) for partition, records in fetched.items() for record in records)
            for partition, record in read:
                if self.generation != generation:
                    break  # the new assignment reads the rest again, from the committed offsets
                await self._enqueue(partition, record)

    async def _say_ready(self) -> None:
        """Once the group has given this sink its partitions and their start is fixed: an alert sent after
        the sink says it is ready is never skipped."""
        for partition in self.consumer.assignment():
            await self.consumer.position(partition)
        self.ready = True
        log.info(
            "webhooks_ready", webhooks=[q.subscriber.hook.where for q in self.queues], topic=self.settings.topic_alerts
        )

    async def _enqueue(self, partition: TopicPartition, record: ConsumerRecord) -> None:
        alert = self._alert_to_post(record)
        if alert is None:
            self.pending.register(partition, record.offset, ())
            return
        wanting = [queue for queue in self.queues if queue.subscriber.hook.wanted().wants(alert)]
        self.pending.register(partition, record.offset, [queue.name for queue in wanting])
        for queue in wanting:
            if queue.alerts.full() and not queue.warned_full:
                queue.warned_full = True
                hook = queue.subscriber.hook
                log.warning("webhook_queue_full", webhook=hook.name, host=hook.host, alerts=queue.alerts.maxsize)
            # Waiting for room stops the reading for every subscriber, rather than dropping an alert or
            # holding unbounded many: a subscriber failing for long slows the others only once its queue
            # is full, and then to its pace of giving each alert up (its attempts and their back-off).
            await self._room_in(queue)
            queue.alerts.put_nowait(QueuedAlert(partition, record, alert.event_id))

    async def _room_in(self, queue: SubscriberQueue) -> None:
        """Until ``queue`` has room, polling Kafka with every partition paused, so that the group keeps
        this sink (a poll gives nothing of a paused partition, and keeps the member alive)."""
        if not queue.alerts.full():
            return
        while queue.alerts.full():
            self.consumer.pause(*self.consumer.assignment())
            fetched = await self.consumer.getmany(timeout_ms=200)
            if fetched:  # only of a partition assigned in a rebalance meanwhile, not paused yet
                self.held.append(fetched)
        self.consumer.resume(*self.consumer.assignment())

    def _alert_to_post(self, record: ConsumerRecord) -> Alert | None:
        """The alert the record holds, or None when it is malformed or a copy of one already read."""
        try:
            alert = Alert.model_validate_json(record.value)
        except ValidationError:
            log.warning("malformed_alert_skipped", partition=record.partition, offset=record.offset)
            return None
        # An alert published twice after a worker crash is posted once. The same record read again, its
        # partition given back after a rebalance, is posted again: its first reading may be unfinished.
        place = (record.topic, record.partition, record.offset)
        if self.seen.setdefault(alert.event_id, place) != place:
            return None
        if len(self.seen) > _REMEMBERED_ALERTS:
            self.seen.popitem(last=False)
        return alert

    async def _post_in_order(self, client: httpx.AsyncClient, queue: SubscriberQueue) -> None:
        """Posts a subscriber's alerts one after another, each until delivered or its dead letter is
        acknowledged, so the subscriber gets them in the order they were read."""
        subscriber, hook = queue.subscriber, queue.subscriber.hook
        settings = self.settings
        while True:
            queued = await queue.alerts.get()
            record = queued.record
            outcome = await deliver(
                client, subscriber, record.value, queued.event_id, settings.webhook_attempts, settings.webhook_backoff_s
            )
            if outcome.delivered:
                log.info(
                    "webhook_delivered",
                    webhook=hook.name,
                    host=hook.host,
                    alert=queued.event_id,
                    attempts=outcome.attempts,
                )
            else:
                letter = failed_delivery(subscriber, record, outcome)
                await self.producer.send_and_wait(settings.topic_dlq, letter.model_dump_json().encode(), key=record.key)
                log.error("webhook_failed", webhook=hook.name, alert=queued.event_id, detail=letter.detail)
            self.metrics.delivery(hook.name, outcome.delivered, outcome.attempts)
            self.pending.done(queued.partition, record.offset, queue.name)
            if queue.alerts.empty():
                queue.warned_full = False

    async def _commit_every(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            await self._commit_finished()

    async def _commit_finished(self) -> None:
        """Commits each partition this sink has, where it has moved, up to its first record unfinished."""
        assigned = self.consumer.assignment()
        offsets = {
            partition: offset
            for partition, offset in self.pending.committable().items()
            if partition in assigned and self.committed.get(partition) != offset
        }
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as error:
            # The group is rebalancing, or has, and the partitions may be another sink's now; their next
            # reader starts from the last commit the group accepted, and posts again what follows it.
            log.warning("webhook_commit_refused", error=type(error).__name__)
            return
        self.committed.update(offsets)

    async def rebalance_begins(self) -> None:
        # Kafka's rebalance takes back every partition, and the next assignment reads each again from its
        # committed offset: commit what is finished while the partitions are still this sink's, and start
        # the bookkeeping over. Alerts already queued are still posted, and may reach a receiver twice.
        self.generation += 1
        try:
            async with asyncio.timeout(_LAST_COMMIT_S):
                await self._commit_finished()
        except Exception as error:  # the next reader starts from the last commit the group accepted
            log.warning("webhook_commit_refused", error=type(error).__name__)
        finally:
            self.pending.clear()
            self.committed.clear()


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka has no type hints
    def __init__(self, sink: WebhookSink) -> None:
        self.sink = sink

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.sink.rebalance_begins()

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        pass
