"""All streaming wiring in one place: the Faust app, its topics, tables and agents.

Run with ``python -m pipeline worker`` or ``faust -A pipeline.app worker``.

news.lines ──classify_lines──▶ news.lines.classified ──raise_alerts──▶ news.alerts
     │  (table article_memory)            │  (table alert_ledger)
     └──────────── bad input ─────────────┴──────────────▶ news.dlq

Agents stay thin: decode and validate, call the shared processing step, send
what it returns. Tables hold per-article state and are changelogged, so a
restarted or rebalanced worker gets its articles' memory back.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial
from typing import Any, cast

import faust
import structlog
from faust.transport.consumer import Consumer
from faust.types import TP

from pipeline.decoding import Failure, Origin, dead_letter, decode, decode_line
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.memory import ArticleMemory
from pipeline.events import ClassifiedLine
from pipeline.faust_fixes import count_gap_offsets_once
from pipeline.kafka_options import faust_broker_options
from pipeline.logs import configure_logging
from pipeline.processing import LineRecord, raise_alerts, take_line
from pipeline.sequencing import OffsetSequencer
from pipeline.settings import Settings
from pipeline.taxonomy_file import load_taxonomy

count_gap_offsets_once()  # see faust_fixes: without it, commits crawl after a rebalance
settings = Settings()
configure_logging(settings.log_level, settings.log_format)
log = structlog.get_logger("pipeline.worker")
classifier = LineClassifier(load_taxonomy(settings.taxonomy_path))

app = faust.App(
    settings.app_id,
    store=settings.table_store,
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


def _raw_topic(name: str) -> faust.TopicT:
    # internal=True: the worker declares its topics with the configured partition count, so it
    # can start before anything has been ingested.
    return app.topic(name, key_serializer="raw", value_serializer="raw", partitions=settings.partitions, internal=True)


lines_topic = _raw_topic(settings.topic_lines)
classified_topic = _raw_topic(settings.topic_classified)
alerts_topic = _raw_topic(settings.topic_alerts)
dlq_topic = _raw_topic(settings.topic_dlq)

# Values are the JSON form of ArticleMemory / AlertLedger, validated again on every read.
_json_schema: faust.Schema[Any, Any] = faust.Schema(key_serializer="json", value_serializer="json")
article_memory = app.Table("article_memory", default=None, schema=_json_schema, partitions=settings.partitions)
# The last RECORD_WINDOW lines of each article, so a line redelivered after a crash is classified
# again from the memory before it (see processing.take_line). Keyed "article_id/line_no".
line_records = app.Table("line_records", default=None, schema=_json_schema, partitions=settings.partitions)
RECORD_WINDOW = 200
alert_ledger = app.Table("alert_ledger", default=None, schema=_json_schema, partitions=settings.partitions)
# The last offset each agent took from each partition of its input, "topic/partition" -> offset,
# so that messages are taken in offset order even when Faust hands them over out of it.
read_positions = app.Table("read_positions", default=None, schema=_json_schema, partitions=settings.partitions)
sequencer = OffsetSequencer()


@app.on_partitions_revoked.connect
async def _forget_revoked(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
    revoked: set[TP] = args[0]
    sequencer.forget(_position_key(tp.topic, tp.partition) for tp in revoked)


def _position_key(topic: str, partition: int) -> str:
    return f"{topic}/{partition}"


async def _next_in_partition(event: faust.EventT[Any]) -> bool:
    """Whether ``event`` is to be taken now; if not, it is held and, when needed, the consumer
    reads its partitions again (see sequencing)."""
    message = event.message
    key = _position_key(message.topic, message.partition)
    last_taken = read_positions.get(key)
    admission = sequencer.admit(key, message.offset, last_taken, time.monotonic())
    if admission == "take":
        read_positions[key] = message.offset
        return True
    # Marked done without telling the consumer, so its offset never counts as processed and
    # no commit passes the hole before it.
    message.acked = True
    if admission == "reread":
        log.warning(
            "partition_jumped",
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            last_taken=last_taken,
        )
        await _read_again_from_committed()
    return False


async def _read_again_from_committed() -> None:
    """Drop what is buffered and read every partition again from its committed offset: the
    same steps Faust takes after a rebalance."""
    consumer = cast(Consumer, app.consumer)
    consumer.stop_flow()
    app.flow_control.suspend()
    app.flow_control.clear()
    await consumer.wait_for_stopped_flow()
    await consumer.perform_seek()
    consumer.resume_flow()
    app.flow_control.resume()


def _origin(event: faust.EventT[Any]) -> Origin:
    message = event.message
    key = message.key if isinstance(message.key, bytes) else None
    return Origin(message.topic, message.partition, message.offset, key)


async def _send_dead_letter(failure: Failure, origin: Origin, raw: bytes | None) -> None:
    letter = dead_letter(failure, origin, raw, datetime.now(UTC))
    await dlq_topic.send(key=origin.key, value=letter.model_dump_json().encode())
    log.warning(
        "dead_letter",
        reason=failure.reason,
        detail=failure.detail,
        topic=origin.topic,
        partition=origin.partition,
        offset=origin.offset,
        dead_letter_id=letter.event_id,
    )


def _record_key(article_id: str, line_no: int) -> str:
    return f"{article_id}/{line_no}"


def _record(article_id: str, line_no: int) -> LineRecord | None:
    stored = line_records.get(_record_key(article_id, line_no))
    return LineRecord.model_validate(stored) if stored else None


@app.agent(lines_topic, name="classify_lines")
async def classify_lines(stream: faust.StreamT[Any]) -> AsyncIterator[None]:
    async for event in stream.events():
        if not await _next_in_partition(event):
            continue
        origin, raw = _origin(event), event.value
        line = decode_line(raw, settings.max_text_bytes)
        if isinstance(line, Failure):
            await _send_dead_letter(line, origin, raw)
            continue
        with structlog.contextvars.bound_contextvars(
            article_id=line.article_id, line_no=line.line_no, event_id=line.event_id
        ):
            try:
                stored = article_memory.get(line.article_id)
                latest = ArticleMemory.model_validate(stored) if stored else ArticleMemory()
                taken = take_line(
                    classifier,
                    line,
                    (origin.partition, origin.offset),
                    latest,
                    partial(_record, line.article_id),
                    datetime.now(UTC),
                )
            except Exception as error:  # a bug must not stop the stream; the line is kept on the DLQ
                log.exception("classification_failed")
                await _send_dead_letter(Failure("processing_error", repr(error)), origin, raw)
                continue
            classified = taken.output
            if isinstance(classified, Failure):
                await _send_dead_letter(classified, origin, raw)
                continue
            if taken.latest is not None:
                article_memory[line.article_id] = taken.latest.model_dump(mode="json")
            if taken.record is not None:
                line_records[_record_key(line.article_id, line.line_no)] = taken.record.model_dump(mode="json")
                expired = _record_key(line.article_id, line.line_no - RECORD_WINDOW)
                if expired in line_records:  # a delete of an absent key would still write a tombstone
                    del line_records[expired]
            await classified_topic.send(key=line.article_id.encode(), value=classified.model_dump_json().encode())
            log.info(
                "line_classified",
                speaker=classified.speaker.name if classified.speaker else None,
                topics=[t.id for t in classified.topics],
            )
        yield None


@app.agent(classified_topic, name="raise_alerts")
async def raise_alerts_agent(stream: faust.StreamT[Any]) -> AsyncIterator[None]:
    async for event in stream.events():
        if not await _next_in_partition(event):
            continue
        origin, raw = _origin(event), event.value
        line = decode(ClassifiedLine, raw)
        if isinstance(line, Failure):
            await _send_dead_letter(line, origin, raw)
            continue
        with structlog.contextvars.bound_contextvars(
            article_id=line.article_id, line_no=line.line_no, event_id=line.event_id
        ):
            stored = alert_ledger.get(line.article_id)
            ledger = AlertLedger.model_validate(stored) if stored else AlertLedger()
            alerts, ledger = raise_alerts(classifier, line, ledger, datetime.now(UTC))
            if alerts:
                alert_ledger[line.article_id] = ledger.model_dump(mode="json")
            for alert in alerts:
                await alerts_topic.send(key=line.article_id.encode(), value=alert.model_dump_json().encode())
                log.info(
                    "alert_raised",
                    kind=alert.kind,
                    alert_id=alert.event_id,
                    speaker=alert.speaker.name if alert.speaker else None,
                )
        yield None
