"""Throughput of the pipeline beside its ceilings, measured in one run on this machine.

Each measurement runs several times against the real local broker and is set beside
what the same machine does with nothing but Kafka clients in the same run:

- ingest: `python -m pipeline ingest` on a JSONL archive (wall time, start-up
  included) against a bare aiokafka producer loop sending the same event bytes;
- end to end: one worker, from the first line published to the last classified line
  and the last alert read back, against a bare aiokafka relay (consume, produce the
  bytes unchanged, commit) over the same bytes and the same partition count.

Results go to benchmarks/bench.json (every run kept, newest last) and
benchmarks/bench.md (the newest run as a table). No figure is asserted: these
machines are shared, so only ratios taken in one run mean anything.

  scripts/bench            # 100,000 lines over 1,000 articles, three repeats
  scripts/bench --quick    # 4,000 lines over 100 articles, two repeats (under two minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from chaos import (  # noqa: E402
    KAFKA_LOCAL,
    Worker,
    committed_reader,
    corpus,
    line_events,
    port_open,
    settings_from_env,
)

from pipeline.topics_admin import ensure_topics  # noqa: E402

BENCHMARKS = REPO / "benchmarks"
T = TypeVar("T")


def pipeline_env(port: int, run: str, partitions: int) -> dict[str, str]:
    return {
        **os.environ,
        "NEWS_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
        "NEWS_APP_ID": f"bench-{run}",
        "NEWS_TOPIC_LINES": f"bench-{run}.lines",
        "NEWS_TOPIC_CLASSIFIED": f"bench-{run}.lines.classified",
        "NEWS_TOPIC_ALERTS": f"bench-{run}.alerts",
        "NEWS_TOPIC_DLQ": f"bench-{run}.dlq",
        "NEWS_PARTITIONS": str(partitions),
        "NEWS_LOG_FORMAT": "json",
    }


def payloads(records: list[dict[str, Any]]) -> list[tuple[bytes, bytes]]:
    """(key, value) of each line event, as ingest publishes them."""
    return [(e.article_id.encode(), e.model_dump_json().encode()) for e in line_events(records, datetime.now(UTC))]


async def produce(servers: str, topic: str, messages: list[tuple[bytes, bytes]]) -> float:
    """Send every message with the pipeline's producer settings; the time it took, flush included."""
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", linger_ms=5, enable_idempotence=True)
    await producer.start()
    try:
        began = time.perf_counter()
        for key, value in messages:
            await producer.send(topic, value=value, key=key)
        await producer.flush()
        return time.perf_counter() - began
    finally:
        await producer.stop()


async def read_until(servers: str, topic: str, count: int, timeout: float) -> float:
    """The monotonic time at which the ``count``-th record of ``topic`` was read."""
    consumer = committed_reader(servers, topic, fetch_max_wait_ms=50)
    await consumer.start()
    seen = 0
    deadline = time.monotonic() + timeout
    try:
        while seen < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: {seen} of {count} records after {timeout:.0f}s")
            batch = await consumer.getmany(timeout_ms=200, max_records=10_000)
            seen += sum(len(records) for records in batch.values())
        return time.monotonic()
    finally:
        await consumer.stop()


def in_thread(run: Callable[[], T]) -> Callable[[], T]:
    """Start ``run`` (an asyncio.run of a reader) in a thread now; the returned call waits for its result."""
    result: list[T | BaseException] = []

    def target() -> None:
        try:
            result.append(run())
        except BaseException as error:  # handed to the waiting caller, raised there
            result.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        outcome = result[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return wait


async def relay(servers: str, source: str, target: str, group: str, count: int, ready: threading.Event) -> int:
    """The ceiling: consume, produce the same bytes, commit, as a bare aiokafka loop does."""
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=servers,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
    )
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", linger_ms=5, enable_idempotence=True)
    await consumer.start()
    await producer.start()
    relayed = 0
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)
        ready.set()
        while relayed < count:
            batch = await consumer.getmany(timeout_ms=200, max_records=2_000)
            sends = [
                await producer.send(target, value=record.value, key=record.key)
                for records in batch.values()
                for record in records
            ]
            if sends:
                await asyncio.gather(*sends)
                await consumer.commit()
                relayed += len(sends)
        return relayed
    finally:
        await producer.stop()
        await consumer.stop()


