"""Batches of input messages through the agents' logic, decided without Kafka: what is sent,
what is written, and what a restart gives when it reads a partition again."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import combinations
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from pipeline.contracts.decoding import Origin
from pipeline.contracts.events import ClassifiedLine, ItemVersion, LineEvent
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.items import ItemLedger
from pipeline.domain.memory import ArticleMemory
from pipeline.worker import delivery
from pipeline.worker.cpu_budget import CpuBudget
from pipeline.worker.delivery import (
    WRITTEN_AFTER,
    WRITTEN_FIRST,
    Batch,
    Checkpoint,
    ItemDelivery,
    LineDelivery,
    Message,
    PartitionProgress,
    model_json,
)
from pipeline.worker.offline import classify_events
from pipeline.worker.processing import classify_line, raise_alerts
from tests.unit.test_classification_never_raises import BrokenSpeakers

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ModelT = TypeVar("ModelT", bound=BaseModel)
TEXTS = [
    "Dmytro Kuleba said the atrocities were war crimes.",
    "Kuleba met Antony Blinken in Brussels.",
    "He said Kyiv would share the evidence with the ICC.",
    "Blinken said Washington would help.",
    "He said the evidence was overwhelming.",
    "Sirens sounded across the city.",
]


def line(n: int, article: str = "a", text: str | None = None) -> LineEvent:
    return LineEvent(
        event_id=LineEvent.id_for(article, n),
        article_id=article,
        line_no=n,
        text=text or TEXTS[n - 1],
        ingested_at=NOW,
    )


def message(offset: int, event: LineEvent | BaseModel | bytes, partition: int = 0, topic: str = "lines") -> Message:
    value = event if isinstance(event, bytes) else event.model_dump_json().encode()
    return Message(Origin(topic, partition, offset, b"a"), value)


@dataclass
class State:
    """The tables and the committed offsets, held as the worker holds them: as JSON values."""

    tables: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"memories": {}, "ledgers": {}, "item_ledgers": {}, "checkpoints": {}, "progress": {}}
    )
    commits: dict[str, int] = field(default_factory=dict)
    writes: int = 0

    def _read(self, table: str, model: type[ModelT], key: str) -> ModelT | None:
        stored = self.tables[table].get(key)
        return model.model_validate(stored) if stored else None

    def memory(self, article_id: str) -> ArticleMemory | None:
        return self._read("memories", ArticleMemory, article_id)

    def memory_size(self, article_id: str) -> int:
        memory = self.memory(article_id)
        return len(model_json(memory)) if memory else 0

    def ledger(self, article_id: str) -> AlertLedger | None:
        return self._read("ledgers", AlertLedger, article_id)

    def item_ledger(self, article_id: str) -> ItemLedger | None:
        return self._read("item_ledgers", ItemLedger, article_id)

    def checkpoint(self, key: str) -> Checkpoint | None:
        return self._read("checkpoints", Checkpoint, key)

    def progress(self, position: str) -> PartitionProgress | None:
        return self._read("progress", PartitionProgress, position)

    def read_from(self, position: str) -> int | None:
        return self.commits.get(position, 0)  # every partition here starts at 0

    def apply(self, batch: Batch, landed: Collection[tuple[str, str]] | None = None) -> Batch:
        """Write the batch's entries; only the (table, key) ``landed`` when a crash cut it short."""
        for name in ("memories", "ledgers", "item_ledgers", "checkpoints", "progress"):
            for key, (_, value) in getattr(batch, name).items():
                if landed is not None and (name, key) not in landed:
                    continue
                self.writes += 1
                if value is None:
                    self.tables[name].pop(key, None)
                else:
                    self.tables[name][key] = value.model_dump(mode="json")
        return batch


def process(worker: LineDelivery, state: State, messages: list[Message], clock: float = 0.0) -> Batch:
    return state.apply(worker.process(messages, state, NOW, clock))


def speakers(batches: list[Batch]) -> list[tuple[int, str | None]]:
    return [(c.line_no, c.speaker.name if c.speaker else None) for b in batches for c in b.classified]


@pytest.fixture
def worker(classifier: LineClassifier) -> LineDelivery:
    return LineDelivery(classifier, max_text_bytes=65_536)


