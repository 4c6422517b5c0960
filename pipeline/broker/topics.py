"""Creating the pipeline's topics with explicit partition counts, before anything uses them."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable, Sequence
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    TopicAlreadyExistsError,
    TopicAuthorizationFailedError,
    for_code,
)

from pipeline.broker.options import aiokafka_options
from pipeline.broker.waiting import until
from pipeline.config.settings import Settings

__all__ = ["alert_kind_topic", "ensure_topics_waiting", "pipeline_topics", "topic_configs"]

CLASSIFICATION_TABLES = ("article_memory", "checkpoints", "alert_ledger", "partition_progress")
"""the tables that remember lines classified and alerts raised: what reprocessing empties"""
TABLE_NAMES = (*CLASSIFICATION_TABLES, "item_ledger")
"""the worker's tables (``pipeline.worker.streaming.Tables``); the item ledger remembers which lines news
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


async def ensure_topics(
    settings: Settings, alert_kinds: Sequence[str] = (), topics: Sequence[str] | None = None
) -> None:
    """``topics`` (default: every pipeline topic, and each alert kind's) created if missing, and
    listed by the broker. The worker makes sure of them before it starts: its first send to a topic
    just created can meet a partition with no leader yet, and a producer retrying that was seen to
    stall for good. A client allowed less (ingest may only write the lines topic) names only the
    topics it uses: on a broker with ACLs it sees no other and may create none.

    Raises the broker's error for a topic it refuses to create, with the topic named."""
    wanted = list(topics) if topics is not None else pipeline_topics(settings, alert_kinds)
    admin = AIOKafkaAdminClient(**aiokafka_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t not in existing]
        if not missing:
            return
        # Another process may create one between the listing and now.
        with contextlib.suppress(TopicAlreadyExistsError):
            response = await admin.create_topics(
                [
                    NewTopic(t, settings.partitions, settings.replication_factor, topic_configs=topic_configs(settings))
                    for t in missing
                ]
            )
            _raise_refusal(response.topic_errors)
        # Creation returns before every broker's metadata lists the topics; a client that asks
        # in between logs an error per retry. Wait for them to be listed, a little while at most.
        deadline = time.monotonic() + _LISTED_WITHIN_S
        while set(missing) - set(await admin.list_topics()) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        await admin.close()


def _raise_refusal(topic_errors: Iterable[tuple[Any, ...]]) -> None:
    """The first topic the broker would not create, as the error its code names (a retriable one is
    waited out by the caller); a topic another process created meanwhile is no refusal."""
    for topic, code, *message in topic_errors:
        error = for_code(code)
        if code == 0 or error is TopicAlreadyExistsError:
            continue
        if error in (TopicAuthorizationFailedError, ClusterAuthorizationFailedError):
            # Asked only for a topic the listing lacked, and Kafka lists a topic only to whom may describe
            # it: it may exist, with this user lacking the rights to use it.
            raise error(
                f"topic {topic} is not visible to this user, who may not create it either: if it exists, grant "
                "the user the right to use it (Write to publish, Read to consume; either lets it see the topic); "
                "if not, create it beforehand (the worker does) or grant Create"
            )
        detail = message[0] if message and message[0] else error.description
        raise error(f"topic {topic} not created: {detail}")


async def ensure_topics_waiting(
    settings: Settings,
    alert_kinds: Sequence[str] = (),
    deadline: float | None = None,
    topics: Sequence[str] | None = None,
) -> None:
    """The pipeline's topics (or only ``topics``) made sure of, waiting for a broker that is down
    or failing over, up to ``deadline`` (default: ``ingest_timeout_s`` from now)."""
    deadline = deadline if deadline is not None else time.monotonic() + settings.ingest_timeout_s
    await until(settings, deadline, "create topics", lambda: ensure_topics(settings, alert_kinds, topics))
