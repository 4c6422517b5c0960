"""Chaos drill: a stream of articles through real workers while things break.

Publishes LINES lines over ARTICLES articles at a steady rate through the
ingest command, SIGKILLs a worker part-way and starts another, optionally
stops and restarts the broker mid-stream, then counts what came out against an
uninterrupted in-process run of the same lines:

  lines ingested, lines classified, dead letters by reason, alerts, duplicate
  alerts, missing and unexpected alerts, speaker mismatches, lost lines, and
  how many lines (and articles) each worker took.

Several workers can share the partitions (--workers); one can leave (SIGTERM)
and another join part-way (--leave-at, --join-at), to drill a scale-out. The
lines after the join are held back until the joining worker has its partitions,
and the last of them until it has taken a line, so that it always has some to take.

With --nodes 3 the drill runs on scripts/kafka-local's three-node cluster (started
if it is not running) with topics replicated three times, and can SIGKILL the node
leading most partitions of the lines topic, or the active controller
(--kill-node-at, --which-node), start it again later (--restart-node-at), or
restart every node in turn while lines flow (--roll-at). Every drill reports the
longest time during which nothing was classified.

Everything is counted once nothing more can come, never after a quiet spell: after
the drill's lines, a marker line that raises a known alert is ingested for an article
of its own on each partition the drill's articles use; each partition is processed in
order, so once every marker's alert is out, all the drill's lines caused is out too.
Then the workers stop and each output topic is read to its end. The markers' own
records are left out of every figure.

Lost lines, missing or unexpected alerts and speaker mismatches make the exit
status 1, and so do markers whose alerts never came; repeated records (the same
event id twice) are counted and reported.
Needs the local broker (scripts/kafka-local); the broker restart uses
scripts/kafka-local stop/start, so it must be that broker.

  python scripts/chaos.py                              # full size: 10,000 lines, 100 articles
  python scripts/chaos.py --lines 1000 --articles 20 --session-timeout 10   # the size the test suite runs
  python scripts/chaos.py --workers 2 --kill-at 0 --restart-broker-at 0 --leave-at 0.3 --join-at 0.5
  python scripts/chaos.py --nodes 3 --kill-at 0 --restart-broker-at 0 --kill-node-at 0.3 --restart-node-at 0.6
  python scripts/chaos.py --nodes 3 --kill-at 0 --restart-broker-at 0 --kill-node-at 0.3 --which-node controller
  python scripts/chaos.py --nodes 3 --kill-at 0 --restart-broker-at 0 --roll-at 0.2 --rate 150
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.partitioner import DefaultPartitioner

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.broker.topics import ensure_topics  # noqa: E402
from pipeline.config.lexicon_file import load_english  # noqa: E402
from pipeline.config.settings import Settings  # noqa: E402
from pipeline.config.taxonomy_file import load_taxonomy  # noqa: E402
from pipeline.contracts.events import Alert, ClassifiedLine, LineEvent  # noqa: E402
from pipeline.domain.classifier import LineClassifier  # noqa: E402
from pipeline.worker.offline import classify_events  # noqa: E402
from pipeline.worker.supervisor import die_with_parent  # noqa: E402

WRITTEN_GOLD = REPO / "evaluation" / "written" / "gold.jsonl"
KAFKA_LOCAL = REPO / "scripts" / "kafka-local"
READY = b"[^Worker]: Ready"  # what Faust logs once the worker has its partitions
# A marker's line: it raises a war crimes alert (checked against the offline run before the drill).
MARKER_TEXT = "Foreign Minister Dmytro Kuleba said the shelling of the maternity hospital was a war crime."


def corpus(lines: int, articles: int) -> list[dict[str, Any]]:
    """``lines`` line records over ``articles`` articles, each made of development-set articles in turn."""
    by_article: dict[str, list[str]] = {}
    for raw in WRITTEN_GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(raw)
        by_article.setdefault(record["article_id"], []).append(record["text"])
    texts = list(by_article.values())
    per_article = max(1, lines // articles)
    records = []
    for number in range(articles):
        article_id = f"chaos-{number:04d}"
        body = [t for k in range(number, number + len(texts)) for t in texts[k % len(texts)]]
        count = per_article if number < articles - 1 else lines - per_article * (articles - 1)
        records.extend(
            {"article_id": article_id, "line_no": n, "text": body[(n - 1) % len(body)]} for n in range(1, count + 1)
        )
    # Interleave articles as a live newsroom would: round-robin by line number.
    return sorted(records, key=lambda r: (r["line_no"], r["article_id"]))


def line_events(records: list[dict[str, Any]], now: datetime) -> list[LineEvent]:
    """The line events ingest would publish for ``records``, with the ids it would give them."""
    return [LineEvent(event_id=LineEvent.id_for(r["article_id"], r["line_no"]), ingested_at=now, **r) for r in records]


def partition_of(key: str, partitions: int) -> int:
    """The partition of ``key`` on every pipeline topic: ingest and the worker use Kafka's default
    partitioner, and every pipeline topic has the same partition count."""
    every = list(range(partitions))
    return int(DefaultPartitioner()(key.encode(), every, every))


def markers(articles: set[str], partitions: int) -> list[dict[str, Any]]:
    """A one-line marker article on each partition ``articles`` use, to be ingested after their lines:
    each partition is processed in order, so a marker's alert comes out after all their lines cause."""
    used = {partition_of(article, partitions) for article in articles}
    chosen: dict[int, str] = {}
    for number in itertools.count():
        if len(chosen) == len(used):
            break
        article = f"marker-{number:04d}"
        partition = partition_of(article, partitions)
        if partition in used:
            chosen.setdefault(partition, article)
    return [{"article_id": chosen[p], "line_no": 1, "text": MARKER_TEXT} for p in sorted(chosen)]


