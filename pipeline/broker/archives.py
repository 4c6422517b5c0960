"""Archives of line events: recording a topic to JSONL, and collecting what a replay produced.

An archive is JSONL, one line event per line, in the order the lines happened (partitions
merged by record time, each partition's order kept), so that ``replay`` can publish it again
at its own pace with the same event ids.
"""

from __future__ import annotations

import asyncio
import heapq
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import BaseModel, ValidationError

from pipeline.broker.options import aiokafka_options
from pipeline.config.settings import Settings
from pipeline.contracts.decoding import Failure, decode_line
from pipeline.contracts.events import Alert, ClassifiedLine, DeadLetter, LineEvent

__all__ = ["ArchiveError", "Bounds", "collect_run", "record_archive"]


class ArchiveError(RuntimeError):
    """What was asked for cannot be recorded: no such topic, or bounds that select nothing sensible."""


@dataclass(frozen=True)
class Bounds:
    """Which records to copy. Offsets are per partition, the end exclusive, as Kafka's tools count."""

    since: datetime | None = None
    until: datetime | None = None
    from_offset: int | None = None
    to_offset: int | None = None
    partition: int | None = None
    article_id: str | None = None


@dataclass
class RecordSummary:
    written: int = 0
    articles: set[str] = field(default_factory=set)
    not_lines: list[str] = field(default_factory=list)
    """records of the topic that are not line events, by partition and offset, with why"""


@dataclass(frozen=True)
class _Range:
    start: int
    end: int


async def _ranges(
    settings: Settings, consumer: AIOKafkaConsumer, topic: str, bounds: Bounds
) -> dict[TopicPartition, _Range]:
    admin = AIOKafkaAdminClient(**aiokafka_options(settings))
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    numbers = {p["partition"] for d in described if d["error_code"] == 0 for p in d["partitions"]}
    if not numbers:
        raise ArchiveError(f"topic {topic!r} does not exist")
    if bounds.partition is not None:
        if bounds.partition not in numbers:
            raise ArchiveError(f"topic {topic!r} has no partition {bounds.partition} (it has {len(numbers)})")
        numbers = {bounds.partition}
    assigned = [TopicPartition(topic, n) for n in sorted(numbers)]
    consumer.assign(assigned)
    first = await consumer.beginning_offsets(assigned)
    last = await consumer.end_offsets(assigned)
    starts = dict(first)
    if bounds.since is not None:
        found = await consumer.offsets_for_times({tp: int(bounds.since.timestamp() * 1000) for tp in assigned})
        starts = {tp: (found[tp].offset if found[tp] is not None else last[tp]) for tp in assigned}
    ranges: dict[TopicPartition, _Range] = {}
    for tp in assigned:
        start = max(starts[tp], bounds.from_offset or 0)
        end = last[tp] if bounds.to_offset is None else min(last[tp], bounds.to_offset)
        if start < end:
            ranges[tp] = _Range(start, end)
    return ranges


