"""A batch of input messages through the domain, so that reading it again repeats it exactly.

This is the agents' whole logic, with no Kafka and no Faust: messages and the stored
state go in, the events to send and the state to write come out. The streaming side
(``pipeline/worker/streaming.py``) reads the tables, writes what is returned and sends it.

Why checkpoints. A worker writes its tables (Kafka changelogs) before it commits its
input offsets, so after a crash or a rebalance it reads again lines whose effects its
tables already hold. Classifying such a line against the article's latest memory would
resolve "he" to someone named later; it has to be classified against the memory the
article had then. So every batch leaves, for each input partition, one checkpoint: the
memory, before the batch, of every article the batch touched. A batch's messages are
acknowledged together once it is done, so a partition's committed offset is always the
start of a batch, and a partition read again starts at a checkpoint. From there the
worker replays its own past: each article's memory comes from the checkpoints, then
from the lines replayed, and every line gives the same event with the same id. A
checkpoint is dropped once its offsets are committed, since nothing reads them again.

A batch's writes land in Kafka in two steps (``WRITTEN_FIRST`` with the batch's events,
then the rest): a crash between a memory reaching its changelog and the checkpoint
reaching its own would leave a memory ahead of the lines read again, with nothing to
replay them from. The agent does not wait between the steps; each batch's second step
goes out after the batch before's, so an article's last memory in its changelog is its
latest.

Alerts need no checkpoints: the ledger remembers the line each alert fired on, so a
line replayed against the latest ledger fires what it fired the first time. Nor do news
items: their ledger remembers which version brought each line.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from pipeline.contracts.decoding import EventT, Failure, Origin, decode, decode_line
from pipeline.contracts.events import Alert, ClassifiedLine, ItemVersion, LineEvent
from pipeline.domain.alerts import AlertLedger
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.items import ItemLedger
from pipeline.domain.memory import ArticleMemory
from pipeline.worker.cpu_budget import CpuBudget
from pipeline.worker.processing import classify_line, raise_alerts, split_item
from pipeline.worker.sequencing import Jump, OffsetSequencer

__all__ = ["ItemDelivery", "LineDelivery", "position_key"]

MAX_OPEN_CHECKPOINTS = 2_000
"""per partition; beyond it (commits stalled for that long) the oldest are dropped, and a
line read again from before them is refused as a duplicate rather than replayed"""


MAX_CHECKPOINT_BYTES = 512 * 1024
"""most bytes of memories one checkpoint holds: a batch ends early once a partition's share
reaches it. The largest memory (``MAX_REMEMBERED`` people with long names and titles, and
``MAX_SKIPPED`` line numbers) is about 14 KB, so a checkpoint stays well under the producer's
1 MB request limit; a bigger one would be refused, crash the worker, and crash it again on
every restart. Counted in bytes rather than articles: the bench corpus's memories average
2.5 KB, and a limit of 48 articles, which the largest memories needed, ended every batch of
an archive with hundreds of articles interleaved after about one line an article, so that
each line wrote its article's memory and checkpoint entry. Live copy, with few articles in
progress at once, rarely reaches either."""


WRITTEN_FIRST = ("checkpoints", "progress")
"""The tables whose entries of a batch Kafka must have before any of the batch's other
entries is sent, when the batch has checkpoints; the batch's events go with them, since
no table depends on them. Then whatever part of a batch a crash leaves written, reading
its lines again gives the same events: without its checkpoint and progress none of its
memories is there, and with them the replay starts from the memories the batch began with."""
WRITTEN_AFTER = ("memories", "ledgers", "item_ledgers")


def model_json(value: BaseModel) -> bytes:
    """How table values are stored: one encoding, so JSON spliced into a checkpoint is the stored JSON."""
    return value.model_dump_json(exclude_defaults=True).encode()


class Checkpoint(BaseModel):
    """Before the batch that started at this checkpoint's offset: each touched article's memory."""

    model_config = ConfigDict(frozen=True)

    next_offset: int
    """the offset after the batch's last message in this partition"""
    memories: dict[str, ArticleMemory | None]
    """None for an article that had no memory yet"""