def measure_relay(port: int, messages: list[tuple[bytes, bytes]], partitions: int, timeout: float) -> float:
    run = uuid.uuid4().hex[:8]
    env = pipeline_env(port, run, partitions)
    settings = settings_from_env(env)
    asyncio.run(ensure_topics(settings))
    servers = settings.kafka_bootstrap_servers
    ready = threading.Event()
    relaying = in_thread(
        lambda: asyncio.run(
            relay(servers, settings.topic_lines, settings.topic_classified, f"relay-{run}", len(messages), ready)
        )
    )
    if not ready.wait(60):
        raise TimeoutError("the relay got no partitions")
    reading = in_thread(lambda: asyncio.run(read_until(servers, settings.topic_classified, len(messages), timeout)))
    time.sleep(1)  # the reader subscribed before the first line is sent
    began = time.monotonic()
    asyncio.run(produce(servers, settings.topic_lines, messages))
    finished = reading()
    relaying()
    return finished - began


def measure_pipeline(
    port: int, messages: list[tuple[bytes, bytes]], alerts: int, partitions: int, workdir: Path, timeout: float
) -> tuple[float, float]:
    """Seconds from the first line published to the last classified line, and to the last alert."""
    run = uuid.uuid4().hex[:8]
    env = pipeline_env(port, run, partitions)
    settings = settings_from_env(env)
    asyncio.run(ensure_topics(settings))
    servers = settings.kafka_bootstrap_servers
    worker = Worker(env, workdir / f"worker-{run}.log")
    try:
        worker.wait_ready()
        classified = in_thread(
            lambda: asyncio.run(read_until(servers, settings.topic_classified, len(messages), timeout))
        )
        raised = in_thread(lambda: asyncio.run(read_until(servers, settings.topic_alerts, alerts, timeout)))
        time.sleep(1)
        began = time.monotonic()
        asyncio.run(produce(servers, settings.topic_lines, messages))
        return classified() - began, raised() - began
    finally:
        worker.stop()


def measure_ingest(port: int, records: list[dict[str, Any]], partitions: int, workdir: Path) -> float:
    run = uuid.uuid4().hex[:8]
    env = pipeline_env(port, run, partitions)
    asyncio.run(ensure_topics(settings_from_env(env)))
    archive = workdir / f"archive-{run}.jsonl"
    archive.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    began = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", "--format", "jsonl", str(archive)],
        check=True,
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - began


def measure_producer(port: int, messages: list[tuple[bytes, bytes]], partitions: int) -> float:
    run = uuid.uuid4().hex[:8]
    settings = settings_from_env(pipeline_env(port, run, partitions))
    asyncio.run(ensure_topics(settings))
    return asyncio.run(produce(settings.kafka_bootstrap_servers, settings.topic_lines, messages))


def expected_alerts(records: list[dict[str, Any]]) -> int:
    from pipeline.domain.classifier import LineClassifier
    from pipeline.events import Alert
    from pipeline.offline import classify_events
    from pipeline.taxonomy_file import load_taxonomy

    now = datetime.now(UTC)
    outputs = classify_events(LineClassifier(load_taxonomy()), line_events(records, now), now)
    return sum(isinstance(e, Alert) for e in outputs)


def commit_of_tree() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return found.stdout.strip() or "unknown"