def test_a_batch_writes_each_article_once_and_one_checkpoint_per_partition(worker: LineDelivery) -> None:
    state = State()
    batch = process(worker, state, [message(i, line(i + 1)) for i in range(5)])
    assert [c.line_no for c in batch.classified] == [1, 2, 3, 4, 5]
    assert speakers([batch])[2] == (3, "Dmytro Kuleba") and speakers([batch])[4] == (5, "Antony Blinken")
    assert list(batch.memories) == ["a"] and list(batch.checkpoints) == ["lines/0/0"]
    assert batch.checkpoints["lines/0/0"][1] == Checkpoint(next_offset=5, memories={"a": None})
    assert batch.progress["lines/0"][1] == PartitionProgress(last_processed=4, open_checkpoints=((0, 5),))


def test_lines_read_again_after_a_crash_give_the_same_events_in_any_batching(
    classifier: LineClassifier, worker: LineDelivery
) -> None:
    state = State()
    first = [process(worker, state, [message(i, line(i + 1)) for i in offsets]) for offsets in ([0, 1], [2, 3], [4])]
    latest = state.tables["memories"]["a"]
    # A new process reads the partition again from the committed offset, the start of the second
    # batch, and cuts its batches differently: "He" in line 3 is still Kuleba, not Blinken.
    state.commits["lines/0"] = 2
    restarted = LineDelivery(classifier, max_text_bytes=65_536)
    again = [process(restarted, state, [message(i, line(i + 1)) for i in offsets]) for offsets in ([2], [3, 4])]
    assert [c for b in again for c in b.classified] == [c for b in first[1:] for c in b.classified]
    assert sum(b.replayed for b in again) == 3
    assert state.tables["memories"]["a"] == latest


def entries(batch: Batch, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(name, key) for name in tables for key in getattr(batch, name)]


def subsets(items: list[tuple[str, str]]) -> list[set[tuple[str, str]]]:
    return [set(chosen) for n in range(len(items) + 1) for chosen in combinations(items, n)]


def cut_short(classifier: LineClassifier, landed: Callable[[Batch], set[tuple[str, str]]]) -> list[bool]:
    """For each way a crash can leave the second batch's writes, whether reading it again repeats it."""
    worker = LineDelivery(classifier, max_text_bytes=65_536)
    state = State()
    process(worker, state, [message(0, line(1, "a")), message(1, line(2, "a")), message(2, line(1, "b"))])
    state.commits["lines/0"] = 3
    second_lines = [
        message(3, line(3, "a")),
        message(4, line(4, "a")),
        message(5, line(5, "a")),
        message(6, line(2, "b")),
    ]
    second = worker.process(second_lines, state, NOW, 0.0)
    outcomes = []
    for chosen in landed(second):
        crashed = State({name: dict(table) for name, table in state.tables.items()}, dict(state.commits))
        crashed.apply(second, chosen)
        again = process(LineDelivery(classifier, max_text_bytes=65_536), crashed, second_lines)
        outcomes.append(again.classified == second.classified and not again.dead_letters)
    return outcomes


def test_whatever_part_of_a_batch_a_crash_leaves_written_in_order_reading_it_again_repeats_it(
    classifier: LineClassifier,
) -> None:
    def in_order(batch: Batch) -> list[set[tuple[str, str]]]:
        first, after = entries(batch, WRITTEN_FIRST), entries(batch, WRITTEN_AFTER)
        return [*subsets(first), *({*first} | part for part in subsets(after))]

    outcomes = cut_short(classifier, in_order)
    # First: the batch's checkpoint, the committed batch's checkpoint dropped, the progress; after: two memories.
    assert len(outcomes) == 2**3 + 2**2 and all(outcomes)


def two_batches_in_flight(classifier: LineClassifier) -> tuple[State, list[Message], list[Batch]]:
    """A committed batch, then two whose writes are on their way at once: the state before those
    two, their lines, and the two batches as the worker decided them."""
    worker, state = LineDelivery(classifier, max_text_bytes=65_536), State()
    process(worker, state, [message(0, line(1, "a")), message(1, line(1, "b"))])
    state.commits["lines/0"] = 2
    before = State({name: dict(table) for name, table in state.tables.items()}, dict(state.commits))
    earlier = [message(2, line(2, "a")), message(3, line(2, "b"))]
    later = [message(4, line(3, "a")), message(5, line(4, "a")), message(6, line(3, "b"))]
    # The worker's own store has each batch's entries at once, whatever Kafka has yet.
    batches = [process(worker, state, earlier), process(worker, state, later)]
    return before, earlier + later, batches