class PartitionProgress(BaseModel):
    """What an agent has processed of one input partition."""

    # Stored as "last_taken", the name the changelogs already hold.
    model_config = ConfigDict(frozen=True, validate_by_name=True, serialize_by_alias=True)

    last_processed: int | None = Field(default=None, alias="last_taken")
    open_checkpoints: tuple[tuple[int, int], ...] = ()
    """(first offset, next offset) of each checkpoint that is not yet committed"""


@dataclass(frozen=True)
class Message:
    origin: Origin
    value: bytes | None
    timestamp: float | None = None
    """the record's timestamp in seconds, as Kafka keeps it"""

    @property
    def position(self) -> str:
        return position_key(self.origin.topic, self.origin.partition)


def position_key(topic: str, partition: int | None) -> str:
    return f"{topic}/{partition}"


def checkpoint_key(position: str, first_offset: int) -> str:
    return f"{position}/{first_offset}"


class StoredState(Protocol):
    """What the tables and the consumer know, as the delivery reads it."""

    def memory(self, article_id: str) -> ArticleMemory | None: ...
    def memory_size(self, article_id: str) -> int:
        """How many bytes the article's memory takes as stored (``model_json``); 0 with none."""
        ...

    def ledger(self, article_id: str) -> AlertLedger | None: ...
    def item_ledger(self, article_id: str) -> ItemLedger | None: ...
    def checkpoint(self, key: str) -> Checkpoint | None: ...
    def progress(self, position: str) -> PartitionProgress | None: ...
    def read_from(self, position: str) -> int | None:
        """Where the consumer reads the partition from, if known: the first offset not committed,
        or where the partition's log starts when that is later."""
        ...


Writes = dict[str, tuple[int, BaseModel | None]]
"""table key -> (partition to write the changelog to, value; None to delete)"""


@dataclass
class Batch:
    """What one batch gives: events to send and table entries to write, by table."""

    classified: list[ClassifiedLine] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    lines: list[LineEvent] = field(default_factory=list)
    """lines split from news items"""
    dead_letters: list[tuple[Failure, Message]] = field(default_factory=list)
    errors: list[tuple[Exception, Message]] = field(default_factory=list)
    """bugs met (each also dead-lettered as processing_error), for the log"""
    speaker_failures: list[tuple[Exception, ClassifiedLine]] = field(default_factory=list)
    """bugs met finding a speaker, for the log: those lines are classified without one"""
    unacked: list[int] = field(default_factory=list)
    """indexes of the messages not processed now: never acknowledged, so never counted as processed"""
    jumps: list[tuple[str, Jump]] = field(default_factory=list)
    """partitions that arrived out of place and want the consumer to seek to the committed offsets"""
    memories: Writes = field(default_factory=dict)
    ledgers: Writes = field(default_factory=dict)
    item_ledgers: Writes = field(default_factory=dict)
    checkpoints: Writes = field(default_factory=dict)
    progress: Writes = field(default_factory=dict)
    replayed: int = 0
    """lines classified again from checkpoints"""
    replayed_lines: set[str] = field(default_factory=set)
    """their event ids: the alerts they raise again were first raised before a crash"""
    deferred: int = 0
    """how many messages at the end were not looked at (see MAX_CHECKPOINT_BYTES): the next batch starts with them"""

    def processing_failed(self, error: Exception, message: Message) -> None:
        """A bug met on ``message``: the message goes to the dead-letter topic and the batch goes on."""
        self.errors.append((error, message))
        self.dead_letters.append((Failure("processing_error", repr(error)), message))