def table(run: dict[str, Any]) -> str:
    rows = [
        "| path | lines | best lines/s | median lines/s | ceiling | share of ceiling (best) |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    by_path = {m["path"]: m for m in run["measured"]}
    ceilings = {
        "ingest": "bare producer",
        "end to end, last classified line": "bare relay",
        "end to end, last alert": "bare relay",
    }
    for measured in run["measured"]:
        lines, seconds = measured["lines"], measured["seconds"]
        best, median = lines / min(seconds), lines / statistics.median(seconds)
        ceiling = ceilings.get(measured["path"])
        share = ""
        if ceiling:
            top = by_path[ceiling]
            share = f"{best / (top['lines'] / min(top['seconds'])):.3f}"
        rows.append(f"| {measured['path']} | {lines:,} | {best:,.0f} | {median:,.0f} | {ceiling or ''} | {share} |")
    return "\n".join(rows)


def write_results(run: dict[str, Any]) -> None:
    history_file = BENCHMARKS / "bench.json"
    history = json.loads(history_file.read_text(encoding="utf-8")) if history_file.exists() else []
    history.append(run)
    history_file.write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")
    (BENCHMARKS / "bench.md").write_text(
        "# End-to-end throughput beside its ceilings\n\n"
        "Written by `scripts/bench` (see its docstring for what each path measures); every run is kept in\n"
        "`bench.json`. This is the newest run. Ratios taken in one run are what to compare.\n\n"
        f"{run['when']}, commit {run['commit']}, {run['machine']}, {run['articles']:,} articles, "
        f"{run['alerts']:,} alerts, {run['partitions']} partitions, "
        f"{run['repeats']} repeats{' (quick)' if run['quick'] else ''}.\n\n{table(run)}\n",
        encoding="utf-8",
    )


def main() -> int:
    logging.basicConfig(level=logging.ERROR)  # aiokafka's retry chatter while new topics elect leaders
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small run for a smoke test")
    parser.add_argument("--lines", type=int)
    parser.add_argument("--articles", type=int)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=1800.0, help="per measurement")
    parser.add_argument("--port", type=int, default=int(os.environ.get("KAFKA_PORT", "9092")))
    parser.add_argument("--no-write", action="store_true", help="print the table, write nothing into benchmarks/")
    args = parser.parse_args()
    lines = args.lines or (4_000 if args.quick else 100_000)
    articles = args.articles or (100 if args.quick else 1_000)
    repeats = args.repeat or (2 if args.quick else 3)

    records = corpus(lines, articles)
    messages = payloads(records)
    alerts = expected_alerts(records)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    started_broker = False
    if not port_open(args.port):
        subprocess.run([str(KAFKA_LOCAL), "start"], check=True, env={**os.environ, "KAFKA_PORT": str(args.port)})
        started_broker = True
    timings: dict[str, list[float]] = {}

    def note(path: str, seconds: float) -> None:
        timings.setdefault(path, []).append(seconds)
        print(f"bench: {path}: {lines / seconds:,.0f} lines/s", file=sys.stderr, flush=True)

    try:
        for _ in range(repeats):
            note("bare producer", measure_producer(args.port, messages, args.partitions))
            note("ingest", measure_ingest(args.port, records, args.partitions, workdir))
            note("bare relay", measure_relay(args.port, messages, args.partitions, args.timeout))
            last_line, last_alert = measure_pipeline(
                args.port, messages, alerts, args.partitions, workdir, args.timeout
            )
            note("end to end, last classified line", last_line)
            note("end to end, last alert", last_alert)
    finally:
        if started_broker:
            subprocess.run([str(KAFKA_LOCAL), "stop"], check=False, env={**os.environ, "KAFKA_PORT": str(args.port)})
    run = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit_of_tree(),
        "machine": f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores",
        "partitions": args.partitions,
        "repeats": repeats,
        "quick": args.quick,
        "articles": articles,
        "alerts": alerts,
        "measured": [{"path": path, "lines": lines, "seconds": seconds} for path, seconds in timings.items()],
    }
    print(table(run))
    if not args.no_write:
        write_results(run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
