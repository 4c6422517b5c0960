"""Creating the pipeline's topics with explicit partition counts, before anything uses them."""

from __future__ import annotations

import contextlib

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from pipeline.kafka_options import aiokafka_options
from pipeline.settings import Settings


def pipeline_topics(settings: Settings) -> list[str]:
    return [settings.topic_lines, settings.topic_classified, settings.topic_alerts, settings.topic_dlq]


async def ensure_topics(settings: Settings) -> None:
    admin = AIOKafkaAdminClient(**aiokafka_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in pipeline_topics(settings) if t not in existing]
        if not missing:
            return
        # Another process may create one between the listing and now.
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics([NewTopic(t, settings.partitions, settings.replication_factor) for t in missing])
    finally:
        await admin.close()