def landing(before: State, batches: list[Batch], landed: list[set[tuple[str, str]]]) -> State:
    crashed = State({name: dict(table) for name, table in before.tables.items()}, dict(before.commits))
    for batch, chosen in zip(batches, landed, strict=True):
        crashed.apply(batch, chosen)
    return crashed


def test_two_batches_in_flight_cut_short_in_the_order_they_are_sent_read_again_repeat_both(
    classifier: LineClassifier,
) -> None:
    # See Batches.produced_in_two_steps: a batch's first step goes out while the batch before waits for its
    # second; a second step waits for its own first and for the batch before's second.
    before, lines, batches = two_batches_in_flight(classifier)
    first = [entries(b, WRITTEN_FIRST) for b in batches]
    second = [entries(b, WRITTEN_AFTER) for b in batches]
    ways: list[list[set[tuple[str, str]]]] = []
    for earlier in subsets(first[0]):
        for later in subsets(first[1]):
            ways.append([earlier, later])
            if earlier == {*first[0]}:
                ways += [[earlier | part, later] for part in subsets(second[0])[1:]]
                if later == {*first[1]}:
                    ways += [[earlier | {*second[0]}, later | part] for part in subsets(second[1])[1:]]
    outcomes = []
    for landed in ways:
        again = process(LineDelivery(classifier, max_text_bytes=65_536), landing(before, batches, landed), lines)
        outcomes.append(again.classified == batches[0].classified + batches[1].classified and not again.dead_letters)
    assert len(outcomes) == 2**3 * 2**2 + 2**2 * (2**2 - 1) + (2**2 - 1) and all(outcomes)


def test_an_earlier_batch_memory_landing_after_a_later_one_would_leave_the_article_behind(
    classifier: LineClassifier,
) -> None:
    # Why a second step waits for the batch before's: the changelog's last memory of an article is
    # what a restart recovers, and the next line is classified against it.
    before, _, batches = two_batches_in_flight(classifier)
    everything = [set(entries(b, (*WRITTEN_FIRST, *WRITTEN_AFTER))) for b in batches]
    next_line = [message(7, line(5, "a"))]
    outcomes = {}
    for order in ("in batch order", "reversed"):
        written = (
            landing(before, batches, everything)
            if order == "in batch order"
            else landing(before, batches[::-1], everything[::-1])
        )
        written.commits["lines/0"] = 7
        outcomes[order] = speakers([process(LineDelivery(classifier, max_text_bytes=65_536), written, next_line)])
    assert outcomes["in batch order"] == [(5, "Antony Blinken")]
    assert outcomes["reversed"] != outcomes["in batch order"]


def test_a_memory_written_before_its_checkpoint_would_replay_wrongly(classifier: LineClassifier) -> None:
    # Why WRITTEN_FIRST: with the memories ahead and no checkpoint, "He" in line 3 is read as Blinken.
    outcomes = cut_short(classifier, lambda batch: [set(entries(batch, WRITTEN_AFTER))])
    assert outcomes == [False]


def test_a_replay_picks_up_articles_that_first_appear_in_a_later_batch(
    classifier: LineClassifier, worker: LineDelivery
) -> None:
    state = State()
    originals = [message(0, line(1, "a")), message(1, line(2, "a")), message(2, line(1, "b")), message(3, line(3, "a"))]
    first = [process(worker, state, originals[:2]), process(worker, state, originals[2:])]
    restarted = LineDelivery(classifier, max_text_bytes=65_536)
    again = [process(restarted, state, originals[:1]), process(restarted, state, originals[1:])]
    assert [c for b in again for c in b.classified] == [c for b in first for c in b.classified]
    assert not any(b.dead_letters for b in again)


def test_a_replay_the_consumer_seeks_back_in_goes_on_where_it_was(
    classifier: LineClassifier, worker: LineDelivery
) -> None:
    state = State()
    first = process(worker, state, [message(i, line(i + 1)) for i in range(5)])
    restarted = LineDelivery(classifier, max_text_bytes=65_536)
    replayed = process(restarted, state, [message(i, line(i + 1)) for i in range(3)])
    again = process(restarted, state, [message(i, line(i + 1)) for i in range(5)])  # the consumer sought back
    assert replayed.classified + again.classified == first.classified
    assert again.unacked == [0, 1, 2] and not again.dead_letters  # processed already here: repeats