def settings_from_env(env: dict[str, str]) -> Settings:
    """The settings a pipeline process started with ``env`` reads."""
    return Settings(**{k.removeprefix("NEWS_").lower(): v for k, v in env.items() if k.startswith("NEWS_")})


@dataclass
class Collected:
    classified: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def distinct_lines(self, besides: set[str]) -> int:
        """Lines classified, but for those of the articles ``besides``."""
        with self.lock:
            return len({(c["article_id"], c["line_no"]) for c in self.classified if c["article_id"] not in besides})

    def alert_ids(self) -> set[str]:
        with self.lock:
            return {a["event_id"] for a in self.alerts}


def committed_reader(servers: str, *topics: str, fetch_max_wait_ms: int = 200) -> AIOKafkaConsumer:
    """A consumer of its own (no group) that reads ``topics`` from the start, committed records only."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
        fetch_max_wait_ms=fetch_max_wait_ms,
        metadata_max_age_ms=2000,
    )


def collect(env: dict[str, str], into: Collected, stop: threading.Event) -> None:
    """Read the classified lines and the alerts, committed records only, until told to stop: how far
    the drill has got."""

    async def run() -> None:
        topics = {env["NEWS_TOPIC_CLASSIFIED"]: into.classified, env["NEWS_TOPIC_ALERTS"]: into.alerts}
        consumer = committed_reader(env["NEWS_KAFKA_BOOTSTRAP_SERVERS"], *topics)
        await consumer.start()
        try:
            while not stop.is_set():
                batch = await consumer.getmany(timeout_ms=500)
                with into.lock:
                    for partition, records in batch.items():
                        topics[partition.topic].extend(json.loads(r.value) for r in records)
        finally:
            await consumer.stop()

    asyncio.run(run())


async def values_to_end(servers: str, topics: list[str], timeout: float = 120) -> dict[str, list[bytes | None]]:
    """The value of every committed record of ``topics``, up to the end each partition has when called:
    all there will be once whatever could write to them has stopped."""
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    assert partitions, f"{', '.join(topics)}: no partitions ({described})"
    consumer = AIOKafkaConsumer(
        bootstrap_servers=servers,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        fetch_max_wait_ms=100,
    )
    await consumer.start()
    found: dict[str, list[bytes | None]] = {topic: [] for topic in topics}
    deadline = time.monotonic() + timeout
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while any([await consumer.position(p) < ends[p] for p in partitions]):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{', '.join(topics)} not read to their end within {timeout} s")
            for partition, records in (await consumer.getmany(timeout_ms=500)).items():
                found[partition.topic].extend(r.value for r in records)
    finally:
        await consumer.stop()
    return found


def read_to_end(servers: str, topics: list[str], timeout: float = 120) -> dict[str, list[dict[str, Any]]]:
    """Every committed record of ``topics`` as JSON, read as ``values_to_end`` reads them."""
    values = asyncio.run(values_to_end(servers, topics, timeout))
    return {topic: [json.loads(value) for value in read] for topic, read in values.items()}  # type: ignore[arg-type]


class Worker:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.handle = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "worker", "--loglevel", "info"],
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
            # A drill or test killed on a timeout must not leave its workers running.
            preexec_fn=die_with_parent,
        )
        self.asked_to_stop = False

    def wait_ready(self, since: int = 0, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}; see {self.log}")
            if READY in self.log.read_bytes()[since:]:
                return
            time.sleep(0.3)
        raise TimeoutError(f"worker not ready after {timeout}s; see {self.log}")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def ask_to_stop(self) -> None:
        """SIGTERM, once, without waiting: the worker leaves its group and exits (``stop`` waits for that)."""
        if self.process.poll() is None and not self.asked_to_stop:
            self.process.terminate()
            self.asked_to_stop = True

    def stop(self) -> None:
        self.ask_to_stop()
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.handle.close()


def stop_all(workers: list[Worker]) -> None:
    """Stop every worker, all asked at once: each takes a second or more to leave its group and exit."""
    for worker in workers:
        worker.ask_to_stop()
    for worker in workers:
        worker.stop()


def work_done(log: Path, besides: set[str]) -> tuple[int, set[str]]:
    """How many lines a worker logged as classified, and of which articles, leaving out the
    one-line articles ``besides`` (the markers)."""
    lines, articles = 0, set()
    for raw in log.read_bytes().splitlines():
        if b'"lines_classified"' in raw:
            with contextlib.suppress(ValueError, KeyError):
                record = json.loads(raw)
                logged = set(record["articles"])
                articles.update(logged - besides)
                lines += record["lines"] - len(logged & besides)
    return lines, articles


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def kafka_local(env: dict[str, str], *args: str) -> str:
    """Run scripts/kafka-local; its standard output."""
    return subprocess.run([str(KAFKA_LOCAL), *args], check=True, env=env, capture_output=True, text=True).stdout


def busiest_leader(servers: str, topic: str) -> int:
    """The node that leads most partitions of ``topic``."""

    async def described() -> list[int]:
        admin = AIOKafkaAdminClient(bootstrap_servers=servers)
        await admin.start()
        try:
            [topic_metadata] = await admin.describe_topics([topic])
        finally:
            await admin.close()
        return [p["leader"] for p in topic_metadata["partitions"]]

    leaders = asyncio.run(described())
    return max(set(leaders), key=leaders.count)


def active_controller(env: dict[str, str], servers: str) -> int:
    """The node leading the controller quorum, as Kafka's metadata-quorum tool reports it."""
    status = kafka_local(env, "tool", "metadata-quorum", "--bootstrap-server", servers, "describe", "--status")
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("LeaderId:")))


