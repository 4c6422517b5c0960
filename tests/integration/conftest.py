"""Fixtures that start what the integration tests need: the real local broker and a worker.

The broker is scripts/kafka-local's (started here unless one already listens);
each test session gets its own topics and consumer group, so runs never see
each other's events.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from pipeline.config.settings import Settings
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from chaos import Worker as WorkerProcess  # one implementation for the drills and the tests

pytestmark = pytest.mark.integration


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((host, port)) == 0


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[str]:
    servers = os.environ.get("NEWS_KAFKA_BOOTSTRAP_SERVERS") or f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}"
    host, port = servers.split(",")[0].rsplit(":", 1)
    started = False
    if not _port_open(host, int(port)):
        subprocess.run(
            [str(REPO / "scripts" / "kafka-local"), "start"], check=True, env={**os.environ, "KAFKA_PORT": port}
        )
        started = True
    yield servers
    if started:
        subprocess.run(
            [str(REPO / "scripts" / "kafka-local"), "stop"], check=False, env={**os.environ, "KAFKA_PORT": port}
        )


def isolated_env(kafka_broker: str) -> dict[str, str]:
    """Environment for a pipeline of its own: its own topics and consumer group."""
    run = uuid.uuid4().hex[:8]
    return {
        "NEWS_KAFKA_BOOTSTRAP_SERVERS": kafka_broker,
        "NEWS_APP_ID": f"it-{run}",
        "NEWS_TOPIC_LINES": f"it-{run}.lines",
        "NEWS_TOPIC_CLASSIFIED": f"it-{run}.lines.classified",
        "NEWS_TOPIC_ALERTS": f"it-{run}.alerts",
        "NEWS_TOPIC_DLQ": f"it-{run}.dlq",
        "NEWS_TOPIC_ITEMS": f"it-{run}.items",
        "NEWS_LOG_FORMAT": "json",
    }


@pytest.fixture(scope="session")
def pipeline_env(kafka_broker: str) -> dict[str, str]:
    """This session's shared pipeline."""
    return isolated_env(kafka_broker)


def settings_for(env: dict[str, str]) -> Settings:
    return Settings(**{key.removeprefix("NEWS_").lower(): value for key, value in env.items()})


@pytest.fixture(scope="session")
def pipeline_settings(pipeline_env: dict[str, str]) -> Settings:
    return settings_for(pipeline_env)


def run_cli(
    env: dict[str, str], *args: str, stdin: bytes | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, **env},
        cwd=REPO,
        check=False,
    )


def start_worker(env: dict[str, str], log_path: Path) -> WorkerProcess:
    """A supervised worker process, as `python -m pipeline worker` runs, logging to ``log_path``."""
    return WorkerProcess({**os.environ, **env}, log_path)


@pytest.fixture(scope="session")
def worker(pipeline_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    process = start_worker(pipeline_env, tmp_path_factory.mktemp("worker") / "worker.log")
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports_in_a_row(count: int) -> int:
    """The first of ``count`` ports in a row free to listen on (see ``free_ports_at``)."""
    return free_ports_at(range(count))


def free_ports_at(offsets: range | tuple[int, ...]) -> int:
    """A base port whose ``offsets`` from it are all free to listen on, below the range the kernel hands
    out to outgoing connections: a port from that range, free when looked at, was once taken by a client
    connection in the seconds before a broker started on it (the secure broker's, at 39092, in CI)."""
    ephemeral = Path("/proc/sys/net/ipv4/ip_local_port_range")
    first_ephemeral = int(ephemeral.read_text().split()[0]) if ephemeral.exists() else 32_768
    for port in random.sample(range(20_000, first_ephemeral - max(offsets) - 1), 200):
        if all(_can_listen(port + n) for n in offsets):
            return port
    raise RuntimeError(f"no ports free at {tuple(offsets)} from a base below {first_ephemeral}")


def _can_listen(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class HttpServer:
    url: str
    token: str
    env: dict[str, str]


HTTP_TOKEN = "integration-token-5f2c"


@contextlib.contextmanager
def serving(env: dict[str, str], log_path: Path, timeout: float = 60) -> Iterator[HttpServer]:
    """`python -m pipeline serve` with ``env`` (which holds NEWS_HTTP_TOKEN) on a free port, logging to
    ``log_path``, until the block ends: the server, as soon as its /healthz answers (within ``timeout``)."""
    env = {**env, "NEWS_HTTP_PORT": str(free_port())}
    url = f"http://127.0.0.1:{env['NEWS_HTTP_PORT']}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve"], env={**os.environ, **env}, cwd=REPO, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited with {process.returncode}: {log_path.read_text()[-3000:]}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"serve not up after {timeout} s; see {log_path}")
                time.sleep(0.3)
            yield HttpServer(url, env["NEWS_HTTP_TOKEN"], env)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def http_server(pipeline_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpServer]:
    """`python -m pipeline serve` on a free port, for this session's pipeline."""
    env = {**pipeline_env, "NEWS_HTTP_TOKEN": HTTP_TOKEN}
    with serving(env, tmp_path_factory.mktemp("http") / "serve.log") as server:
        yield server


