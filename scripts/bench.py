"""Throughput of the pipeline beside its ceilings, measured in one run on this machine.

Each measurement runs several times against the real local broker and is set beside
what the same machine does with nothing but Kafka clients in the same run:

- ingest: `python -m pipeline ingest` on a JSONL archive (wall time, start-up
  included) against a bare aiokafka producer loop sending the same event bytes;
- Kafka's own kafka-producer-perf-test beside them, with the same producer settings
  and the events' mean size (its reported rate, the JVM's start-up left out);
- end to end: one worker, from the first line published to the last classified line
  and the last alert read back, against a bare aiokafka relay (consume, produce the
  bytes unchanged, commit) over the same bytes and the same partition count; and the
  same with two worker processes sharing the partitions;
- the in-line loop, a second ceiling for the worker: a bare aiokafka loop in a process
  of its own, as the worker is, running the worker's own decode, classify and alert
  steps with each article's memory and ledger in a dict (no Faust, no tables, no
  checkpoints), producing the same records with the same encodings and producer
  settings, and committing once Kafka has them (scripts/classify_loop.py); timed as
  the worker is, to the last classified line and the last alert;
- paced runs: one worker fed 200 and 1,000 lines a second, the latency of each line
  from the moment it is handed to the producer to its classified line and to its
  alert read back (p50, p95, p99, max), and the worker's resident memory; and a soak
  at 1,000 lines a second (ten minutes by default) for memory's trend.

Results go to benchmarks/bench.json (every run kept, newest last) and
benchmarks/bench.md (the newest run as a table). No figure is asserted: these
machines are shared, so only ratios taken in one run mean anything.

  scripts/bench            # 100,000 lines over 1,000 articles, three repeats
  scripts/bench --quick    # 4,000 lines over 100 articles, two repeats, 5 s paced runs, no soak
  scripts/bench --lines 50000 --articles 500 --soak-seconds 0
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
from aiokafka.admin import AIOKafkaAdminClient

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

from pipeline.broker.topics import ensure_topics  # noqa: E402
from pipeline.config.lexicon_file import load_english  # noqa: E402
from pipeline.config.settings import Settings  # noqa: E402
from pipeline.worker.supervisor import die_with_parent  # noqa: E402

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
        "NEWS_TOPIC_ITEMS": f"bench-{run}.items",
        "NEWS_PARTITIONS": str(partitions),
        "NEWS_LOG_FORMAT": "json",
    }


_PIPELINES_MADE: list[str] = []
"""the run ids of the pipelines this process made whose topics are still on the broker"""


def fresh_pipeline(port: int, partitions: int) -> tuple[str, dict[str, str], Settings]:
    """A run id, and the environment and settings of a pipeline of its own, its topics created; the
    topics of the pipeline made before it, whose measurement is over, deleted."""
    delete_pipelines(port)
    run = uuid.uuid4().hex[:8]
    _PIPELINES_MADE.append(run)
    env = pipeline_env(port, run, partitions)
    settings = settings_from_env(env)
    asyncio.run(ensure_topics(settings))
    return run, env, settings


def delete_pipelines(port: int) -> None:
    """Delete the topics (changelogs too) of the pipelines this process made: a broker left with
    thousands of topics by earlier runs answered slower, and once ran out of heap on a client's
    request for the metadata of every topic."""
    if not _PIPELINES_MADE:
        return
    prefixes = tuple(f"bench-{run}" for run in _PIPELINES_MADE)

    async def delete() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}")
        await admin.start()
        try:
            made = [topic for topic in await admin.list_topics() if topic.startswith(prefixes)]
            if made:
                await admin.delete_topics(made)
        finally:
            await admin.close()

    asyncio.run(delete())
    _PIPELINES_MADE.clear()


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
    run, _, settings = fresh_pipeline(port, partitions)
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


def time_to_last_outputs(
    settings: Settings, messages: list[tuple[bytes, bytes]], alerts: int, timeout: float
) -> tuple[float, float]:
    """Publish the lines to whatever is consuming them now: seconds from the first line published to the
    last classified line read back, and to the last alert."""
    servers = settings.kafka_bootstrap_servers
    classified = in_thread(lambda: asyncio.run(read_until(servers, settings.topic_classified, len(messages), timeout)))
    raised = in_thread(lambda: asyncio.run(read_until(servers, settings.topic_alerts, alerts, timeout)))
    time.sleep(1)
    began = time.monotonic()
    asyncio.run(produce(servers, settings.topic_lines, messages))
    return classified() - began, raised() - began


def start_classify_loop(env: dict[str, str], lines: int, log: Path, timeout: float = 120) -> subprocess.Popen[bytes]:
    """The in-line loop (scripts/classify_loop.py) in a process of its own, once it has its partitions;
    it exits after ``lines`` input lines, its summary the last line of ``log``."""
    with log.open("wb") as handle:
        loop = subprocess.Popen(
            [sys.executable, str(REPO / "scripts" / "classify_loop.py"), str(lines)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
            preexec_fn=die_with_parent,
        )
    deadline = time.monotonic() + timeout
    while b"ready\n" not in log.read_bytes():
        if loop.poll() is not None or time.monotonic() > deadline:
            loop.kill()
            loop.wait()
            raise RuntimeError(f"the in-line loop did not start; see {log}")
        time.sleep(0.1)
    return loop


def measure_classify_loop(
    port: int, messages: list[tuple[bytes, bytes]], alerts: int, partitions: int, workdir: Path, timeout: float
) -> tuple[float, float]:
    """The in-line loop (scripts/classify_loop.py) in a process of its own: seconds from the first line
    published to the last classified line, and to the last alert, timed as ``measure_pipeline`` times
    the worker. Its output is checked to be the worker's: every line classified, every alert raised."""
    run, env, settings = fresh_pipeline(port, partitions)
    log = workdir / f"classify-loop-{run}.log"
    loop = start_classify_loop(env, len(messages), log)
    try:
        last_line, last_alert = time_to_last_outputs(settings, messages, alerts, timeout)
        loop.wait(timeout=60)
    finally:
        if loop.poll() is None:
            loop.kill()
            loop.wait()
    summary = json.loads([line for line in log.read_bytes().splitlines() if line.startswith(b"{")][-1])
    if (summary["classified"], summary["alerts"], summary["dead_letters"]) != (len(messages), alerts, 0):
        raise RuntimeError(f"the in-line loop produced {summary}, not what the worker produces; see {log}")
    return last_line, last_alert


