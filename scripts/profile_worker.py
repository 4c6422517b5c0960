"""Where a classifying worker's time goes under load, sampled with py-spy.

Starts one worker (``python -m pipeline worker``, as scripts/bench.py does) or the in-line
loop (scripts/classify_loop.py) on a pipeline of its own on the local broker, attaches
py-spy to it once it has its partitions, publishes LINES lines over ARTICLES articles as
fast as a bare producer can, and stops sampling when the last classified line and the last
alert have been read back. Every sample of the process's main thread (the event loop, where
the agents, the tables and the producer run) is then put in one row by what it was doing:
the first row of ``ROWS`` whose pattern matches the frames of the task or callback the
event loop was running. The rows are printed with their share of the main thread's busy
samples and the microseconds of main-thread time they make per line.

py-spy pauses the process for each sample, which slows it; shares and ratios between rows
are what to read, not the rate under the profiler. py-spy is not a project dependency:
``pip install py-spy`` into the venv.

  python scripts/profile_worker.py [--target worker|loop] [--lines 40000] [--articles 400]
  python scripts/profile_worker.py --summarise RAW_FILE --lines 40000   # an existing raw profile again
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import (
    delete_pipelines,
    expected_alerts,
    fresh_pipeline,
    in_thread,
    payloads,
    produce,
    read_until,
    start_classify_loop,
    worker_child,
)
from chaos import Worker, corpus

IDLE = "waiting for the network (the selector, nothing ready)"
ROWS: list[tuple[str, str]] = [
    # The project's own steps, per line.
    ("classification (classify_line: the domain, the ClassifiedLine model)", r"\bclassify_line \("),
    ("alert rules (raise_alerts: the rules, the Alert model)", r"\braise_alerts \(pipeline/processing"),
    ("decoding input (decode_line, decode: JSON to models)", r"\b(decode_line|decode) \(pipeline/decoding"),
    (
        "encoding output events (model_dump_json of each event)",
        r"\.classify_lines(\.<locals>\.<listcomp>)? \(pipeline/app\.py:\d+\);BaseModel\.model_dump_json"
        r"|\b_json \(classify_loop",
    ),
    # The delivery: tables, checkpoints, offset order.
    ("admission and sequencing (offset order, progress reads)", r"pipeline/sequencing|_InOffsetOrder\."),
    (
        "table reads (memories, ledgers, checkpoints, progress)",
        r"\b(ModelTable\.get|Tables\.(memory|ledger|checkpoint|progress|read_from)) \(",
    ),
    (
        "table writes: stores and changelog records (JSON, checkpoints)",
        r"\b(ModelTable\.write|ModelTable\.json_of|checkpoint_json|model_json|Tables\.write) \(pipeline/streaming",
    ),
    ("the rest of the delivery's batch (checkpoints, progress)", r"pipeline/delivery"),
    ("structlog records", r"structlog/"),
    # Kafka, through Faust or not.
    (
        "handing records to the producer (EventProducer.produce, producer.send)",
        r"\b(EventProducer\.\w+|_acknowledged) \(pipeline/streaming|AIOKafkaProducer\.send \(",
    ),
    ("acknowledging offsets (ack_when_produced, Stream.ack)", r"Batches\.(_ack|ack_when_produced) \(|\bStream\.ack \("),
    ("Faust: stream iteration (Stream.events, Batches)", r"faust/streams|Batches\.__aiter__"),
    ("the rest of the agents (produce_and_ack, two-step writes)", r"pipeline/(streaming|app)"),
    (
        "Faust: each message to its stream (fetcher, on_message, channel queues)",
        r"Fetcher\._fetcher \(faust|_drain_messages|on_message \(faust|faust/channels",
    ),
    ("Faust: commits", r"_commit_handler \(faust|Consumer\.commit \(faust"),
    ("Faust: the rest (thread hand-overs, timers, sensors)", r"faust/|mode/"),
    ("aiokafka producer (sender, record batches, partitioner)", r"aiokafka/producer/|aiokafka/record/|partitioner"),
    ("aiokafka consumer (fetcher, coordinator)", r"aiokafka/consumer/"),
    ("aiokafka connections and protocol", r"aiokafka/"),
    ("event loop (tasks, callbacks, socket reads and writes)", r"asyncio/|selectors"),
]
OTHER = "the rest"

Profile = Counter[tuple[str, ...]]


def read_raw(path: Path) -> Profile:
    """py-spy's raw output: each distinct stack (root first) and how many samples it had."""
    stacks: Profile = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def is_main_thread(stack: tuple[str, ...]) -> bool:
    """Whether a stack (recorded with ``--threads``) is of the main thread: the event loop the agents
    (or the loop) run on. Faust's consumer has a thread of its own."""
    return stack[0].endswith(": MainThread") or not stack[0].startswith("thread (")


