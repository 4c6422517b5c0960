"""Publishing line events: idempotent, acknowledged by all in-sync replicas, keyed by article."""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from aiokafka import AIOKafkaProducer

from pipeline.events import LineEvent
from pipeline.kafka_options import aiokafka_options
from pipeline.settings import Settings
from pipeline.topics_admin import ensure_topics

log = structlog.get_logger("pipeline.ingest")


async def publish_lines(settings: Settings, lines: Sequence[LineEvent]) -> int:
    await ensure_topics(settings)
    producer = AIOKafkaProducer(
        **aiokafka_options(settings),
        acks="all",
        enable_idempotence=True,
        linger_ms=settings.producer_linger_ms,
    )
    await producer.start()
    try:
        pending = []
        for line in lines:
            pending.append(
                await producer.send(
                    settings.topic_lines, key=line.article_id.encode(), value=line.model_dump_json().encode()
                )
            )
        for line, future in zip(lines, pending, strict=True):
            metadata = await future
            log.debug(
                "line_published",
                article_id=line.article_id,
                line_no=line.line_no,
                event_id=line.event_id,
                partition=metadata.partition,
                offset=metadata.offset,
            )
    finally:
        await producer.stop()
    return len(lines)