@dataclass(frozen=True)
class LocalCluster:
    """scripts/kafka-local's three-node cluster, on ports of its own, with data under the test's tmp."""

    base_port: int
    env: dict[str, str]
    down: set[int] = field(default_factory=set)
    """nodes killed and not started again yet"""

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.base_port + n}" for n in range(3))

    def run(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(REPO / "scripts" / "kafka-local"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def kill(self, node: int) -> None:
        done = self.run("kill", str(node))
        assert done.returncode == 0, done.stderr
        self.down.add(node)

    def restart(self, node: int) -> None:
        done = self.run("restart", str(node))
        assert done.returncode == 0, done.stderr
        self.down.discard(node)

    def make_whole(self) -> None:
        """Start again every node a test left down."""
        for node in sorted(self.down):
            self.restart(node)


@pytest.fixture(scope="module")
def started_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    base = free_ports_at((0, 1, 2, 10, 11, 12))  # three nodes' client ports, and their controllers' ten above
    env = {
        **os.environ,
        "KAFKA_PORT": str(base),
        "KAFKA_LOCAL_DIR": str(tmp_path_factory.mktemp("cluster")),
        "KAFKA_HEAP": "384m",
    }
    cluster = LocalCluster(base, env)
    started = cluster.run("start", "--nodes", "3")
    assert started.returncode == 0, started.stderr
    try:
        yield cluster
    finally:
        # Its data goes with the test's tmp, so nothing is gained by waiting for an orderly shutdown.
        for node in {1, 2, 3} - cluster.down:
            cluster.run("kill", str(node))
        cluster.run("stop", timeout=120)  # whatever the kills missed


@pytest.fixture
def kafka_cluster(started_cluster: LocalCluster) -> LocalCluster:
    """The module's cluster, every node up. A test may leave nodes it killed down: they are started
    again only when a test needs them, so none is for the module's last test."""
    started_cluster.make_whole()
    return started_cluster


@dataclass(frozen=True)
class SecureBroker:
    """scripts/kafka-local's broker that checks who you are (`start --secure`), on ports of its own."""

    port: int
    env: dict[str, str]

    def client_env(self, user: str) -> dict[str, str]:
        """The NEWS_ settings `kafka-local client-env USER` gives, as a pipeline process would have them."""
        evaluated = subprocess.run(
            ["bash", "-c", 'eval "$("$0" client-env "$1")" && env -0', str(REPO / "scripts" / "kafka-local"), user],
            env=self.env,
            capture_output=True,
            check=True,
        )
        pairs = (entry.split("=", 1) for entry in evaluated.stdout.decode().split("\0") if "=" in entry)
        return {key: value for key, value in pairs if key.startswith("NEWS_KAFKA_")} | {"NEWS_LOG_FORMAT": "json"}

    def password(self, user: str) -> str:
        return self.client_env(user)["NEWS_KAFKA_SASL_PASSWORD"]


@pytest.fixture(scope="module")
def secure_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    port = free_ports_in_a_row(3)  # clients, the controller, the brokers' and admin tools' own listener
    env = {
        **os.environ,
        "KAFKA_PORT": str(port),
        "KAFKA_LOCAL_DIR": str(tmp_path_factory.mktemp("secure")),
        "KAFKA_HEAP": "384m",
    }
    script = str(REPO / "scripts" / "kafka-local")
    started = subprocess.run([script, "start", "--secure"], env=env, capture_output=True, text=True, check=False)
    assert started.returncode == 0, started.stderr
    try:
        yield SecureBroker(port, env)
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True, check=False, timeout=120)
