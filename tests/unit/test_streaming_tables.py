"""The worker's tables as the delivery reads and writes them: JSON bytes, each parsed once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import faust
import pytest
import structlog
from aiokafka.errors import KafkaConnectionError
from faust.types import TP
from structlog.testing import capture_logs

from pipeline.domain.memory import MAX_SKIPPED, ArticleMemory, RememberedEntity
from pipeline.domain.speakers import MAX_REMEMBERED
from pipeline.worker import streaming
from pipeline.worker.delivery import MAX_CHECKPOINT_BYTES, Checkpoint, PartitionProgress, _PartitionShare, model_json
from pipeline.worker.streaming import ModelTable, Tables, checkpoint_json

KULEBA = ArticleMemory(last_line_no=2, entities=(RememberedEntity(name="Dmytro Kuleba", roles=((None, "minister"),)),))


class FakeTable:
    """What ModelTable uses of a Faust table: its store and its changelog topic's name."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.changelog_topic = SimpleNamespace(get_topic_name=lambda: "memories-changelog")


def test_values_are_stored_as_json_with_their_changelog_records_and_parsed_once() -> None:
    fake = FakeTable()
    table = ModelTable(fake, ArticleMemory)  # type: ignore[arg-type]
    records = table.write({"a": (3, KULEBA)})
    assert [(r.topic, r.partition, r.key) for r in records] == [("memories-changelog", 3, b'"a"')]
    assert records[0].value == fake.data["a"] and ArticleMemory.model_validate_json(fake.data["a"]) == KULEBA
    assert b"gender" not in fake.data["a"]  # defaults left out: the memory is written for every line
    assert table.get("a") is KULEBA  # the model written, not a parse of it
    fake.data["a"] = KULEBA.model_dump_json().encode()  # a recovery replaced the bytes
    recovered = table.get("a")
    assert recovered == KULEBA and recovered is not KULEBA and table.get("a") is recovered


def test_deleting_an_absent_key_writes_no_tombstone() -> None:
    fake = FakeTable()
    table = ModelTable(fake, ArticleMemory)  # type: ignore[arg-type]
    table.write({"a": (0, KULEBA)})
    records = table.write({"a": (0, None), "b": (0, None)})
    assert [(r.key, r.value) for r in records] == [(b'"a"', None)] and table.get("a") is None


def test_a_checkpoint_reuses_the_stored_json_of_its_memories_and_parses_back() -> None:
    fake = FakeTable()
    memories = ModelTable(fake, ArticleMemory)  # type: ignore[arg-type]
    memories.write({"a": (0, KULEBA)})
    stored = fake.data["a"]
    checkpoint = Checkpoint(next_offset=7, memories={"a": KULEBA, 'b "quoted"': None})
    encoded = checkpoint_json(checkpoint, memories.json_of)
    assert stored in encoded
    assert Checkpoint.model_validate_json(encoded) == checkpoint
    other = ArticleMemory(last_line_no=1)  # not the stored one: written afresh
    assert ArticleMemory.model_validate_json(memories.json_of("a", other)) == other


def test_only_the_values_in_use_are_kept_parsed() -> None:
    fake = FakeTable()
    table = ModelTable(fake, ArticleMemory, kept=2)  # type: ignore[arg-type]
    memories = {key: ArticleMemory(last_line_no=n) for n, key in enumerate("abc", start=1)}
    table.write({key: (0, memory) for key, memory in memories.items()})
    assert table.get("c") is memories["c"] and table.get("b") is memories["b"]
    assert table.get("a") == memories["a"] and table.get("a") is not memories["a"]  # parsed again