def running_task(stack: tuple[str, ...]) -> tuple[str, ...]:
    """The frames of the task or callback the event loop was running, or the loop's own innermost
    frame: the frames below it (the command line, Faust's and mode's start-up) are the same for
    every sample and say nothing of what the time went to."""
    for index in range(len(stack) - 1, -1, -1):
        if stack[index].startswith("Handle._run (asyncio/events.py"):
            return stack[index + 1 :]
    return stack[-1:]


def summarise(stacks: Profile, lines: int, rate: float) -> str:
    compiled = [(name, re.compile(pattern)) for name, pattern in ROWS]
    rows: Counter[str] = Counter()
    other_threads, other_idle = 0, 0
    for stack, count in stacks.items():
        idle = stack[-1].startswith("EpollSelector.select (selectors")
        if not is_main_thread(stack):
            other_threads += count
            other_idle += count if idle else 0
            continue
        task = ";".join(running_task(stack))
        row = IDLE if idle else next((name for name, pattern in compiled if pattern.search(task)), OTHER)
        rows[row] += count
    main = sum(rows.values())
    busy = main - rows[IDLE]
    table = [
        f"main thread: {main:,} samples ({main / rate:.1f} s), {busy:,} busy; "
        f"other threads: {other_threads:,} samples, {other_threads - other_idle:,} busy",
        "",
        "| what (main thread) | samples | share of busy | us a line |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in [*(name for name, _ in ROWS), OTHER]:
        if rows[name]:
            share, per_line = rows[name] / busy, rows[name] / rate / lines * 1e6
            table.append(f"| {name} | {rows[name]:,} | {share:.1%} | {per_line:,.0f} |")
    table.append(f"| all busy samples | {busy:,} | 100% | {busy / rate / lines * 1e6:,.0f} |")
    table.append(f"| {IDLE} | {rows[IDLE]:,} | | |")
    return "\n".join(table)


def process_cpu_seconds(pid: int) -> float:
    """Processor time of a process, every thread's (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime and stime, in clock ticks


def profile(target: str, lines: int, articles: int, rate: int, partitions: int, port: int, out: Path) -> None:
    records = corpus(lines, articles)
    messages = payloads(records)
    alerts = expected_alerts(records)
    run, env, settings = fresh_pipeline(port, partitions)
    servers = settings.kafka_bootstrap_servers
    log = out / f"{target}-{run}.log"
    worker: Worker | None = None
    loop: subprocess.Popen[bytes] | None = None
    if target == "worker":
        worker = Worker(env, log)
        worker.wait_ready()
        pid = worker_child(worker)
    else:
        loop = start_classify_loop(env, lines, log)
        pid = loop.pid
    raw = out / f"{target}-{run}.raw"
    sampler = shutil.which("py-spy") or "py-spy"
    spy_log = (out / f"{target}-{run}.py-spy.log").open("wb")
    spy = subprocess.Popen(
        [sampler, "record", "--format", "raw", "-r", str(rate), "-p", str(pid), "--threads", "-o", str(raw)],
        stdout=subprocess.DEVNULL,
        stderr=spy_log,
    )
    try:
        classified = in_thread(lambda: asyncio.run(read_until(servers, settings.topic_classified, lines, 1800)))
        raised = in_thread(lambda: asyncio.run(read_until(servers, settings.topic_alerts, alerts, 1800)))
        time.sleep(2)  # py-spy attached, the readers subscribed
        cpu_before, began = process_cpu_seconds(pid), time.monotonic()
        asyncio.run(produce(servers, settings.topic_lines, messages))
        last_line, last_alert = classified() - began, raised() - began
        cpu = process_cpu_seconds(pid) - cpu_before
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes what it has sampled when interrupted
        spy.wait(timeout=60)
        spy_log.close()
        if worker is not None:
            worker.stop()
        if loop is not None and loop.poll() is None:
            loop.kill()
            loop.wait()
        delete_pipelines(port)
    print(
        f"{target}: {lines:,} lines over {articles:,} articles, {alerts:,} alerts; under the profiler "
        f"{lines / last_line:,.0f} lines/s to the last classified line, {lines / last_alert:,.0f} to the last "
        f"alert; {cpu:.1f} s of processor time ({cpu / last_alert:.0%} of a core), {cpu / lines * 1e6:,.0f} us a line"
    )
    print(f"raw profile: {raw}\n")
    print(summarise(read_raw(raw), lines, rate))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=("worker", "loop"), default="worker")
    parser.add_argument("--lines", type=int, default=40_000)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rate", type=int, default=100, help="py-spy's samples a second")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--port", type=int, default=9092)
    parser.add_argument("--summarise", type=Path, help="summarise this raw profile instead of taking one")
    args = parser.parse_args()
    if args.summarise:
        print(summarise(read_raw(args.summarise), args.lines, args.rate))
        return 0
    if shutil.which("py-spy") is None:
        print("profile_worker: py-spy is not installed (pip install py-spy)", file=sys.stderr)
        return 1
    out = Path(tempfile.mkdtemp(prefix="profile-"))
    profile(args.target, args.lines, args.articles, args.rate, args.partitions, args.port, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
