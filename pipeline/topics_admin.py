"""Creating the pipeline's topics with explicit partition counts, before anything uses them."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from pipeline.kafka_options import aiokafka_options
from pipeline.settings import Settings

CLASSIFICATION_TABLES = ("article_memory", "checkpoints", "alert_ledger", "partition_progress")
"""the tables that remember lines classified and alerts raised: what reprocessing empties"""
TABLE_NAMES = (*CLASSIFICATION_TABLES, "item_ledger")
"""the worker's tables (``pipeline.streaming.Tables``); the item ledger remembers which lines news
items have brought to the lines topic, which reclassifying does not change"""


def pipeline_topics(settings: Settings, alert_kinds: Sequence[str] = ()) -> list[str]:
    return [
        settings.topic_items,
        settings.topic_lines,
        settings.topic_classified,
        settings.topic_alerts,
        settings.topic_dlq,
        *(alert_kind_topic(settings, kind) for kind in alert_kinds),
    ]


def alert_kind_topic(settings: Settings, kind: str) -> str:
    """Where the alerts of one kind are written too, for subscribers who want only that kind."""
    return f"{settings.topic_alerts}.{kind}"


def topic_configs(settings: Settings) -> dict[str, str]:
    """What every topic the pipeline creates (its own and the tables' changelogs) is created with:
    with replicas, a write is acknowledged only once enough of them have it (producers use acks=all)."""
    return {"min.insync.replicas": str(settings.insync_replicas)}


def changelog_topics(settings: Settings, tables: tuple[str, ...] = TABLE_NAMES) -> list[str]:
    """Where Faust keeps each table: a worker rebuilds its tables from these when it starts."""
    return [f"{settings.app_id}-{name}-changelog" for name in tables]


_LISTED_WITHIN_S = 10.0


async def ensure_topics(settings: Settings, alert_kinds: Sequence[str] = ()) -> None:
    """Every pipeline topic (and each alert kind's) created if missing, and listed by the broker.
    The worker makes sure of them before it starts: its first send to a topic just created can
    meet a partition with no leader yet, and a producer retrying that was seen to stall for good."""
    admin = AIOKafkaAdminClient(**aiokafka_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in pipeline_topics(settings, alert_kinds) if t not in existing]
        if not missing:
            return
        # Another process may create one between the listing and now.
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics(
                [
                    NewTopic(t, settings.partitions, settings.replication_factor, topic_configs=topic_configs(settings))
                    for t in missing
                ]
            )
        # Creation returns before every broker's metadata lists the topics; a client that asks
        # in between logs an error per retry. Wait for them to be listed, a little while at most.
        deadline = time.monotonic() + _LISTED_WITHIN_S
        while set(missing) - set(await admin.list_topics()) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        await admin.close()