def measure_perf_test(port: int, messages: list[tuple[bytes, bytes]], partitions: int) -> float:
    """Kafka's own kafka-producer-perf-test, with the pipeline's producer settings and the
    event's mean size: the seconds its reported rate gives for the same number of lines (its
    JVM's start-up left out, as the tool leaves it out)."""
    _, _, settings = fresh_pipeline(port, partitions)
    size = round(statistics.mean(len(value) for _, value in messages))
    result = subprocess.run(
        [
            str(KAFKA_LOCAL),
            "tool",
            "producer-perf-test",
            "--topic",
            settings.topic_lines,
            "--num-records",
            str(len(messages)),
            "--record-size",
            str(size),
            "--throughput",
            "-1",
            "--producer-props",
            f"bootstrap.servers={settings.kafka_bootstrap_servers}",
            "acks=all",
            "enable.idempotence=true",
            "linger.ms=5",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "KAFKA_PORT": str(port)},
    )
    summary = result.stdout.strip().splitlines()[-1]  # "N records sent, R records/sec (...), ..."
    rate = float(summary.split(",")[1].split()[0])
    return len(messages) / rate


def measure_pipeline(
    port: int,
    messages: list[tuple[bytes, bytes]],
    alerts: int,
    partitions: int,
    workdir: Path,
    timeout: float,
    workers: int = 1,
) -> tuple[float, float]:
    """Seconds from the first line published to the last classified line, and to the last alert."""
    run, env, settings = fresh_pipeline(port, partitions)
    started = [Worker(env, workdir / f"worker-{run}-{n}.log") for n in range(workers)]
    try:
        for worker in started:
            worker.wait_ready()
        if workers > 1:
            time.sleep(5)  # the group's last rebalance settled
        return time_to_last_outputs(settings, messages, alerts, timeout)
    finally:
        for worker in started:
            worker.stop()