def test_a_replay_after_a_rebalance_starts_again_from_its_checkpoint(
    classifier: LineClassifier, worker: LineDelivery
) -> None:
    state = State()
    first = process(worker, state, [message(i, line(i + 1)) for i in range(5)])
    restarted = LineDelivery(classifier, max_text_bytes=65_536)
    process(restarted, state, [message(i, line(i + 1)) for i in range(3)])
    restarted.forget(["lines/0"])  # revoked and assigned again: read again from the committed offset
    again = process(restarted, state, [message(i, line(i + 1)) for i in range(5)])
    assert again.classified == first.classified


def test_a_replay_the_client_skips_offsets_in_waits_unacknowledged_for_the_seek(
    classifier: LineClassifier, worker: LineDelivery
) -> None:
    # After a crash Faust handed over offsets 0 to 2 and then 5, skipping 3 and 4 that the
    # first run took: taking 5 would classify it without lines 3 and 4 in the article's memory.
    state = State()
    first = process(worker, state, [message(i, line(i + 1)) for i in range(6)])
    restarted = LineDelivery(classifier, max_text_bytes=65_536)
    replayed = process(restarted, state, [message(i, line(i + 1)) for i in (0, 1, 2, 5)], clock=1.0)
    assert replayed.unacked == [3] and replayed.jumps
    again = process(restarted, state, [message(i, line(i + 1)) for i in range(6)], clock=1.1)  # from the commit
    assert replayed.classified + again.classified == first.classified


def test_a_copy_of_the_jumped_to_message_ahead_of_the_seek_waits_and_what_the_seek_brings_replays(
    classifier: LineClassifier, worker: LineDelivery
) -> None:
    state = State()
    first = [process(worker, state, [message(i, line(i + 1)) for i in offsets]) for offsets in ([0], [1, 2], [3, 4])]
    state.commits["lines/0"] = 1
    restarted = LineDelivery(classifier, max_text_bytes=65_536)
    assert process(restarted, state, [message(3, line(4))], clock=1.0).jumps  # fetched before the rebalance
    assert process(restarted, state, [message(3, line(4))], clock=1.1).unacked == [
        0
    ]  # again, ahead of what the seek brings
    again = process(restarted, state, [message(i, line(i + 1)) for i in range(1, 5)], clock=1.2)
    assert again.classified == first[1].classified + first[2].classified and not again.dead_letters


class ReadPositionUnknown(State):
    """The broker has not said where the partitions' logs start, and nothing is committed."""

    def read_from(self, position: str) -> int | None:
        return self.commits.get(position)


def test_nothing_is_processed_until_the_consumer_knows_where_it_reads_from(worker: LineDelivery) -> None:
    # The first message could be one fetched before a seek, ahead of what the seek brings.
    state = ReadPositionUnknown()
    waiting = process(worker, state, [message(1, line(2)), message(2, line(3))])
    assert waiting.classified == [] and waiting.unacked == [0, 1]
    assert [(position, jump.expected, jump.arrived) for position, jump in waiting.jumps] == [("lines/0", None, 1)]
    state.commits["lines/0"] = 0  # learnt at the seek: the log starts at 0
    again = process(worker, state, [message(i, line(i + 1)) for i in range(3)], clock=1.0)
    assert [c.line_no for c in again.classified] == [1, 2, 3]


def test_a_log_start_moved_past_what_was_processed_is_where_the_partition_goes_on(worker: LineDelivery) -> None:
    # Retention (or deleted records) took offsets 2 to 9 before they were read: the consumer resets to 10.
    state = State()
    process(worker, state, [message(0, line(1)), message(1, line(2))])
    state.commits["lines/0"] = 10
    batch = process(worker, state, [message(10, line(11, text="Sirens sounded."))], clock=1.0)
    assert [c.line_no for c in batch.classified] == [11] and not batch.jumps