async def record_archive(
    settings: Settings,
    topic: str,
    out: IO[str],
    bounds: Bounds,
    total_known: Callable[[int], None] = lambda total: None,
    advanced: Callable[[int], None] = lambda count: None,
) -> RecordSummary:
    """Copy the line events of ``topic`` within ``bounds`` to ``out``, as they stood when this
    started (later records are left for the next recording)."""
    consumer = AIOKafkaConsumer(
        **aiokafka_options(settings),
        group_id=None,
        client_id=f"news-archive-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    summary = RecordSummary()
    try:
        ranges = await _ranges(settings, consumer, topic, bounds)
        total_known(sum(r.end - r.start for r in ranges.values()))
        by_partition: dict[int, list[tuple[float, LineEvent]]] = {tp.partition: [] for tp in ranges}
        consumer.assign(list(ranges))  # only the partitions with something to copy
        for tp, span in ranges.items():
            consumer.seek(tp, span.start)
        until_ms = int(bounds.until.timestamp() * 1000) if bounds.until is not None else None
        remaining = dict(ranges)
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in fetched.items():
                if tp not in remaining:
                    continue
                span = remaining[tp]
                for record in records:
                    if record.offset >= span.end or (until_ms is not None and record.timestamp > until_ms):
                        remaining.pop(tp, None)
                        break
                    advanced(1)
                    line = decode_line(record.value, settings.max_text_bytes, record.timestamp / 1000)
                    if isinstance(line, Failure):
                        summary.not_lines.append(f"{tp.partition}:{record.offset}: {line.reason}: {line.detail}")
                        continue
                    if bounds.article_id is None or line.article_id == bounds.article_id:
                        by_partition[tp.partition].append((record.timestamp, line))
            for tp in list(remaining):
                if await consumer.position(tp) >= remaining[tp].end:
                    remaining.pop(tp)
    finally:
        await consumer.stop()
    for _, line in heapq.merge(*by_partition.values(), key=lambda pair: pair[0]):
        out.write(line.model_dump_json())
        out.write("\n")
        summary.written += 1
        summary.articles.add(line.article_id)
    return summary


@dataclass
class LiveRun:
    """What a replay under a topic prefix produced, as the pipeline's output topics hold it."""

    events: list[BaseModel] = field(default_factory=list)
    waiting_for: set[str] = field(default_factory=set)
    """line event ids neither classified nor dead-lettered yet"""


async def collect_run(settings: Settings, lines: list[LineEvent], timeout_s: float) -> LiveRun:
    """The classified lines and alerts of ``lines``' articles, read from the start of the output
    topics until every line is classified or dead-lettered and the workers have committed past every
    line then on the lines topic (so each alert the lines raised is on the topic), or until ``timeout_s``."""
    run = LiveRun(waiting_for={line.event_id for line in lines})
    articles = {line.article_id for line in lines}
    by_offset = {(line.article_id, line.line_no): line.event_id for line in lines}
    consumer = AIOKafkaConsumer(
        settings.topic_classified,
        settings.topic_alerts,
        settings.topic_dlq,
        **aiokafka_options(settings),
        group_id=None,
        client_id=f"news-replay-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=100,
    )
    admin = AIOKafkaAdminClient(**aiokafka_options(settings))
    await consumer.start()
    await admin.start()
    seen: set[str] = set()
    lines_end: dict[TopicPartition, int] | None = None
    """where the lines topic ended once every replayed line was classified: past all of them"""
    alerts_end: dict[TopicPartition, int] | None = None
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            if not run.waiting_for and lines_end is None:
                lines_end = await _lines_end(admin, consumer, settings)
            if lines_end is not None and alerts_end is None and await _lines_committed(admin, settings, lines_end):
                alerts = [tp for tp in consumer.assignment() if tp.topic == settings.topic_alerts]
                alerts_end = await consumer.end_offsets(alerts)
            if alerts_end is not None and all([await consumer.position(tp) >= end for tp, end in alerts_end.items()]):
                break
            fetched = await consumer.getmany(timeout_ms=200)
            for tp, records in fetched.items():
                for record in records:
                    event = _output_event(tp.topic, record.value, settings)
                    if event is None or event.event_id in seen:
                        continue
                    if isinstance(event, DeadLetter):
                        run.waiting_for.discard(_dead_line(event, by_offset))
                        continue
                    if event.article_id not in articles:
                        continue
                    seen.add(event.event_id)
                    run.events.append(event)
                    if isinstance(event, ClassifiedLine):
                        run.waiting_for.discard(event.line_event_id)
            await asyncio.sleep(0)
    finally:
        await admin.close()
        await consumer.stop()
    return run


async def _lines_end(
    admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, settings: Settings
) -> dict[TopicPartition, int]:
    described = await admin.describe_topics([settings.topic_lines])
    partitions = [TopicPartition(settings.topic_lines, p["partition"]) for d in described for p in d["partitions"]]
    return dict(await consumer.end_offsets(partitions))


async def _lines_committed(
    admin: AIOKafkaAdminClient, settings: Settings, lines_end: dict[TopicPartition, int]
) -> bool:
    """Whether the workers' group has committed up to ``lines_end``: the classify agent commits a line
    only once Kafka has its classification and every alert it raised."""
    waiting = {tp: end for tp, end in lines_end.items() if end > 0}
    if not waiting:
        return True
    committed = await admin.list_consumer_group_offsets(settings.app_id, partitions=list(waiting))
    return all(tp in committed and committed[tp].offset >= end for tp, end in waiting.items())


def _output_event(topic: str, value: bytes | None, settings: Settings) -> Alert | ClassifiedLine | DeadLetter | None:
    if value is None:
        return None
    try:
        if topic == settings.topic_alerts:
            return Alert.model_validate_json(value)
        if topic == settings.topic_classified:
            return ClassifiedLine.model_validate_json(value)
        return DeadLetter.model_validate_json(value)
    except ValidationError:
        return None


def _dead_line(letter: DeadLetter, by_offset: dict[tuple[str, int], str]) -> str:
    """The line event a dead letter stands for, when it is one of the replay's lines."""
    line = decode_line(letter.payload_text.encode() if letter.payload_text else None, 10**9, 0.0)
    if isinstance(line, LineEvent):
        return by_offset.get((line.article_id, line.line_no), "")
    return ""
