"""All streaming wiring in one place: the Faust app, its topics, tables and agents.

Run with ``python -m pipeline worker`` or ``faust -A pipeline.app worker``.

news.lines ──classify_lines──▶ news.lines.classified ──raise_alerts──▶ news.alerts
     │  (tables article_memory, checkpoints)  │  (table alert_ledger)
     └──────────── bad input ─────────────────┴──────────────▶ news.dlq

Each agent processes its input in batches and reads as: decode and decide
(``pipeline/delivery.py``, no Faust), write the tables and send the events
(``pipeline/streaming.py``). Nothing happens at import: ``build_app(settings)``
builds an app, and the module's ``app`` is built from the environment the first
time it is asked for.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import cache
from typing import Any

import faust
import structlog
from faust.types import TP

from pipeline.cpu_budget import CpuBudget
from pipeline.delivery import AlertDelivery, ItemDelivery, LineDelivery, position_key
from pipeline.domain.classifier import LineClassifier
from pipeline.faust_fixes import count_gap_offsets_once, idempotent_producer
from pipeline.kafka_options import faust_broker_options
from pipeline.logs import configure_logging
from pipeline.sequencing import SEEK_AFTER_S
from pipeline.settings import Settings
from pipeline.streaming import Batches, EventProducer, Tables, messages_of, produce_and_ack, seek_when_overdue
from pipeline.taxonomy_file import load_taxonomy
from pipeline.topics_admin import alert_kind_topic, topic_configs

log = structlog.get_logger("pipeline.worker")


def build_app(settings: Settings, classifier: LineClassifier | None = None) -> faust.App:
    count_gap_offsets_once()  # see faust_fixes: without it, commits crawl after a rebalance
    idempotent_producer()  # see faust_fixes: a retried send must not write twice or out of order
    classifier = classifier or LineClassifier(load_taxonomy(settings.taxonomy_path))
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # Faust makes only the last folder of its datadir
    app = faust.App(
        settings.app_id,
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
    event_producer = EventProducer(app, dlq_topic)
    lines = LineDelivery(
        classifier, settings.max_text_bytes, CpuBudget(settings.line_budget_s), batch_max_s=settings.batch_max_s
    )
    alerts = AlertDelivery(classifier, batch_max_s=settings.batch_max_s)
    items = ItemDelivery(batch_max_s=settings.batch_max_s)

    @app.on_partitions_revoked.connect
    async def forget_revoked(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        revoked: set[TP] = args[0]
        positions = [position_key(tp.topic, tp.partition) for tp in revoked]
        lines.forget(positions)
        alerts.forget(positions)
        items.forget(positions)
        tables.forget_log_starts(revoked)

    @app.timer(interval=SEEK_AFTER_S)  # type: ignore[untyped-decorator]  # Faust leaves it untyped
    async def seek_again_when_overdue() -> None:
        clock = time.monotonic()
        await seek_when_overdue(tables, [p for agent in (lines, alerts, items) for p in agent.seeks_overdue(clock)])

    input_topics = {settings.topic_items, settings.topic_lines, settings.topic_classified}

    @app.on_partitions_assigned.connect
    async def learn_log_starts(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        assigned: set[TP] = args[0]
        await tables.learn_log_starts(tp for tp in assigned if tp.topic in input_topics)

    @app.agent(items_topic, name="split_items")
    async def split_items(stream: faust.StreamT[Any]) -> None:
        batches = Batches(app, stream, settings.batch_max_messages)
        async for events in batches:
            batch = items.process(messages_of(events), tables, datetime.now(UTC), time.monotonic())
            outputs = [(lines_topic, line.article_id, line.model_dump_json().encode()) for line in batch.lines]
            await produce_and_ack(events, batch, batches, tables, event_producer, outputs)
            if batch.lines:
                log.info(
                    "item_lines_published", lines=len(outputs), articles=sorted({e.article_id for e in batch.lines})
                )

    @app.agent(lines_topic, name="classify_lines")
    async def classify_lines(stream: faust.StreamT[Any]) -> None:
        batches = Batches(app, stream, settings.batch_max_messages)
        async for events in batches:
            batch = lines.process(messages_of(events), tables, datetime.now(UTC), time.monotonic())
            outputs = [(classified_topic, c.article_id, c.model_dump_json().encode()) for c in batch.classified]
            await produce_and_ack(events, batch, batches, tables, event_producer, outputs)
            log.info(
                "lines_classified",
                lines=len(outputs),
                replayed=batch.replayed,
                speaker_failures=len(batch.speaker_failures),
                articles=sorted({c.article_id for c in batch.classified}),
            )

    @app.agent(classified_topic, name="raise_alerts")
    async def raise_alerts(stream: faust.StreamT[Any]) -> None:
        batches = Batches(app, stream, settings.batch_max_messages)
        async for events in batches:
            batch = alerts.process(messages_of(events), tables, datetime.now(UTC), time.monotonic())
            outputs = []
            for alert in batch.alerts:
                value = alert.model_dump_json().encode()
                outputs += [(alerts_topic, alert.article_id, value), (kind_topic(alert.kind), alert.article_id, value)]
            await produce_and_ack(events, batch, batches, tables, event_producer, outputs)
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
