"""Reclassifying history after a rule change: the workers' group and tables set back, while they are stopped.

The classify agent is moved to the earliest line (or to the first line at a time), and every
table of classification is emptied by deleting its changelog: a table that remembered the lines would take them
for repeats, and an alert ledger that remembered the alerts would keep a changed rule from
firing again. The classify agent raises the alerts as it classifies, so they come from the new
classifications only. As with Kafka's own
``kafka-consumer-groups --reset-offsets``, nothing changes unless asked to execute, and only
while the group has no members.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from pipeline.broker.options import aiokafka_options
from pipeline.broker.topics import CLASSIFICATION_TABLES, changelog_topics
from pipeline.config.settings import Settings

__all__ = ["ReprocessError", "reset_for_reprocessing"]

_GONE_WITHIN_S = 30.0


class ReprocessError(RuntimeError):
    """The reset cannot be made safely: workers are running, or the topics are not there."""


@dataclass(frozen=True)
class Move:
    partition: TopicPartition
    committed: int | None
    to: int


@dataclass
class ResetPlan:
    group: str
    moves: list[Move] = field(default_factory=list)
    changelogs: list[str] = field(default_factory=list)
    """changelog topics to delete (those that exist)"""

    def describe(self) -> list[str]:
        lines = [f"consumer group {self.group}:"]
        for move in sorted(self.moves, key=lambda m: (m.partition.topic, m.partition.partition)):
            was = "none" if move.committed is None else str(move.committed)
            lines.append(f"  {move.partition.topic}[{move.partition.partition}]: {was} -> {move.to}")
        lines.append(f"tables emptied (changelogs deleted): {', '.join(self.changelogs) or 'none exist'}")
        return lines


async def _partitions(admin: AIOKafkaAdminClient, topic: str) -> list[TopicPartition]:
    described = await admin.describe_topics([topic])
    numbers = sorted(p["partition"] for d in described if d["error_code"] == 0 for p in d["partitions"])
    if not numbers:
        raise ReprocessError(f"topic {topic!r} does not exist")
    return [TopicPartition(topic, n) for n in numbers]


async def _refuse_if_active(admin: AIOKafkaAdminClient, group: str) -> None:
    described = await admin.describe_consumer_groups([group])
    for response in described:
        for entry in response.groups:
            _, name, state, _, _, members = entry[:6]
            if members:
                raise ReprocessError(
                    f"consumer group {name} has {len(members)} active member(s) (state {state}): stop its workers first"
                )


async def reset_for_reprocessing(settings: Settings, since: datetime | None, execute: bool) -> ResetPlan:
    """The plan, carried out when ``execute``: lines from the earliest (or from ``since``)."""
    group = settings.app_id
    plan = ResetPlan(group)
    admin = AIOKafkaAdminClient(**aiokafka_options(settings))
    await admin.start()
    consumer = AIOKafkaConsumer(
        **aiokafka_options(settings),
        group_id=group,
        client_id=f"news-reprocess-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        await _refuse_if_active(admin, group)
        lines = await _partitions(admin, settings.topic_lines)
        committed = await admin.list_consumer_group_offsets(group)
        if since is None:
            targets = await consumer.beginning_offsets(lines)
        else:
            ends = await consumer.end_offsets(lines)
            found = await consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in lines})
            targets = {tp: found[tp].offset if found[tp] is not None else ends[tp] for tp in lines}
        for tp, offset in targets.items():
            was = committed.get(tp)
            plan.moves.append(Move(tp, was.offset if was is not None else None, offset))
        existing = set(await admin.list_topics())
        plan.changelogs = [topic for topic in changelog_topics(settings, CLASSIFICATION_TABLES) if topic in existing]
        if not execute:
            return plan
        await _refuse_if_active(admin, group)  # a worker may have started meanwhile
        consumer.assign(list(targets))
        await consumer.commit(dict(targets))
        if plan.changelogs:
            await admin.delete_topics(plan.changelogs)
            deadline = time.monotonic() + _GONE_WITHIN_S
            while set(plan.changelogs) & set(await admin.list_topics()):
                if time.monotonic() > deadline:
                    raise ReprocessError(f"changelogs still listed after {_GONE_WITHIN_S:.0f} s: {plan.changelogs}")
                await asyncio.sleep(0.2)
    finally:
        await consumer.stop()
        await admin.close()
    return plan