def test_a_line_published_twice_is_refused_as_a_duplicate_also_when_replayed(
    classifier: LineClassifier, worker: LineDelivery
) -> None:
    state = State()
    first = process(worker, state, [message(0, line(1)), message(1, line(2)), message(2, line(2))])
    assert [f.reason for f, _ in first.dead_letters] == ["duplicate_line"]
    restarted = LineDelivery(classifier, max_text_bytes=65_536)
    again = process(restarted, state, [message(0, line(1)), message(1, line(2)), message(2, line(2))])
    assert again.classified == first.classified
    assert [(f.reason, m.origin.offset) for f, m in again.dead_letters] == [("duplicate_line", 2)]


def test_a_line_after_a_later_one_of_its_article_is_out_of_order(worker: LineDelivery) -> None:
    state = State()
    batch = process(worker, state, [message(0, line(1)), message(1, line(3)), message(2, line(2))])
    assert [c.line_no for c in batch.classified] == [1, 3]
    assert [f.reason for f, _ in batch.dead_letters] == ["line_out_of_order"]


def test_read_again_where_no_checkpoint_starts_the_lines_are_duplicates(
    classifier: LineClassifier, worker: LineDelivery
) -> None:
    state = State()
    process(worker, state, [message(i, line(i + 1)) for i in range(3)])
    state.commits["lines/0"] = 1  # inside the batch: its checkpoint dropped, say (MAX_OPEN_CHECKPOINTS)
    restarted = LineDelivery(classifier, max_text_bytes=65_536)
    again = process(restarted, state, [message(1, line(2)), message(2, line(3))])
    # No checkpoint starts at 1: there is nothing to replay from, and the lines are known already.
    assert again.classified == [] and {f.reason for f, _ in again.dead_letters} == {"duplicate_line"}


def test_checkpoints_are_dropped_once_their_offsets_are_committed(worker: LineDelivery) -> None:
    state = State()
    process(worker, state, [message(0, line(1))])
    process(worker, state, [message(1, line(2))])
    state.commits["lines/0"] = 1  # the first batch is committed, the second not
    batch = process(worker, state, [message(2, line(3))])
    assert batch.checkpoints["lines/0/0"] == (0, None)
    assert set(state.tables["checkpoints"]) == {"lines/0/1", "lines/0/2"}
    assert state.progress("lines/0") == PartitionProgress(last_processed=2, open_checkpoints=((1, 2), (2, 3)))


def test_open_checkpoints_are_bounded(worker: LineDelivery, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "MAX_OPEN_CHECKPOINTS", 2)
    state = State()
    for offset in range(4):
        process(worker, state, [message(offset, line(offset + 1))])
    assert set(state.tables["checkpoints"]) == {"lines/0/2", "lines/0/3"}


def test_a_partition_that_jumps_ahead_waits_and_seeks_to_the_commit(worker: LineDelivery) -> None:
    state = State()
    process(worker, state, [message(0, line(1)), message(1, line(2))])
    # Offsets 4 and 5 arrive ahead of 2 and 3 (fetched before a rebalance).
    jumped = process(worker, state, [message(4, line(5)), message(5, line(6))], clock=1.0)
    assert jumped.unacked == [0, 1] and jumped.jumps and jumped.classified == []
    sought = process(worker, state, [message(i, line(i + 1)) for i in range(2, 6)], clock=1.1)
    assert [c.line_no for c in sought.classified] == [3, 4, 5, 6] and not sought.unacked


def test_partitions_keep_their_own_progress_and_checkpoints(worker: LineDelivery) -> None:
    state = State()
    batch = process(
        worker, state, [message(0, line(1, "a")), message(0, line(1, "b"), partition=1), message(1, line(2, "a"))]
    )
    assert set(batch.checkpoints) == {"lines/0/0", "lines/1/0"}
    assert batch.memories["a"][0] == 0 and batch.memories["b"][0] == 1  # written where each article lives
    assert batch.progress["lines/1"][1].last_processed == 0


class Failing(LineClassifier):
    def classify(self, text: str, line_no: int, memory: ArticleMemory) -> Any:
        if "Sirens" in text:
            raise RuntimeError("a bug")
        return super().classify(text, line_no, memory)