def test_a_full_checkpoint_of_the_largest_memories_fits_in_one_producer_request() -> None:
    roles = (("united nations", "under-secretary-general for humanitarian affairs"), (None, "former foreign minister"))
    people = tuple(
        RememberedEntity(
            name=f"Maria-Fernanda de la Cruz Villanueva {n}", gender="female", roles=(*roles, (None, "envoy"))
        )
        for n in range(MAX_REMEMBERED)
    )
    memory = ArticleMemory(last_line_no=5_000, entities=people, skipped=tuple(range(4_000, 4_000 + MAX_SKIPPED)))
    share, n = _PartitionShare(0, 0, 0, PartitionProgress()), 0
    while share.checkpoint_bytes < MAX_CHECKPOINT_BYTES:  # as LineDelivery counts until the batch ends
        share.remember_before(f"article-{n:06d}-with-a-long-slug", memory, len(model_json(memory)))
        n += 1
    checkpoint = checkpoint_json(Checkpoint(next_offset=10**12, memories=share.before), lambda _, m: model_json(m))
    assert len(checkpoint) == share.checkpoint_bytes + len(b'{"next_offset":1000000000000,"memories":{}}') - 1
    assert len(checkpoint) < faust.App("sizes").conf.producer_max_request_size


def tables_over(committed: dict[TP, int], earliest: Callable[..., Awaitable[dict[TP, int]]]) -> Tables:
    """The worker's tables as far as where partitions are read from: its consumer's commits and log starts."""
    tables = object.__new__(Tables)
    tables.app = SimpleNamespace(consumer=SimpleNamespace(_committed_offset=committed, earliest_offsets=earliest))  # type: ignore[assignment]
    tables.log_starts = {}
    return tables


def test_a_partition_is_read_from_its_commit_or_from_where_its_log_starts_when_that_is_later() -> None:
    async def earliest(*partitions: TP) -> dict[TP, int]:
        return {tp: 40 for tp in partitions}

    tables = tables_over({TP("lines", 0): 55, TP("lines", 1): 12}, earliest)
    positions = ("lines/0", "lines/1", "lines/2")
    assert [tables.read_from(p) for p in positions] == [55, 12, None]
    asyncio.run(tables.learn_log_starts([TP("lines", n) for n in range(3)]))
    # 1: retention deleted offsets 12 to 39, so the consumer resets to 40; 2: nothing committed yet.
    assert [tables.read_from(p) for p in positions] == [55, 40, 40]


def test_log_starts_the_broker_does_not_give_leave_the_partitions_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(streaming, "log", structlog.get_logger("pipeline.worker"))  # not one cached by an earlier test

    async def unreachable(*partitions: TP) -> dict[TP, int]:
        raise KafkaConnectionError("no broker")

    tables = tables_over({TP("lines", 0): 55}, unreachable)
    with capture_logs() as logged:
        asyncio.run(tables.learn_log_starts([TP("lines", 0), TP("lines", 1)]))
    assert [tables.read_from(p) for p in ("lines/0", "lines/1")] == [55, None]
    assert [entry["event"] for entry in logged] == ["log_starts_unknown"]


def test_a_partition_with_no_commit_is_sought_to_its_log_start() -> None:
    # aiokafka's seek to the committed offsets leaves such a partition wherever it was reading.
    sought: list[tuple[TP, int]] = []

    async def seek(tp: TP, offset: int) -> None:
        sought.append((tp, offset))

    async def nothing() -> None: ...

    consumer = SimpleNamespace(
        _committed_offset={TP("lines", 0): 55},
        stop_flow=lambda: None,
        resume_flow=lambda: None,
        wait_for_stopped_flow=nothing,
        perform_seek=nothing,
        assignment=lambda: {TP("lines", 0), TP("lines", 1)},
        seek=seek,
    )
    flow = SimpleNamespace(suspend=lambda: None, clear=lambda: None, resume=lambda: None)
    tables = object.__new__(Tables)
    tables.app = SimpleNamespace(consumer=consumer, flow_control=flow)  # type: ignore[assignment]
    tables.log_starts = {TP("lines", 0): 40, TP("lines", 1): 40, TP("lines", 2): 40}  # 2: revoked meanwhile
    asyncio.run(streaming.seek_to_read_positions(tables))
    assert sought == [(TP("lines", 1), 40)]