async def produce_paced(
    servers: str, topic: str, messages: list[tuple[bytes, bytes, str]], rate: float, published: dict[str, float]
) -> None:
    """Send ``rate`` messages a second, noting when each line (by its id) was handed to the producer."""
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", linger_ms=5, enable_idempotence=True)
    await producer.start()
    try:
        began, tick = time.monotonic(), 0.01
        for sent, (key, value, line_id) in enumerate(messages):
            due = began + sent / rate
            if due > time.monotonic() + tick:
                await asyncio.sleep(due - time.monotonic())
            published[line_id] = time.time()
            await producer.send(topic, value=value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def collect_arrivals(
    servers: str, topics: tuple[str, str], expected: tuple[int, int], timeout: float, ready: threading.Event
) -> dict[str, list[tuple[str, float, float]]]:
    """For each topic, the line id of every record read (``line_event_id``), when it was read, and
    when the worker made it (its ``classified_at`` or ``raised_at``)."""
    consumer = committed_reader(servers, *topics, fetch_max_wait_ms=5)
    await consumer.start()
    arrivals: dict[str, list[tuple[str, float, float]]] = {topic: [] for topic in topics}
    deadline = time.monotonic() + timeout
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)
        ready.set()
        while any(len(arrivals[t]) < n for t, n in zip(topics, expected, strict=True)):
            if time.monotonic() > deadline:
                counts = {t: len(a) for t, a in arrivals.items()}
                raise TimeoutError(f"read {counts} of {expected} after {timeout:.0f}s")
            batch = await consumer.getmany(timeout_ms=100, max_records=10_000)
            now = time.time()
            for tp, records in batch.items():
                for record in records:
                    event = json.loads(record.value)
                    stamped = datetime.fromisoformat(event.get("classified_at") or event["raised_at"]).timestamp()
                    arrivals[tp.topic].append((event["line_event_id"], now, stamped))
        return arrivals
    finally:
        await consumer.stop()