def test_a_line_whose_speaker_rules_fail_is_classified_without_a_speaker_and_reported(
    classifier: LineClassifier,
) -> None:
    worker = LineDelivery(BrokenSpeakers(classifier), max_text_bytes=65_536)
    after = line(7, text="He said the convoy had left.")
    batch = process(worker, State(), [message(0, line(1)), message(1, line(6)), message(2, after)])
    assert [(c.line_no, c.speaker.name if c.speaker else None) for c in batch.classified] == [
        (1, "Dmytro Kuleba"),
        (6, None),
        (7, "Dmytro Kuleba"),
    ]
    assert batch.dead_letters == [] and batch.errors == []
    assert [(type(error), c.line_no) for error, c in batch.speaker_failures] == [(IndexError, 6)]


def test_a_line_the_classifier_fails_on_is_dead_lettered_and_the_batch_goes_on(classifier: LineClassifier) -> None:
    worker = LineDelivery(Failing(classifier.taxonomy, classifier.english), max_text_bytes=65_536)
    batch = process(worker, State(), [message(0, line(6)), message(1, line(1)), message(2, b"{not json")])
    assert [c.line_no for c in batch.classified] == [1]
    assert [f.reason for f, _ in batch.dead_letters] == ["processing_error", "invalid_json"]
    assert len(batch.errors) == 1


class Slow(LineClassifier):
    """Takes its time over one line: a rule gone quadratic, or input no rule foresaw."""

    def classify(self, text: str, line_no: int, memory: ArticleMemory) -> Any:
        if "Sirens" in text:
            started = time.process_time()
            while time.process_time() - started < 30:
                pass
        return super().classify(text, line_no, memory)


def test_a_line_over_its_time_budget_is_dead_lettered_and_the_lines_after_it_classified(
    classifier: LineClassifier,
) -> None:
    worker = LineDelivery(
        Slow(classifier.taxonomy, classifier.english), max_text_bytes=65_536, line_budget=CpuBudget(0.05)
    )
    state = State()
    after = line(7, text="He said the shelling went on.")
    batch = process(worker, state, [message(0, line(1)), message(1, line(6)), message(2, after)])
    assert [(c.line_no, c.speaker.name if c.speaker else None) for c in batch.classified] == [
        (1, "Dmytro Kuleba"),
        (7, "Dmytro Kuleba"),
    ]
    assert [(f.reason, f.detail) for f, _ in batch.dead_letters] == [
        ("line_too_slow", "classifying it took more than 0.05 s of processor time")
    ]
    assert not batch.errors
    # The memory goes on from the line before: the slow line left nothing half done in it.
    assert state.tables["memories"]["a"]["last_line_no"] == 7


def test_offline_classification_refuses_the_line_the_worker_would_dead_letter(classifier: LineClassifier) -> None:
    refused: list[tuple[int, str]] = []
    events = classify_events(
        Slow(classifier.taxonomy, classifier.english),
        [line(1), line(6), line(7, text="He said the shelling went on.")],
        NOW,
        lambda event, failure: refused.append((event.line_no, failure.reason)),
        CpuBudget(0.05),
    )
    assert [e.line_no for e in events if isinstance(e, ClassifiedLine)] == [1, 7]
    assert refused == [(6, "line_too_slow")]


def test_a_batch_that_has_taken_its_time_leaves_the_rest_for_the_next(classifier: LineClassifier) -> None:
    worker = LineDelivery(
        Slow(classifier.taxonomy, classifier.english),
        max_text_bytes=65_536,
        line_budget=CpuBudget(0.05),
        batch_max_s=0.01,
    )
    later = [line(n, text="The shelling went on.") for n in (7, 8)]
    batch = process(worker, State(), [message(0, line(6)), message(1, later[0]), message(2, later[1])])
    assert batch.deferred == 2
    assert [f.reason for f, _ in batch.dead_letters] == ["line_too_slow"]


def classified_lines(classifier: LineClassifier, numbers: list[int]) -> list[ClassifiedLine]:
    messages = [message(offset, line(n)) for offset, n in enumerate(numbers)]
    batch = LineDelivery(classifier, 65_536).process(messages, State(), NOW, 0.0)
    return batch.classified