@dataclass
class _PartitionShare:
    """One partition's share of a batch."""

    partition: int
    first: int
    last: int
    progress: PartitionProgress
    """as stored before the batch"""
    before: dict[str, ArticleMemory | None] = field(default_factory=dict)
    checkpoint_bytes: int = 0
    """the size of the checkpoint's entries, as ``checkpoint_json`` writes them"""

    def remember_before(self, article: str, memory: ArticleMemory | None, stored_bytes: int | None = None) -> None:
        """The article's memory before this batch, the first time the batch meets the article;
        ``stored_bytes``, its size as stored when the memory is the stored one (else encoded here)."""
        if article in self.before:
            return
        self.before[article] = memory
        memory_bytes = 4 if memory is None else stored_bytes if stored_bytes is not None else len(model_json(memory))
        self.checkpoint_bytes += len(json.dumps(article)) + 2 + memory_bytes

    @property
    def last_processed(self) -> int:
        stored = self.progress.last_processed
        return self.last if stored is None else max(stored, self.last)


class _InOffsetOrder:
    """Which messages of a batch are processed now, in offset order per partition (see sequencing)."""

    def __init__(self, sequencer: OffsetSequencer, state: StoredState, clock: float, batch: Batch) -> None:
        self._sequencer, self._state, self._clock, self._batch = sequencer, state, clock, batch
        self.shares: dict[str, _PartitionShare] = {}
        self._read_from: dict[str, int | None] = {}

    def decide(self, index: int, message: Message) -> _PartitionShare | None:
        """The partition's share if the message is processed now (its progress as it was before it)."""
        position, offset = message.position, message.origin.offset
        assert offset is not None and message.origin.partition is not None
        share = self.shares.get(position)
        if position not in self._read_from:
            self._read_from[position] = self._state.read_from(position)
        decision = self._sequencer.decide(position, offset, self._read_from[position], self._clock)
        if decision != "process":
            self._batch.unacked.append(index)
            if decision == "seek":
                self._batch.jumps.append((position, self._sequencer.jumps[position]))
            return None
        if share is None:
            progress = self._state.progress(position) or PartitionProgress()
            share = self.shares[position] = _PartitionShare(message.origin.partition, offset, offset, progress)
        share.last = max(share.last, offset)
        return share


@dataclass
class _Replay:
    """A partition being read again: the memories it had, as its checkpoints and lines give them."""

    next_checkpoint: int
    memories: dict[str, ArticleMemory | None]


class InOffsetOrder:
    """An agent's logic that processes each input partition in offset order (see sequencing)."""

    def __init__(self) -> None:
        self._sequencer = OffsetSequencer()

    def forget(self, positions: Sequence[str]) -> None:
        """Partitions revoked by a rebalance."""
        self._sequencer.forget(positions)

    def seeks_overdue(self, clock: float) -> list[str]:
        """Partitions still waiting for a seek asked for long enough ago, with no message since to ask
        again (the stale one that came after it had the consumer drop what the seek brought)."""
        return [str(position) for position in self._sequencer.overdue(clock)]