def longest_quiet(classified: list[dict[str, Any]]) -> float:
    """The longest time, in seconds, between one classified record and the next."""
    times = sorted(datetime.fromisoformat(c["classified_at"]) for c in classified)
    return max(((b - a).total_seconds() for a, b in itertools.pairwise(times)), default=0.0)


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    # The collector's reconnect chatter while a broker or node is down, which the drill means to happen.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--rate", type=float, default=1000.0, help="ingest rate, lines per second")
    parser.add_argument("--workers", type=int, default=1, help="workers at the start, sharing the partitions")
    parser.add_argument("--kill-at", type=float, default=0.3, help="SIGKILL a worker at this share classified; 0: no")
    parser.add_argument("--restart-broker-at", type=float, default=0.6, help="restart the broker at this share; 0: no")
    parser.add_argument("--leave-at", type=float, default=0.0, help="stop a worker (SIGTERM) at this share; 0: no")
    parser.add_argument("--join-at", type=float, default=0.0, help="start one more worker at this share; 0: no")
    parser.add_argument("--nodes", type=int, choices=(1, 3), default=1, help="one broker, or the three-node cluster")
    parser.add_argument("--kill-node-at", type=float, default=0.0, help="SIGKILL a cluster node at this share; 0: no")
    parser.add_argument(
        "--which-node",
        choices=("leader", "controller"),
        default="leader",
        help="the node to kill: the one leading most lines partitions, or the active controller",
    )
    parser.add_argument("--restart-node-at", type=float, default=0.0, help="start the killed node again; 0: at the end")
    parser.add_argument("--roll-at", type=float, default=0.0, help="kill and restart each node in turn; 0: no")
    parser.add_argument(
        "--session-timeout",
        type=float,
        help="seconds the group waits to hear from a worker before it hands the worker's partitions on, "
        "heartbeats every tenth of that (Faust's broker_session_timeout; default: the worker's own, 60 s)",
    )
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--port", type=int, default=int(os.environ.get("KAFKA_PORT", "9092")))
    parser.add_argument("--json", action="store_true", help="print only the counts, as JSON")
    args = parser.parse_args()

    if args.nodes == 1 and (args.kill_node_at or args.restart_node_at or args.roll_at):
        parser.error("--kill-node-at, --restart-node-at and --roll-at need --nodes 3")
    if args.restart_node_at and not 0 < args.kill_node_at < args.restart_node_at:
        parser.error("--restart-node-at must come after --kill-node-at")
    run = uuid.uuid4().hex[:8]
    servers = ",".join(f"127.0.0.1:{args.port + n}" for n in range(args.nodes))
    env = {
        **os.environ,
        "NEWS_KAFKA_BOOTSTRAP_SERVERS": servers,
        "NEWS_REPLICATION_FACTOR": str(args.nodes),
        "NEWS_APP_ID": f"chaos-{run}",
        "NEWS_TOPIC_LINES": f"chaos-{run}.lines",
        "NEWS_TOPIC_CLASSIFIED": f"chaos-{run}.lines.classified",
        "NEWS_TOPIC_ALERTS": f"chaos-{run}.alerts",
        "NEWS_TOPIC_DLQ": f"chaos-{run}.dlq",
        "NEWS_TOPIC_ITEMS": f"chaos-{run}.items",
        "NEWS_LOG_FORMAT": "json",
        "NEWS_LOG_LEVEL": "WARNING",
        "KAFKA_PORT": str(args.port),
    }
    workdir = Path(tempfile.mkdtemp(prefix="chaos-"))
    say = (lambda *_: None) if args.json else (lambda *a: print(*a, file=sys.stderr, flush=True))

    records = corpus(args.lines, args.articles)
    now = datetime.now(UTC)
    expected = list(classify_events(LineClassifier(load_taxonomy(), load_english()), line_events(records, now), now))
    expected_speakers = {
        (e.article_id, e.line_no): (e.speaker.name if e.speaker else None)
        for e in expected
        if isinstance(e, ClassifiedLine)
    }
    expected_topics = {
        (e.article_id, e.line_no): sorted(t.id for t in e.topics) for e in expected if isinstance(e, ClassifiedLine)
    }
    expected_alerts = {e.event_id for e in expected if isinstance(e, Alert)}
    marker_lines = markers({r["article_id"] for r in records}, settings_from_env(env).partitions)
    marker_articles = {m["article_id"] for m in marker_lines}
    marker_alerts = {
        e.event_id: e.article_id
        for e in classify_events(LineClassifier(load_taxonomy(), load_english()), line_events(marker_lines, now), now)
        if isinstance(e, Alert)
    }
    if set(marker_alerts.values()) != marker_articles:
        sys.exit(f"chaos: the marker line raises no alert, so it cannot mark anything: {MARKER_TEXT!r}")

    started_broker = False
    nodes_up = [port_open(args.port + n) for n in range(args.nodes)]
    if not any(nodes_up):
        subprocess.run([str(KAFKA_LOCAL), "start", "--nodes", str(args.nodes)], check=True, env=env)
        started_broker = True
    elif not all(nodes_up):
        sys.exit(f"chaos: only some of the cluster's nodes on {servers} are up: restart them or stop the cluster")
    killed_node: int | None = None
    collected, stop = Collected(), threading.Event()
    collector = threading.Thread(target=collect, args=(env, collected, stop), daemon=True)
    workers: list[Worker] = []
    happened: list[str] = []
    worker_env = {**env, "NEWS_LOG_LEVEL": "INFO"}  # lines_classified records tell which worker took which lines
    if args.session_timeout:
        # Faust reads these from the environment. After a SIGKILL, the group hands the killed worker's
        # partitions on only once its session has timed out: most of a kill drill's time at the default.
        worker_env["BROKER_SESSION_TIMEOUT"] = str(args.session_timeout)
        worker_env["BROKER_HEARTBEAT_INTERVAL"] = str(args.session_timeout / 10)

    def start_worker() -> Worker:
        workers.append(Worker(worker_env, workdir / f"worker-{len(workers) + 1}.log"))
        return workers[-1]

    def ingest(part: list[dict[str, Any]], log: IO[bytes], rate: float | None = None) -> subprocess.Popen[bytes]:
        """An ingest of ``part`` (JSONL on its standard input), at ``rate`` lines a second if given."""
        pacing = ["--rate", str(rate)] if rate else []
        sending = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "ingest", *pacing, "--format", "jsonl", "-"],
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
        )
        assert sending.stdin is not None
        sending.stdin.write("".join(json.dumps(r) + "\n" for r in part).encode())
        sending.stdin.close()
        return sending

    def ingest_markers() -> subprocess.Popen[bytes]:
        with (workdir / "markers.log").open("wb") as log:
            return ingest(marker_lines, log)

    marker_ingest: subprocess.Popen[bytes] | None = None
    began = time.monotonic()
    try:
        for started in [start_worker() for _ in range(args.workers)]:
            started.wait_ready()
        settings = settings_from_env(env)
        asyncio.run(ensure_topics(settings))  # the collector must see every partition from the start
        collector.start()
        say(f"chaos: {len(records)} lines over {args.articles} articles at {args.rate:.0f} lines/s ({workdir})")
        ingest_log = (workdir / "ingest.log").open("wb")
        # A worker that joins must take part of the input, however long joining takes on a busy machine,
        # so the input must not run out before it has: the lines after the join's share (and a margin)
        # are held back until it is ready (Faust logs Ready only once the worker has its partitions), and
        # the last half of them until it has taken a line. Lines are interleaved round-robin by article,
        # so each part holds lines of every article, and so of every partition the drill uses.
        held_back = records[int(min(1.0, args.join_at + 0.1) * len(records)) :] if args.join_at > 0 else []
        after_join, after_first_line = held_back[: len(held_back) // 2], held_back[len(held_back) // 2 :]
        line_ingest = ingest(records[: len(records) - len(held_back)], ingest_log, args.rate)
        joiner: Worker | None = None

        def joiner_took_a_line_or_could_not() -> bool:
            """The joined worker has taken a line, or never will of what was sent: all of it is classified."""
            assert joiner is not None
            everything_sent = len(records) - len(after_first_line)
            return (
                work_done(joiner.log, besides=marker_articles)[0] > 0
                or collected.distinct_lines(besides=marker_articles) >= everything_sent
            )

        plan = sorted(
            (share, action)
            for share, action in (
                (args.kill_at, "kill"),
                (args.restart_broker_at, "restart_broker"),
                (args.leave_at, "leave"),
                (args.join_at, "join"),
                (args.kill_node_at, "kill_node"),
                (args.restart_node_at, "restart_node"),
                (args.roll_at, "roll"),
            )
            if share > 0
        )
        while time.monotonic() - began < args.timeout:
            done = collected.distinct_lines(besides=marker_articles)
            while plan and done >= plan[0][0] * len(records):
                _, action = plan.pop(0)
                live = [w for w in workers if w.process.poll() is None]
                if action == "kill":
                    live[-1].kill()
                    happened.append(f"SIGKILL worker {workers.index(live[-1]) + 1} at {done} lines classified")
                    start_worker().wait_ready()
                elif action == "restart_broker":
                    subprocess.run([str(KAFKA_LOCAL), "stop"], check=True, env=env)
                    time.sleep(2)
                    subprocess.run([str(KAFKA_LOCAL), "start", "--nodes", str(args.nodes)], check=True, env=env)
                    happened.append(f"broker restarted at {done} lines classified")
                elif action == "leave":
                    live[0].stop()
                    happened.append(f"worker {workers.index(live[0]) + 1} left at {done} lines classified")
                elif action == "join":
                    joiner = start_worker()
                    joiner.wait_ready()
                    happened.append(f"worker {len(workers)} joined at {done} lines classified")
                elif action == "kill_node":
                    if args.which_node == "leader":
                        killed_node = busiest_leader(servers, env["NEWS_TOPIC_LINES"])
                        role = "leading most lines partitions"
                    else:
                        killed_node = active_controller(env, servers)
                        role = "the active controller"
                    kafka_local(env, "kill", str(killed_node))
                    happened.append(f"SIGKILL node {killed_node} ({role}) at {done} lines classified")
                elif action == "restart_node" and killed_node is not None:
                    kafka_local(env, "restart", str(killed_node))
                    happened.append(f"node {killed_node} restarted at {done} lines classified")
                    killed_node = None
                elif action == "roll":
                    for node in range(1, args.nodes + 1):
                        kafka_local(env, "kill", str(node))
                        kafka_local(env, "restart", str(node))
                    happened.append(
                        f"rolling restart of nodes 1 to {args.nodes} from {done} "
                        f"to {collected.distinct_lines(besides=marker_articles)} lines classified"
                    )
                say(f"chaos: {happened[-1]}")
            if joiner is not None and line_ingest.poll() is not None:
                if after_join:
                    say(f"chaos: {len(after_join)} lines sent for the joined worker")
                    line_ingest, after_join = ingest(after_join, ingest_log, args.rate), []
                elif after_first_line and joiner_took_a_line_or_could_not():
                    say(f"chaos: the last {len(after_first_line)} lines sent")
                    line_ingest, after_first_line = ingest(after_first_line, ingest_log, args.rate), []
            held = after_join or after_first_line
            if marker_ingest is None and not held and line_ingest.poll() is not None:
                marker_ingest = ingest_markers()  # after every line of the drill, on each partition it used
            if marker_ingest is not None and marker_ingest.poll() not in (None, 0):
                sys.exit(f"chaos: the markers could not be ingested; see {workdir / 'markers.log'}")
            # Once every marker's alert is out, so is everything the drill's lines caused.
            if marker_ingest is not None and marker_ingest.poll() == 0 and set(marker_alerts) <= collected.alert_ids():
                break
            time.sleep(0.5)
        markers_unanswered = sorted(set(marker_alerts) - collected.alert_ids())
        for process in (line_ingest, marker_ingest):
            if process is not None and process.poll() is None:
                process.kill()
            if process is not None:
                process.wait()
        ingest_log.close()
        ingest_out = (workdir / "ingest.log").read_text(errors="replace")
        stop_all(workers)
        # Nothing writes to the output topics any more: all they will ever hold is there to read.
        outputs = [env["NEWS_TOPIC_CLASSIFIED"], env["NEWS_TOPIC_ALERTS"], env["NEWS_TOPIC_DLQ"]]
        final = read_to_end(servers, outputs)
    finally:
        stop_all(workers)
        stop.set()
        collector.join(timeout=10)
        if killed_node is not None:
            subprocess.run([str(KAFKA_LOCAL), "restart", str(killed_node)], check=False, env=env)
        if started_broker:
            subprocess.run([str(KAFKA_LOCAL), "stop"], check=False, env=env)

    # The markers' own records are no part of the drill.
    classified = [c for c in final[outputs[0]] if c["article_id"] not in marker_articles]
    alerts = [a for a in final[outputs[1]] if a["article_id"] not in marker_articles]
    dead = [d for d in final[outputs[2]] if d["key"] not in marker_articles]
    seen = {(c["article_id"], c["line_no"]): c for c in classified}
    shares = [work_done(worker.log, besides=marker_articles) for worker in workers]
    dead_keys = {
        (json.loads(d["payload_text"])["article_id"], json.loads(d["payload_text"])["line_no"])
        for d in dead
        if d.get("payload_text") and d["reason"] != "duplicate_line"
    }
    got_alerts = Counter(a["event_id"] for a in alerts)
    speaker_mismatches = mismatches(
        classified, "speaker", lambda c: c["speaker"]["name"] if c["speaker"] else None, expected_speakers
    )
    topic_mismatches = mismatches(classified, "topics", lambda c: sorted(t["id"] for t in c["topics"]), expected_topics)
    published = [line for line in ingest_out.splitlines() if line.startswith("published")]
    counts = {
        "lines_sent": len(records),
        "lines_ingested": sum(int(line.split()[1]) for line in published),
        "lines_classified": len(seen),
        "classified_records": len(classified),
        "dead_letters_by_reason": dict(Counter(d["reason"] for d in dead)),
        "alerts": len(got_alerts),
        "alerts_expected": len(expected_alerts),
        "duplicate_alerts": sum(n - 1 for n in got_alerts.values()),
        "missing_alerts": len(expected_alerts - set(got_alerts)),
        "unexpected_alerts": len(set(got_alerts) - expected_alerts),
        # Every copy of a line, not only the last: a line read again after a crash must repeat its first copy.
        "speaker_mismatches": len(speaker_mismatches),
        "topic_mismatches": len(topic_mismatches),
        # A few of each, to find them in the workers' logs (which the drill's folder keeps).
        "mismatched": [*speaker_mismatches[:3], *topic_mismatches[:3]],
        "lost_lines": sum(1 for key in expected_speakers if key not in seen and key not in dead_keys),
        "lines_by_worker": [done[0] for done in shares],
        "articles_by_worker": [len(done[1]) for done in shares],
        "articles_moved": sum(1 for n in Counter(a for done in shares for a in done[1]).values() if n > 1),
        "events": happened,
        "longest_quiet_s": round(longest_quiet(classified), 1),
        "seconds": round(time.monotonic() - began, 1),
        "folder": str(workdir),
    }
    print(json.dumps(counts) if args.json else json.dumps(counts, indent=2))
    if markers_unanswered:
        # Then what the drill's lines caused may not all have come out: the counts may be short of it.
        print(
            f"chaos: {len(markers_unanswered)} of {len(marker_alerts)} markers' alerts never came "
            f"({', '.join(sorted(marker_alerts[m] for m in markers_unanswered))})",
            file=sys.stderr,
        )
    failed = markers_unanswered or any(
        counts[k]
        # Repeated records (same event id) are what at-least-once delivery allows: counted, not failed.
        for k in ("lost_lines", "missing_alerts", "unexpected_alerts", "speaker_mismatches", "topic_mismatches")
    )
    return 1 if failed else 0


def mismatches(
    lines: list[dict[str, Any]],
    field: str,
    got_of: Callable[[dict[str, Any]], object],
    expected: dict[tuple[str, int], Any],
) -> list[dict[str, object]]:
    """Each line whose ``field`` (as ``got_of`` reads it) is not what the uninterrupted run gave."""
    found: list[dict[str, object]] = []
    for line in lines:
        got, want = got_of(line), expected.get((line["article_id"], line["line_no"]))
        if got != want:
            found.append(
                {"article_id": line["article_id"], "line_no": line["line_no"], "event_id": line["event_id"]}
                | {field: got, "expected": want}
            )
    return found


if __name__ == "__main__":
    sys.exit(main())