def test_alerts_are_raised_with_the_lines_once_per_article_and_again_with_the_same_id_when_replayed(
    classifier: LineClassifier,
) -> None:
    state = State()
    first = process(LineDelivery(classifier, 65_536), state, [message(i, line(i + 1)) for i in range(3)])
    assert [(a.kind, a.line_no, a.line_event_id) for a in first.alerts] == [("war_crimes", 1, line(1).event_id)]
    assert list(first.ledgers) == ["a"]
    state.commits["lines/0"] = 0  # read again from the start, by a worker that has forgotten it all
    again = process(LineDelivery(classifier, 65_536), state, [message(0, line(1))])
    assert again.replayed == 1
    assert [a.model_dump() for a in again.alerts] == [a.model_dump() for a in first.alerts]
    assert again.ledgers == {}  # nothing new to remember


def test_an_alert_replayed_in_another_batching_is_the_same_and_fires_no_other(classifier: LineClassifier) -> None:
    lines = [message(i, line(i + 1)) for i in range(5)]
    whole = process(LineDelivery(classifier, 65_536), State(), lines)
    state, worker = State(), LineDelivery(classifier, 65_536)
    one_by_one = [process(worker, state, [m]) for m in lines]
    state.commits["lines/0"] = 2  # the last three read again
    again = process(LineDelivery(classifier, 65_536), state, lines[2:])
    assert [a.event_id for b in one_by_one for a in b.alerts] == [a.event_id for a in whole.alerts]
    assert again.alerts == [] and again.replayed == 3


class FailingRules(LineClassifier):
    @property
    def alert_rules(self) -> Any:
        raise RuntimeError("a rule that raises")

    @alert_rules.setter
    def alert_rules(self, value: Any) -> None:
        pass


def test_a_rule_that_raises_dead_letters_the_line_it_classified_and_the_agent_goes_on(
    classifier: LineClassifier,
) -> None:
    worker = LineDelivery(FailingRules(classifier.taxonomy, classifier.english), 65_536)
    batch = worker.process([message(i, line(i + 1)) for i in range(2)], State(), NOW, 0)
    assert [c.line_no for c in batch.classified] == [1, 2]  # its classification is not lost with its alerts
    assert [f.reason for f, _ in batch.dead_letters] == ["processing_error", "processing_error"]
    assert batch.alerts == [] and batch.progress["lines/0"][1].last_processed == 1  # the partition moves on


def test_raise_alerts_replays_against_the_ledger(classifier: LineClassifier) -> None:
    first, second = classified_lines(classifier, [1, 3])
    alerts, ledger = raise_alerts(classifier, first, AlertLedger(), NOW)
    replayed, ledger = raise_alerts(classifier, first, ledger, NOW)
    later, _ = raise_alerts(classifier, second, ledger, NOW)
    assert [a.kind for a in alerts] == ["war_crimes"]
    assert [a.event_id for a in replayed] == [a.event_id for a in alerts]
    assert later == []