class LineDelivery(InOffsetOrder):
    """The classify agent's logic, batch by batch: each line classified against its article's
    memory, and the alerts it raises against its article's ledger. Holds only what a restart may
    lose: partitions being replayed, and the sequencer's pending seeks."""

    def __init__(
        self,
        classifier: LineClassifier,
        max_text_bytes: int,
        line_budget: CpuBudget | None = None,
        batch_max_s: float | None = None,
    ) -> None:
        self._classifier = classifier
        self._max_text_bytes = max_text_bytes
        self._budget = line_budget
        self._batch_max_s = batch_max_s
        self._replays: dict[str, _Replay] = {}
        super().__init__()

    def forget(self, positions: Sequence[str]) -> None:
        for position in positions:
            self._replays.pop(position, None)
        super().forget(positions)

    def process(self, messages: Sequence[Message], state: StoredState, now: datetime, clock: float) -> Batch:
        with self._budget.enforced() if self._budget else nullcontext():
            return self._process(messages, state, now, clock)

    def _process(self, messages: Sequence[Message], state: StoredState, now: datetime, clock: float) -> Batch:
        batch = Batch()
        in_order = _InOffsetOrder(self._sequencer, state, clock, batch)
        latest: dict[str, tuple[int, ArticleMemory]] = {}
        ledgers: dict[str, tuple[int, AlertLedger]] = {}
        checkpoint_full = False
        time_up = _time_limit(self._batch_max_s)
        for index, message in enumerate(messages):
            if checkpoint_full or time_up(index):
                batch.deferred = len(messages) - index
                break
            share = in_order.decide(index, message)
            if share is None:
                continue
            offset = message.origin.offset
            assert offset is not None
            replay = self._replay(message.position, offset, share.progress.last_processed, state)
            line = decode_line(message.value, self._max_text_bytes, message.timestamp or now.timestamp())
            if isinstance(line, Failure):
                batch.dead_letters.append((line, message))
                continue
            article = line.article_id
            if replay is not None and article in replay.memories:
                memory = replay.memories[article]
                share.remember_before(article, memory)
            elif article in latest:
                memory = latest[article][1]
                share.remember_before(article, memory)  # met already, unless its lines are in two partitions
            else:
                memory = state.memory(article)
                share.remember_before(article, memory, state.memory_size(article))
            checkpoint_full = share.checkpoint_bytes >= MAX_CHECKPOINT_BYTES
            try:
                classified, after, speaker_failure = classify_line(
                    self._classifier, line, memory or ArticleMemory(), now, self._budget
                )
            except Exception as error:  # a bug must not stop the stream; the line is kept on the DLQ
                batch.processing_failed(error, message)
                continue
            if isinstance(classified, Failure):
                batch.dead_letters.append((classified, message))
                continue
            if speaker_failure is not None:
                batch.speaker_failures.append((speaker_failure, classified))
            latest[article] = (share.partition, after)
            if replay is not None:
                replay.memories[article] = after
                batch.replayed += 1
                batch.replayed_lines.add(classified.line_event_id)
            batch.classified.append(classified)
            self._raise_alerts(classified, share.partition, message, state, ledgers, now, batch)
        batch.memories = dict(latest)
        batch.ledgers = dict(ledgers)
        for position, share in in_order.shares.items():
            self._close(position, share, state, batch)
        return batch

    def _raise_alerts(
        self,
        line: ClassifiedLine,
        partition: int,
        message: Message,
        state: StoredState,
        ledgers: dict[str, tuple[int, AlertLedger]],
        now: datetime,
        batch: Batch,
    ) -> None:
        """The alerts ``line`` raises, against its article's ledger as this batch has left it. A line
        read again raises what it raised the first time, with the same ids, against the latest
        ledger: the ledger remembers the line each alert fired on, so it needs no checkpoint."""
        article = line.article_id
        ledger = ledgers[article][1] if article in ledgers else (state.ledger(article) or AlertLedger())
        try:
            alerts, after = raise_alerts(self._classifier, line, ledger, now)
        except Exception as error:  # a failing rule must not stop the stream: the line, classified, goes to the DLQ
            batch.processing_failed(error, message)
            return
        if after != ledger:
            ledgers[article] = (partition, after)
        batch.alerts.extend(alerts)

    def _replay(self, position: str, offset: int, last_processed: int | None, state: StoredState) -> _Replay | None:
        """The replay this message belongs to, if it is read again."""
        replay = self._replays.get(position)
        if last_processed is None or offset > last_processed:
            if replay is not None:
                del self._replays[position]
            return None
        # Offsets processed arrive in order (see sequencing), so a replay under way only goes forward.
        if replay is None:  # read again from here: start at its checkpoint
            checkpoint = state.checkpoint(checkpoint_key(position, offset))
            if checkpoint is None:  # not a batch's start, or dropped: nothing to replay from
                self._replays.pop(position, None)
                return None
            replay = _Replay(checkpoint.next_offset, dict(checkpoint.memories))
            self._replays[position] = replay
            return replay
        if offset == replay.next_checkpoint:
            checkpoint = state.checkpoint(checkpoint_key(position, offset))
            if checkpoint is not None:
                for article, memory in checkpoint.memories.items():
                    replay.memories.setdefault(article, memory)
                replay.next_checkpoint = checkpoint.next_offset
        return replay

    @staticmethod
    def _close(position: str, share: _PartitionShare, state: StoredState, batch: Batch) -> None:
        """This batch's checkpoint for the partition, and the partition's progress after it."""
        batch.checkpoints[checkpoint_key(position, share.first)] = (
            share.partition,
            Checkpoint(next_offset=share.last + 1, memories=share.before),
        )
        read_from = state.read_from(position)
        still_open: list[tuple[int, int]] = []
        for first, next_offset in share.progress.open_checkpoints:
            if first == share.first:
                continue  # written again now
            if read_from is not None and next_offset <= read_from:  # never read again
                batch.checkpoints.setdefault(checkpoint_key(position, first), (share.partition, None))
            else:
                still_open.append((first, next_offset))
        still_open.append((share.first, share.last + 1))
        for first, _ in still_open[:-MAX_OPEN_CHECKPOINTS]:
            batch.checkpoints[checkpoint_key(position, first)] = (share.partition, None)
        batch.progress[position] = (
            share.partition,
            PartitionProgress(
                last_processed=share.last_processed, open_checkpoints=tuple(still_open[-MAX_OPEN_CHECKPOINTS:])
            ),
        )


