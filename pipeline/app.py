"""All streaming wiring in one place: the Faust app, its topics, tables and agents.

Run with ``python -m pipeline worker`` (supervised) or ``faust -A pipeline.app worker``: either
way the app makes sure of its topics before any agent starts (``PipelineApp.on_first_start``).

news.items ──split_items──▶ news.lines ──classify_lines──▶ news.lines.classified
  (table item_ledger)          (tables article_memory, └────▶ news.alerts, news.alerts.<kind>
                                checkpoints, alert_ledger)
bad input, from either agent ──▶ news.dlq

The classify agent raises a line's alerts in the same batch as it classifies the line, so
that each line passes through Kafka and Faust once: a second agent reading the classified
topic took each line through them again, and its alerts came after the lines.

Each agent processes its input in batches and reads as: decode and decide
(``pipeline/worker/delivery.py``, no Faust), write the tables and send the events
(``pipeline/worker/streaming.py``). Nothing happens at import: ``build_app(settings)``
builds an app, and the module's ``app`` is built from the environment the first
time it is asked for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

import faust
import structlog
from faust.transport.consumer import Consumer
from faust.types import TP
from faust.types.transports import TransportT

from pipeline.broker.options import faust_broker_options
from pipeline.broker.topics import alert_kind_topic, ensure_topics_waiting, pipeline_topics, topic_configs
from pipeline.config.lexicon_file import load_classifier
from pipeline.config.settings import Settings
from pipeline.console.logs import configure_logging
from pipeline.domain.classifier import LineClassifier
from pipeline.worker.cpu_budget import CpuBudget
from pipeline.worker.delivery import ItemDelivery, LineDelivery, position_key
from pipeline.worker.faust_fixes import count_gap_offsets_once, idempotent_producer
from pipeline.worker.fetch_handover import FetchHandOverConsumer
from pipeline.worker.garbage import collect_for_a_long_run
from pipeline.worker.metrics import WorkerMetrics
from pipeline.worker.sequencing import SEEK_AFTER_S
from pipeline.worker.streaming import Batches, EventProducer, Tables, messages_of, produce_and_ack, seek_when_overdue

__all__ = ["build_app"]

log = structlog.get_logger("pipeline.worker")

LAG_EVERY_S = 5.0
"""how often the consumer's lag is measured for the metrics"""
BATCHES_AT_STOP_S = 4.0
"""How long a stopping worker waits for its agents to finish the batches they have begun, so that their
offsets are committed: under the supervisor's stop timeout (``supervisor.STOP_TIMEOUT_S``), with room
for the rest of the stop, which takes a second or two.

Not at a rebalance: there the partitions' next reader starts once this wait ends, and a batch still
at work here would write its memories after that reader has read them (seen once in the scale-out
drill, a line classified again with other topics). A rebalance waits for the agents as long as Faust
waits; what an agent holds that it will never acknowledge ends as a stall, which the supervisor ends."""


class PipelineApp(faust.App):
    """Faust's app, doing at start and at stop what every worker running it needs, whichever command
    runs it: ``python -m pipeline worker`` or Faust's own ``faust -A pipeline.app worker``."""

    def __init__(self, settings: Settings, alert_kinds: Sequence[str], **options: Any) -> None:
        super().__init__(settings.app_id, **options)
        self.pipeline_settings = settings
        self.alert_kinds = list(alert_kinds)
        self.topics_made_sure_of: set[str] = set()
        """the topics the broker listed as the worker started: a send to them needs no declaration"""
        self.metrics = WorkerMetrics()

    async def on_first_start(self) -> None:
        """Every topic the agents read and write made sure of (see ``ensure_topics``), before the
        producer, the consumer, the tables or any agent starts. Faust would create the input topics
        itself, but without waiting until the broker lists them, and the alert kinds' only when the
        first alert of the kind is sent."""
        await super().on_first_start()
        if not (self.producer_only or self.client_only):  # such a client runs no agent, and may be allowed less
            await ensure_topics_waiting(self.pipeline_settings, self.alert_kinds)
            self.topics_made_sure_of.update(pipeline_topics(self.pipeline_settings, self.alert_kinds))

    def _new_transport(self) -> TransportT:
        transport = super()._new_transport()
        transport.Consumer = FetchHandOverConsumer  # type: ignore[misc]  # see fetch_handover: one task a fetch
        return transport

    async def on_started(self) -> None:
        await super().on_started()
        collect_for_a_long_run()
        if self.pipeline_settings.metrics_port is not None:
            self.metrics.serve(self.pipeline_settings.metrics_port, self.pipeline_settings.metrics_host)

    async def on_stop(self) -> None:
        leaving = asyncio.get_running_loop().call_later(BATCHES_AT_STOP_S, self._leave_unacked)
        try:
            await super().on_stop()  # waits until every message an agent has taken is acknowledged
        finally:
            leaving.cancel()

    def _leave_unacked(self) -> None:
        """Stop waiting for the messages not acknowledged yet: an agent may hold some it took for a
        batch it will never start, as Faust cleared its input when the stop began, and Faust's wait
        for them had no end. Marked as acked without being acknowledged (as a batch Kafka refused is):
        no commit passes them, and the next worker reads them again."""
        unacked = [message for message in cast(Consumer, self.consumer)._unacked_messages if not message.acked]
        for message in unacked:
            message.acked = True
        if unacked:
            log.warning("left_unacked_at_stop", messages=len(unacked), waited_s=BATCHES_AT_STOP_S)