def test_a_batch_ends_when_a_checkpoint_holds_as_many_bytes_as_it_may(
    classifier: LineClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [message(0, line(1, "a")), message(1, line(1, "b")), message(2, line(2, "a")), message(3, line(1, "c"))]
    whole = process(LineDelivery(classifier, max_text_bytes=65_536), State(), lines)
    # Room for two articles' entries: "a" and "b" with no memory yet, '"a":null,' 9 bytes each.
    monkeypatch.setattr(delivery, "MAX_CHECKPOINT_BYTES", 18)
    worker, state, batches, rest = LineDelivery(classifier, max_text_bytes=65_536), State(), [], lines
    while rest:
        batches.append(process(worker, state, rest))
        rest = rest[len(rest) - batches[-1].deferred :] if batches[-1].deferred else []
    # "a" and "b" fill the first checkpoint; "a", with a memory now, the second by itself.
    assert [b.deferred for b in batches] == [2, 1, 0]
    assert [c for b in batches for c in b.classified] == whole.classified
    assert all(len(checkpoint.memories) <= 2 for b in batches for _, checkpoint in b.checkpoints.values() if checkpoint)


def test_a_minimal_line_takes_its_ingest_time_from_the_record_not_the_clock(classifier: LineClassifier) -> None:
    minimal = json.dumps({"article_id": "a", "line_no": 1, "text": TEXTS[0]}).encode()
    recorded = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    sent = Message(Origin("lines", 0, 0, b"a"), minimal, recorded.timestamp())
    batch = process(LineDelivery(classifier, max_text_bytes=65_536), State(), [sent])
    assert [(c.line_event_id, c.ingested_at) for c in batch.classified] == [(LineEvent.id_for("a", 1), recorded)]
    assert batch.dead_letters == []


def item(version: list[str], article: str = "blog") -> bytes:
    lines = tuple(version)
    return (
        ItemVersion(
            event_id=ItemVersion.id_for(article, lines),
            article_id=article,
            uri=f"urn:test:{article}",
            lines=lines,
            ingested_at=NOW,
        )
        .model_dump_json()
        .encode()
    )


def test_item_versions_become_the_lines_they_bring_and_a_replay_brings_the_same() -> None:
    first = ["The summit opened in the morning.", "Delegates arrived late."]
    second = ["The summit opened in the afternoon.", "Delegates arrived late.", "A ceasefire was proposed."]
    state = State()
    items = ItemDelivery()
    batch = state.apply(items.process([message(0, item(first)), message(1, item(second))], state, NOW, 0.0))
    assert [(e.line_no, e.text, e.corrects_line_no) for e in batch.lines] == [
        (1, first[0], None),
        (2, first[1], None),
        (3, second[0], 1),
        (4, second[2], None),
    ]
    assert [e.event_id for e in batch.lines] == [LineEvent.id_for("blog", n) for n in (1, 2, 3, 4)]
    # A crash before the commit: both versions read again, against the ledger already written.
    state.commits["lines/0"] = 0
    again = ItemDelivery().process([message(0, item(first)), message(1, item(second))], state, NOW, 0.0)
    assert [e.model_dump() for e in again.lines] == [e.model_dump() for e in batch.lines]


def test_an_item_batch_that_has_taken_its_time_leaves_the_rest_for_the_next() -> None:
    versions = [["The summit opened."], ["The summit opened.", "Delegates arrived."], ["A truce was proposed."]]
    state = State()
    items = ItemDelivery(batch_max_s=1e-6)
    batch = state.apply(items.process([message(i, item(v)) for i, v in enumerate(versions)], state, NOW, 0.0))
    assert batch.deferred == 2 and [e.text for e in batch.lines] == ["The summit opened."]
    rest = items.process([message(i, item(versions[i])) for i in (1, 2)], state, NOW, 0.0)
    assert [e.text for e in rest.lines] == ["Delegates arrived."] and rest.deferred == 1


def test_an_item_that_is_not_one_is_dead_lettered() -> None:
    batch = ItemDelivery().process([message(0, b'{"uri": "x"}')], State(), NOW, 0.0)
    assert [failure.reason for failure, _ in batch.dead_letters] == ["invalid_event"] and batch.lines == []


def alerts_raised(classifier: LineClassifier, lines: list[tuple[str, int | None]]) -> list[tuple[int, str]]:
    """Each (text, line it corrects) classified and run through the alert rules as one article."""
    memory, ledger = ArticleMemory(), AlertLedger()
    raised = []
    for number, (text, corrects) in enumerate(lines, start=1):
        event = LineEvent(
            event_id=LineEvent.id_for("a", number),
            article_id="a",
            line_no=number,
            text=text,
            ingested_at=NOW,
            corrects_line_no=corrects,
        )
        classified, memory, _ = classify_line(classifier, event, memory, NOW)
        assert isinstance(classified, ClassifiedLine) and classified.corrects_line_no == corrects
        alerts, ledger = raise_alerts(classifier, classified, ledger, NOW)
        raised += [(a.line_no, a.kind) for a in alerts]
    return raised


def test_a_correction_does_not_raise_again_the_alert_of_the_line_it_corrects(classifier: LineClassifier) -> None:
    # The correction puts the attribution right: without the rule, the other speaker's alert would fire again.
    original = "Foreign Minister Dmytro Kuleba said the killings in Bucha were war crimes."
    corrected = "Prosecutor General Iryna Venediktova said the killings in Bucha were war crimes."
    assert alerts_raised(classifier, [(original, None), (corrected, 1)]) == [(1, "war_crimes")]


def test_a_correction_of_a_line_that_raised_nothing_may_raise_its_alert(classifier: LineClassifier) -> None:
    lines = [
        ("Foreign Minister Dmytro Kuleba visited Bucha.", None),
        ("Dmytro Kuleba said the killings in Bucha were war crimes.", 1),
    ]
    assert alerts_raised(classifier, lines) == [(2, "war_crimes")]
