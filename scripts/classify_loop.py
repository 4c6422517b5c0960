"""A classifying worker's in-line ceiling: a bare aiokafka loop through the worker's own steps.

Consumes line events, and for each batch runs the steps the worker's two agents run
(``decode_line`` and ``classify_line`` under the same processor-time budget, then
``raise_alerts``), produces what the worker produces with the same encodings (each
classified line to the classified topic; each alert to the alerts topic and to its
kind's; a refused line to the dead-letter topic), waits for Kafka to have all of it,
and commits. The producer is the worker's: acks from every in-sync replica,
idempotent, the same linger.

There is no Faust, no table, no checkpoint and no changelog: each article's memory and
alert ledger live in a dict of this process, so a crash forgets them. It is what one
worker could reach with none of its framework and none of its delivery guarantees, a
ceiling to measure the worker against (scripts/bench.py), not a way to run the pipeline.

Settings come from the ``NEWS_*`` environment, as the worker's do. It prints ``ready``
once the consumer has its partitions, then, after LINES input lines, a JSON summary of
what it produced.

  python scripts/classify_loop.py LINES [--group GROUP]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from pydantic import BaseModel

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.broker.options import aiokafka_options  # noqa: E402
from pipeline.broker.topics import alert_kind_topic, ensure_topics  # noqa: E402
from pipeline.config.lexicon_file import load_classifier  # noqa: E402
from pipeline.config.settings import Settings  # noqa: E402
from pipeline.contracts.decoding import Failure, Origin, dead_letter, decode_line  # noqa: E402
from pipeline.contracts.events import ClassifiedLine  # noqa: E402
from pipeline.domain.alerts import AlertLedger  # noqa: E402
from pipeline.domain.classifier import LineClassifier  # noqa: E402
from pipeline.domain.memory import ArticleMemory  # noqa: E402
from pipeline.worker.cpu_budget import CpuBudget  # noqa: E402
from pipeline.worker.processing import classify_line, raise_alerts  # noqa: E402

Output = tuple[str, bytes | None, bytes]
"""(topic, key, value) of one record to produce"""


class InlineSteps:
    """The worker's classify and alert steps on a batch of records, with each article's memory and
    ledger kept in dicts."""

    def __init__(self, settings: Settings, classifier: LineClassifier) -> None:
        self._settings = settings
        self._classifier = classifier
        # As the classify agent builds it: the same limit on each line's processor time, armed per batch.
        self._budget = CpuBudget(settings.line_budget_s)
        self._memories: dict[str, ArticleMemory] = {}
        self._ledgers: dict[str, AlertLedger] = {}
        self.counts = {"classified": 0, "alerts": 0, "dead_letters": 0}

    def batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> list[Output]:
        outputs: list[Output] = []
        now = datetime.now(UTC)
        classified: list[ClassifiedLine] = []
        with self._budget.enforced():
            for record in records:
                line = self._classified(record, now, outputs)
                if line is not None:
                    classified.append(line)
                    outputs.append((self._settings.topic_classified, line.article_id.encode(), _json(line)))
        # As the worker's classify agent: the batch's alerts after its classified lines, at the same time.
        for line in classified:
            self._alerts(line, now, outputs)
        return outputs

    def _classified(
        self, record: ConsumerRecord[bytes, bytes], now: datetime, outputs: list[Output]
    ) -> ClassifiedLine | None:
        received_at = record.timestamp / 1000 if record.timestamp is not None else now.timestamp()
        line = decode_line(record.value, self._settings.max_text_bytes, received_at)
        if isinstance(line, Failure):
            self._dead_letter(line, record, now, outputs)
            return None
        memory = self._memories.get(line.article_id) or ArticleMemory()
        try:
            result, after, _speaker_failure = classify_line(self._classifier, line, memory, now, self._budget)
        except Exception as error:  # as the worker does: the line goes to the dead-letter topic
            self._dead_letter(Failure("processing_error", repr(error)), record, now, outputs)
            return None
        if isinstance(result, Failure):
            self._dead_letter(result, record, now, outputs)
            return None
        self._memories[line.article_id] = after
        self.counts["classified"] += 1
        return result

    def _alerts(self, line: ClassifiedLine, now: datetime, outputs: list[Output]) -> None:
        ledger = self._ledgers.get(line.article_id) or AlertLedger()
        alerts, self._ledgers[line.article_id] = raise_alerts(self._classifier, line, ledger, now)
        for alert in alerts:
            value, key = _json(alert), alert.article_id.encode()
            outputs.append((self._settings.topic_alerts, key, value))
            outputs.append((alert_kind_topic(self._settings, alert.kind), key, value))
        self.counts["alerts"] += len(alerts)

    def _dead_letter(
        self, failure: Failure, record: ConsumerRecord[bytes, bytes], now: datetime, outputs: list[Output]
    ) -> None:
        origin = Origin(record.topic, record.partition, record.offset, record.key)
        letter = dead_letter(failure, origin, record.value, now)
        outputs.append((self._settings.topic_dlq, record.key, _json(letter)))
        self.counts["dead_letters"] += 1


def _json(event: BaseModel) -> bytes:
    """An event as the worker encodes it for its topics."""
    return event.model_dump_json().encode()


async def run(settings: Settings, group: str, lines: int) -> dict[str, int]:
    classifier = load_classifier(settings)
    # Every topic it writes, each alert kind's too, as the worker makes sure of them before it starts.
    await ensure_topics(settings, [rule.kind for rule in classifier.taxonomy.alerts])
    steps = InlineSteps(settings, classifier)
    options = aiokafka_options(settings)
    consumer = AIOKafkaConsumer(
        settings.topic_lines,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=settings.consumer_fetch_max_wait_ms,
        **options,
    )
    producer = AIOKafkaProducer(acks="all", enable_idempotence=True, linger_ms=settings.producer_linger_ms, **options)
    await consumer.start()
    await producer.start()
    taken = 0
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)
        print("ready", flush=True)
        while taken < lines:
            fetched = await consumer.getmany(timeout_ms=200, max_records=settings.batch_max_messages)
            records = [record for partition in fetched.values() for record in partition]
            if not records:
                continue
            sends = [await producer.send(topic, value=value, key=key) for topic, key, value in steps.batch(records)]
            # As the worker: input offsets are committed only once Kafka has everything they caused.
            await asyncio.gather(*sends)
            await consumer.commit()
            taken += len(records)
        return {"lines": taken, **steps.counts}
    finally:
        await producer.stop()
        await consumer.stop()


def main() -> int:
    logging.basicConfig(level=logging.ERROR)  # aiokafka's retry chatter while new topics elect leaders
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lines", type=int, help="stop after this many input lines")
    parser.add_argument("--group", help="consumer group (default: the worker's app id with -inline)")
    args = parser.parse_args()
    settings = Settings()
    summary = asyncio.run(run(settings, args.group or f"{settings.app_id}-inline", args.lines))
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