def consumer_lag(
    consumer: Consumer, topics: Collection[str], log_starts: Mapping[TP, int]
) -> dict[tuple[str, int], int]:
    """Each input partition's messages not yet committed. A partition not fetched since it was assigned
    has no end known yet (aiokafka says None until its first fetch), nor one revoked meanwhile: left out."""
    committed = consumer._committed_offset  # Faust keeps what it committed last; no public accessor
    lags = {}
    for tp in consumer.assignment():
        if tp.topic not in topics:
            continue
        try:
            end = consumer.highwater(tp)
        except AssertionError:  # revoked between the two calls, by the consumer's own thread
            continue
        if end is not None:
            lags[tp.topic, tp.partition] = max(0, end - (committed.get(tp) or log_starts.get(tp) or 0))
    return lags


def build_app(settings: Settings, classifier: LineClassifier | None = None) -> PipelineApp:
    count_gap_offsets_once()  # see faust_fixes: without it, commits crawl after a rebalance
    idempotent_producer()  # see faust_fixes: a retried send must not write twice or out of order
    classifier = classifier or load_classifier(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # Faust makes only the last folder of its datadir
    app = PipelineApp(
        settings,
        [rule.kind for rule in classifier.taxonomy.alerts],
        store=settings.table_store,
        # Faust's default, "<app id>-data" in the working directory, left a folder there per app id.
        datadir=str(settings.data_dir / settings.app_id),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        web_enabled=settings.web_enabled,
        web_port=settings.web_port,
        consumer_auto_offset_reset="earliest",
        processing_guarantee=settings.processing_guarantee,
        broker_commit_interval=settings.commit_interval_s,
        # A worker that subscribes while its new topics are not yet in the broker's metadata ignores
        # them until its next metadata refresh: Kafka's default of five minutes left a fresh start idle.
        consumer_metadata_max_age_ms=5_000,
        producer_acks=-1,
        producer_linger_ms=settings.producer_linger_ms,
        autodiscover=False,
        **faust_broker_options(settings),
    )

    def raw_topic(name: str) -> faust.TopicT:
        # internal=True: the worker declares its topics with the configured partition count, so it
        # can start before anything has been ingested.
        return app.topic(
            name,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.partitions,
            replicas=settings.replication_factor,
            config=topic_configs(settings),
            internal=True,
        )

    items_topic = raw_topic(settings.topic_items)
    lines_topic, classified_topic = raw_topic(settings.topic_lines), raw_topic(settings.topic_classified)
    alerts_topic, dlq_topic = raw_topic(settings.topic_alerts), raw_topic(settings.topic_dlq)
    # For subscribers who want one kind: every alert is also on news.alerts.<kind>. By the kind the alert
    # has, not the taxonomy's list: one replayed after a crash may be of a kind the taxonomy has since dropped.
    kind_topics: dict[str, faust.TopicT] = {}

    def kind_topic(kind: str) -> faust.TopicT:
        if kind not in kind_topics:
            kind_topics[kind] = raw_topic(alert_kind_topic(settings, kind))
        return kind_topics[kind]

    tables = Tables(app, settings.partitions, topic_configs(settings))
    event_producer = EventProducer(app, dlq_topic, app.topics_made_sure_of)
    lines = LineDelivery(
        classifier, settings.max_text_bytes, CpuBudget(settings.line_budget_s), batch_max_s=settings.batch_max_s
    )
    items = ItemDelivery(batch_max_s=settings.batch_max_s)

    @app.on_partitions_revoked.connect
    async def forget_revoked(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        revoked: set[TP] = args[0]
        positions = [position_key(tp.topic, tp.partition) for tp in revoked]
        lines.forget(positions)
        items.forget(positions)
        tables.forget_log_starts(revoked)

    @app.timer(interval=SEEK_AFTER_S)  # type: ignore[untyped-decorator]  # Faust leaves it untyped
    async def seek_again_when_overdue() -> None:
        clock = time.monotonic()
        await seek_when_overdue(tables, [p for agent in (lines, items) for p in agent.seeks_overdue(clock)])

    input_topics = {settings.topic_items, settings.topic_lines}

    @app.timer(interval=LAG_EVERY_S)  # type: ignore[untyped-decorator]
    async def measure_lag() -> None:
        # An error in a Faust timer crashes the worker: a metric must never end it.
        try:
            app.metrics.lag(consumer_lag(cast(Consumer, app.consumer), input_topics, tables.log_starts))
        except Exception as error:
            log.warning("lag_not_measured", error=repr(error))

    @app.on_partitions_assigned.connect
    async def learn_log_starts(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        assigned: set[TP] = args[0]
        try:
            await tables.learn_log_starts(tp for tp in assigned if tp.topic in input_topics)
        except asyncio.CancelledError:
            # A stop that begins meanwhile ends the consumer thread's work, this request with it. Passed
            # on, the cancellation would end aiokafka's group coordination, which waits for this
            # handler, with an error; closing the consumer then raises it, the consumer thread never
            # says it has shut down, and the worker waited a minute for it before exiting.
            if not app.should_stop:
                raise

    @app.agent(items_topic, name="split_items")
    async def split_items(stream: faust.StreamT[Any]) -> None:
        batches = Batches(app, stream, settings.batch_max_messages)
        async for events in batches:
            batch = items.process(messages_of(events), tables, datetime.now(UTC), time.monotonic())
            outputs = [(lines_topic, line.article_id, line.model_dump_json().encode()) for line in batch.lines]
            await produce_and_ack(events, batch, batches, tables, event_producer, outputs)
            app.metrics.dead_lettered(failure.reason for failure, _ in batch.dead_letters)
            if batch.lines:
                log.info(
                    "item_lines_published", lines=len(outputs), articles=sorted({e.article_id for e in batch.lines})
                )

    @app.agent(lines_topic, name="classify_lines")
    async def classify_lines(stream: faust.StreamT[Any]) -> None:
        batches = Batches(app, stream, settings.batch_max_messages)
        async for events in batches:
            started = time.perf_counter()
            batch = lines.process(messages_of(events), tables, datetime.now(UTC), time.monotonic())
            outputs = [(classified_topic, c.article_id, c.model_dump_json().encode()) for c in batch.classified]
            for alert in batch.alerts:
                value = alert.model_dump_json().encode()
                outputs += [(alerts_topic, alert.article_id, value), (kind_topic(alert.kind), alert.article_id, value)]
            await produce_and_ack(events, batch, batches, tables, event_producer, outputs)
            app.metrics.batch_done(len(events) - batch.deferred, time.perf_counter() - started, batch)
            log.info(
                "lines_classified",
                lines=len(batch.classified),
                replayed=batch.replayed,
                speaker_failures=len(batch.speaker_failures),
                articles=sorted({c.article_id for c in batch.classified}),
            )
            if batch.alerts:
                log.info("alerts_raised", alerts=[{"id": a.event_id, "kind": a.kind} for a in batch.alerts])

    return app


@cache
def default_app() -> faust.App:
    """The app for this process, from the environment's settings."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return build_app(settings)


def __getattr__(name: str) -> Any:
    # `faust -A pipeline.app` and the worker command ask for `app`.
    if name == "app":
        return default_app()
    raise AttributeError(name)