def _time_limit(seconds: float | None) -> Callable[[int], bool]:
    """Whether a batch begun now has taken ``seconds`` by the time it reaches message ``index``: a
    batch of slow messages ends early, since its offsets are committed only once it ends. The first
    message is always processed, so every batch moves on."""
    if not seconds:
        return lambda index: False
    ends_at = time.monotonic() + seconds
    return lambda index: index > 0 and time.monotonic() > ends_at


def _processed_in_order(
    sequencer: OffsetSequencer,
    model: type[EventT],
    messages: Sequence[Message],
    state: StoredState,
    clock: float,
    batch: Batch,
    batch_max_s: float | None,
) -> Iterator[tuple[_PartitionShare, Message, EventT]]:
    """For an agent whose ledgers remember what each input brought (so a replay needs no checkpoint):
    each message processed now, decoded, in offset order per partition; what does not decode is
    dead-lettered. A batch that has taken ``batch_max_s`` leaves the rest for the next. Once all
    are read, each partition's progress is in the batch."""
    in_order = _InOffsetOrder(sequencer, state, clock, batch)
    time_up = _time_limit(batch_max_s)
    for index, message in enumerate(messages):
        if time_up(index):
            batch.deferred = len(messages) - index
            break
        share = in_order.decide(index, message)
        if share is None:
            continue
        decoded = decode(model, message.value)
        if isinstance(decoded, Failure):
            batch.dead_letters.append((decoded, message))
            continue
        yield share, message, decoded
    for position, share in in_order.shares.items():
        batch.progress[position] = (share.partition, PartitionProgress(last_processed=share.last_processed))


class ItemDelivery(InOffsetOrder):
    """The item agent's logic, batch by batch: each news item version into the lines it brings."""

    def __init__(self, batch_max_s: float | None = None) -> None:
        super().__init__()
        self._batch_max_s = batch_max_s

    def process(self, messages: Sequence[Message], state: StoredState, now: datetime, clock: float) -> Batch:
        batch = Batch()
        ledgers: dict[str, tuple[int, ItemLedger]] = {}
        in_order = _processed_in_order(self._sequencer, ItemVersion, messages, state, clock, batch, self._batch_max_s)
        for share, message, item in in_order:
            article = item.article_id
            ledger = ledgers[article][1] if article in ledgers else (state.item_ledger(article) or ItemLedger())
            offset = message.origin.offset
            assert offset is not None
            try:
                brought, after = split_item(item, ledger, offset)
            except Exception as error:  # a bug must not stop the stream; the item is kept on the DLQ
                batch.processing_failed(error, message)
                continue
            if after != ledger:
                ledgers[article] = (share.partition, after)
            batch.lines.extend(brought)
        batch.item_ledgers = dict(ledgers)
        return batch