def resident_kib(pid: int) -> tuple[int, int]:
    """(current, peak) resident memory of a process, in KiB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def worker_child(worker: Worker) -> int:
    """The Faust worker under the supervisor that ``Worker`` started."""
    found = subprocess.run(["pgrep", "-P", str(worker.process.pid)], capture_output=True, text=True)
    return int(found.stdout.split()[0])


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1], "count": len(ordered)}


def measure_paced(port: int, rate: float, seconds: float, partitions: int, workdir: Path) -> dict[str, Any]:
    """One worker fed ``rate`` lines a second for ``seconds``: latency from publication to the classified
    line and to the alert, and the worker's resident memory sampled every two seconds."""
    count = int(rate * seconds)
    records = corpus(count, max(1, count // 100))
    expected_alert_count = expected_alerts(records)
    events = line_events(records, datetime.now(UTC))
    messages = [(e.article_id.encode(), e.model_dump_json().encode(), e.event_id) for e in events]
    run, env, settings = fresh_pipeline(port, partitions)
    servers = settings.kafka_bootstrap_servers
    worker = Worker(env, workdir / f"worker-{run}.log")
    memory: list[tuple[float, int]] = []
    try:
        worker.wait_ready()
        child = worker_child(worker)
        ready = threading.Event()
        topics = (settings.topic_classified, settings.topic_alerts)
        arrived = in_thread(
            lambda: asyncio.run(collect_arrivals(servers, topics, (count, expected_alert_count), seconds + 600, ready))
        )
        if not ready.wait(60):
            raise TimeoutError("the reader got no partitions")
        published: dict[str, float] = {}
        sampling = threading.Event()

        def sample() -> None:
            began = time.monotonic()
            while not sampling.wait(2.0):
                memory.append((time.monotonic() - began, resident_kib(child)[0]))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        asyncio.run(produce_paced(servers, settings.topic_lines, messages, rate, published))
        arrivals = arrived()
        sampling.set()
        peak = resident_kib(child)[1]
    finally:
        worker.stop()
    latency = {
        topic: percentiles([(read - published[line_id]) * 1000 for line_id, read, _ in arrivals[topic]])
        for topic in topics
    }
    made = {
        topic: percentiles([(stamped - published[line_id]) * 1000 for line_id, _, stamped in arrivals[topic]])
        for topic in topics
    }
    minute = [kib for at, kib in memory if at <= 60]
    last_minute = [kib for at, kib in memory if at >= memory[-1][0] - 60] if memory else []
    return {
        "rate": rate,
        "seconds": seconds,
        "lines": count,
        "alerts": expected_alert_count,
        "to_classified_ms": latency[settings.topic_classified],
        "to_alert_ms": latency[settings.topic_alerts],
        "made_classified_ms": made[settings.topic_classified],
        "made_alert_ms": made[settings.topic_alerts],
        "peak_rss_mib": round(peak / 1024, 1),
        "rss_first_minute_mib": round(statistics.mean(minute) / 1024, 1) if minute else None,
        "rss_last_minute_mib": round(statistics.mean(last_minute) / 1024, 1) if last_minute else None,
    }


def measure_ingest(port: int, records: list[dict[str, Any]], partitions: int, workdir: Path) -> float:
    run, env, _ = fresh_pipeline(port, partitions)
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
    _, _, settings = fresh_pipeline(port, partitions)
    return asyncio.run(produce(settings.kafka_bootstrap_servers, settings.topic_lines, messages))


def expected_alerts(records: list[dict[str, Any]]) -> int:
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.contracts.events import Alert
    from pipeline.domain.classifier import LineClassifier
    from pipeline.worker.offline import classify_events

    now = datetime.now(UTC)
    outputs = classify_events(LineClassifier(load_taxonomy(), load_english()), line_events(records, now), now)
    return sum(isinstance(e, Alert) for e in outputs)


def commit_of_tree() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return found.stdout.strip() or "unknown"


CEILINGS = {
    "ingest": "bare producer",
    "in-line loop, last classified line": "bare relay",
    "in-line loop, last alert": "bare relay",
    "end to end, last classified line": "bare relay",
    "end to end, last alert": "bare relay",
    "two workers, last classified line": "bare relay",
    "two workers, last alert": "bare relay",
}
"""each path's ceiling of plain Kafka clients"""
INLINE_CEILINGS = {
    "end to end, last classified line": "in-line loop, last classified line",
    "end to end, last alert": "in-line loop, last alert",
    "two workers, last classified line": "in-line loop, last classified line",
    "two workers, last alert": "in-line loop, last alert",
}
"""each worker path's in-line loop, timed to the same last record: what Faust and the delivery cost"""


def table(run: dict[str, Any]) -> str:
    rows = [
        "| path | lines | best lines/s | median lines/s | ceiling | share of ceiling (best) "
        "| share of in-line loop (best / median) |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    by_path = {m["path"]: m for m in run["measured"]}

    def rates(path: str) -> tuple[float, float]:
        seconds = by_path[path]["seconds"]
        return by_path[path]["lines"] / min(seconds), by_path[path]["lines"] / statistics.median(seconds)

    for measured in run["measured"]:
        path, lines = measured["path"], measured["lines"]
        best, median = rates(path)
        ceiling, loop = CEILINGS.get(path), INLINE_CEILINGS.get(path)
        share = f"{best / rates(ceiling)[0]:.3f}" if ceiling is not None and ceiling in by_path else ""
        of_loop = ""
        if loop is not None and loop in by_path:  # not in runs from before the loop was measured
            loop_best, loop_median = rates(loop)
            of_loop = f"{best / loop_best:.3f} / {median / loop_median:.3f}"
        rows.append(f"| {path} | {lines:,} | {best:,.0f} | {median:,.0f} | {ceiling or ''} | {share} | {of_loop} |")
    return "\n".join(rows)


def paced_table(paced: list[dict[str, Any]]) -> str:
    rows = [
        "| run | lines | to classified p50 / p95 / p99 / max | to alert p50 / p95 / p99 / max "
        "| peak RSS MiB | RSS first / last minute MiB |",
        "| --- | ---: | --- | --- | ---: | --- |",
    ]
    for run in paced:
        name = f"{run['rate']:,.0f} lines/s for {run['seconds']:,.0f} s" + (" (soak)" if run.get("soak") else "")
        spans = [
            " / ".join(f"{run[k][q]:,.0f}" for q in ("p50", "p95", "p99", "max"))
            for k in ("to_classified_ms", "to_alert_ms")
        ]
        trend = f"{run['rss_first_minute_mib']} / {run['rss_last_minute_mib']}"
        rows.append(f"| {name} | {run['lines']:,} | {spans[0]} | {spans[1]} | {run['peak_rss_mib']} | {trend} |")
    return "\n".join(rows)


def markdown(run: dict[str, Any]) -> str:
    """bench.md for ``run``."""
    return (
        "# End-to-end throughput beside its ceilings\n\n"
        "Written by `scripts/bench` (see its docstring for what each path measures); every run is kept in\n"
        "`bench.json`. This is the newest run. Ratios taken in one run are what to compare.\n\n"
        f"{run['when']}, commit {run['commit']}, {run['machine']}, {run['articles']:,} articles, "
        f"{run['alerts']:,} alerts, {run['partitions']} partitions, "
        f"{run['repeats']} repeats{' (quick)' if run['quick'] else ''}.\n\n{table(run)}\n\n"
        "The in-line loop (`scripts/classify_loop.py`) is the worker's own steps with no Faust, tables or\n"
        "checkpoints; a worker's share of it is what Faust and the delivery leave of a classifying worker's\n"
        "rate, timed to the same last record (best over best, median over median).\n\n"
        "Paced runs: latency from a line handed to the producer to its classified line and to its alert\n"
        "read back (milliseconds), and the worker's resident memory.\n\n"
        f"{paced_table(run['paced'])}\n"
    )


def write_results(run: dict[str, Any]) -> None:
    history_file = BENCHMARKS / "bench.json"
    history = json.loads(history_file.read_text(encoding="utf-8")) if history_file.exists() else []
    history.append(run)
    history_file.write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")
    (BENCHMARKS / "bench.md").write_text(markdown(run), encoding="utf-8")


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
    parser.add_argument(
        "--latency-rates", default="200,1000", help="paced rates (lines/s) to measure latency at, comma-separated"
    )
    parser.add_argument("--latency-seconds", type=float, help="how long each paced run lasts (default 30, quick 5)")
    parser.add_argument(
        "--soak-seconds", type=float, help="a paced run at 1,000 lines/s for memory's trend (default 600, quick none)"
    )
    args = parser.parse_args()
    latency_seconds = args.latency_seconds or (5.0 if args.quick else 30.0)
    soak_seconds = args.soak_seconds if args.soak_seconds is not None else (0.0 if args.quick else 600.0)
    rates = [float(rate) for rate in args.latency_rates.split(",") if rate.strip()]
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
            note("kafka-producer-perf-test", measure_perf_test(args.port, messages, args.partitions))
            note("ingest", measure_ingest(args.port, records, args.partitions, workdir))
            note("bare relay", measure_relay(args.port, messages, args.partitions, args.timeout))
            last_line, last_alert = measure_classify_loop(
                args.port, messages, alerts, args.partitions, workdir, args.timeout
            )
            note("in-line loop, last classified line", last_line)
            note("in-line loop, last alert", last_alert)
            last_line, last_alert = measure_pipeline(
                args.port, messages, alerts, args.partitions, workdir, args.timeout
            )
            note("end to end, last classified line", last_line)
            note("end to end, last alert", last_alert)
            last_line, last_alert = measure_pipeline(
                args.port, messages, alerts, args.partitions, workdir, args.timeout, workers=2
            )
            note("two workers, last classified line", last_line)
            note("two workers, last alert", last_alert)
        paced = [measure_paced(args.port, rate, latency_seconds, args.partitions, workdir) for rate in rates]
        if soak_seconds:
            paced.append({**measure_paced(args.port, 1000.0, soak_seconds, args.partitions, workdir), "soak": True})
        for run_paced in paced:
            print(f"bench: paced {run_paced['rate']:,.0f} lines/s: {json.dumps(run_paced)}", file=sys.stderr)
    finally:
        if port_open(args.port):
            delete_pipelines(args.port)
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
        "paced": paced,
    }
    print(table(run))
    print(paced_table(paced))
    if not args.no_write:
        write_results(run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
