"""The pipeline on a broker that checks who you are: SASL_SSL (SCRAM-SHA-512), TLS verified, ACLs.

The broker is `scripts/kafka-local start --secure`, which grants the worker, ingest
and reader users only what each needs of the pipeline's default topics. Its setup is
watched through the process list, where any local user could read a password.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError

from pipeline.broker.options import aiokafka_options
from pipeline.broker.topics import ensure_topics
from pipeline.config.exit_status import ExitStatus
from tests.conftest import SEED_ARTICLE
from tests.integration.conftest import SecureBroker, run_cli, settings_for, start_worker

pytestmark = pytest.mark.integration

WRONG_PASSWORD = "not-the-ingest-password-7d1e"
# A process shorter-lived than any JVM the setup runs, with this in its command line and environment:
# a watch that catches it would catch those.
CANARY = f"canary-{uuid.uuid4().hex}"
CANARY_LIFETIME_S = 0.2


class ProcessListWatch:
    """Every process's command line (any local user may read it) and environment (where readable),
    read again and again in a thread of its own until stopped."""

    def __init__(self) -> None:
        self.seen: set[bytes] = set()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="process-list-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stopped.is_set():
            for process in Path("/proc").iterdir():
                if not process.name.isdigit():
                    continue
                for shown in ("cmdline", "environ"):
                    with contextlib.suppress(OSError):  # gone already, or another account's environment
                        self.seen.add((process / shown).read_bytes())
            self._stopped.wait(0.02)

    def holding(self, secret: str) -> list[bytes]:
        return [entry for entry in self.seen if secret.encode() in entry]


@pytest.fixture(scope="module")
def setup_watch() -> Iterator[ProcessListWatch]:
    watch = ProcessListWatch()
    watch.start()
    try:
        # The shell waits for sleep, and for its own exit, so its command line lasts as long as sleep.
        waiting = f"sleep {CANARY_LIFETIME_S}; exit 0"
        subprocess.run(["bash", "-c", waiting, CANARY], env={**os.environ, "CANARY": CANARY}, check=True)
        yield watch
    finally:
        watch.stop()


@pytest.fixture(scope="module")
def secure_kafka(setup_watch: ProcessListWatch, secure_kafka: SecureBroker) -> SecureBroker:
    """The shared fixture's broker (this one's namesake in conftest), set up while the process list is watched."""
    setup_watch.stop()
    return secure_kafka


def test_setting_the_broker_up_shows_no_password_in_any_command_line_or_environment(
    secure_kafka: SecureBroker, setup_watch: ProcessListWatch
) -> None:
    canary_seen = setup_watch.holding(CANARY)
    assert any(entry.startswith(b"bash\0") for entry in canary_seen)  # its command line
    assert any(f"CANARY={CANARY}".encode() in entry for entry in canary_seen)  # its environment
    broker = f"kafka.Kafka {secure_kafka.env['KAFKA_LOCAL_DIR']}".encode()
    assert any(broker in entry.replace(b"\0", b" ") for entry in setup_watch.seen)  # watched until it ran
    passwords = {user: secure_kafka.password(user) for user in ("worker", "ingest", "reader")}

    def hidden(entry: bytes) -> bytes:
        for user, password in passwords.items():
            entry = entry.replace(password.encode(), f"<{user}'s password>".encode())
        return entry

    for user, password in passwords.items():
        shown = [hidden(entry) for entry in setup_watch.holding(password)]
        assert not shown, f"{user}'s password was in {len(shown)} process(es): {shown[0][:600]!r}"


def test_the_pipeline_works_end_to_end_each_service_as_its_own_user(secure_kafka: SecureBroker, tmp_path: Path) -> None:
    worker_env = secure_kafka.client_env("worker")
    assert worker_env["NEWS_KAFKA_SSL_CAFILE"]  # the broker's certificate is verified against this CA
    worker = start_worker({**worker_env, "NEWS_LOG_LEVEL": "DEBUG"}, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        ingested = run_cli(secure_kafka.client_env("ingest"), "ingest", str(SEED_ARTICLE), timeout=120)
        assert ingested.returncode == 0, ingested.stderr
        tail = run_cli(
            secure_kafka.client_env("reader"),
            *("tail", "--from-beginning", "--max", "2", "--idle-timeout", "60"),
            timeout=120,
        )
    finally:
        worker.stop()
    assert tail.returncode == 0, tail.stderr
    alerts = [json.loads(line) for line in tail.stdout.decode().splitlines()]
    assert sorted(a["kind"] for a in alerts) == ["corridor_proposal", "war_crimes"]
    said = worker.log.read_bytes() + ingested.stdout + ingested.stderr + tail.stderr
    for user in ("worker", "ingest", "reader"):
        assert secure_kafka.password(user).encode() not in said


def test_a_wrong_password_is_refused_at_once_and_never_shown(secure_kafka: SecureBroker, tmp_path: Path) -> None:
    wrong = {**secure_kafka.client_env("ingest"), "NEWS_KAFKA_SASL_PASSWORD": WRONG_PASSWORD}
    (tmp_path / "lines.txt").write_text("One line that should never be published.\n")
    for args in (("ingest", str(tmp_path / "lines.txt")), ("tail", "--idle-timeout", "5"), ("worker",)):
        refused = run_cli(wrong, *args, timeout=120)
        said = (refused.stdout + refused.stderr).decode()
        assert refused.returncode == ExitStatus.BROKER_REFUSED, (args, said[-2000:])
        assert "refused user 'ingest' (SCRAM-SHA-512)" in said and "NEWS_KAFKA_SASL_PASSWORD" in said, said[-2000:]
        assert WRONG_PASSWORD not in said and secure_kafka.password("ingest") not in said


def test_a_client_without_tls_or_without_the_ca_is_refused(secure_kafka: SecureBroker, tmp_path: Path) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text("One line that should never be published.\n")
    ingest_env = secure_kafka.client_env("ingest")
    no_tls = run_cli({**ingest_env, "NEWS_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"}, "ingest", str(lines))
    assert no_tls.returncode == ExitStatus.BROKER_REFUSED, no_tls.stderr[-2000:]
    assert b"speaks TLS and this client does not" in no_tls.stderr
    unverified = {key: value for key, value in ingest_env.items() if key != "NEWS_KAFKA_SSL_CAFILE"}
    untrusting = run_cli(unverified, "ingest", str(lines))
    assert untrusting.returncode == ExitStatus.BROKER_REFUSED, untrusting.stderr[-2000:]
    assert b"TLS certificate could not be verified" in untrusting.stderr

    async def plaintext_bootstrap() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=f"127.0.0.1:{secure_kafka.port}", request_timeout_ms=5000)
        try:
            await admin.start()
        finally:
            await admin.close()

    with pytest.raises(KafkaConnectionError):  # the broker answers no plaintext Kafka request at all
        asyncio.run(plaintext_bootstrap())


def test_the_reader_may_read_the_alerts_and_nothing_else(secure_kafka: SecureBroker) -> None:
    reader = settings_for(secure_kafka.client_env("reader"))
    # As the worker's user, every topic made sure of: a refusal below is about rights, not absence.
    asyncio.run(ensure_topics(settings_for(secure_kafka.client_env("worker"))))

    async def read(topic: str) -> None:
        consumer = AIOKafkaConsumer(topic, **aiokafka_options(reader), group_id=None, auto_offset_reset="earliest")
        await consumer.start()
        try:
            await consumer.getmany(timeout_ms=5000)
        finally:
            await consumer.stop()

    async def write(topic: str) -> None:
        producer = AIOKafkaProducer(**aiokafka_options(reader), request_timeout_ms=10_000)
        await producer.start()
        try:
            await producer.send_and_wait(topic, b'{"not": "allowed"}', key=b"reader")
        finally:
            await producer.stop()

    asyncio.run(read(reader.topic_alerts))
    with pytest.raises(TopicAuthorizationFailedError):
        asyncio.run(read(reader.topic_lines))
    for topic in (reader.topic_lines, reader.topic_alerts, reader.topic_dlq, reader.topic_classified):
        with pytest.raises(TopicAuthorizationFailedError):
            asyncio.run(write(topic))


def test_ingest_without_the_right_to_write_says_so_rather_than_that_the_topic_was_not_created(
    secure_kafka: SecureBroker, tmp_path: Path
) -> None:
    asyncio.run(ensure_topics(settings_for(secure_kafka.client_env("worker"))))  # the lines topic exists
    lines = tmp_path / "lines.txt"
    lines.write_text("One line the reader may not publish.\n")
    refused = run_cli(secure_kafka.client_env("reader"), "ingest", str(lines), timeout=120)
    said = refused.stderr.decode()
    assert refused.returncode == ExitStatus.BROKER_REFUSED, said[-2000:]
    assert "user 'reader'" in said and "is not visible to this user" in said and "Write to publish" in said
    assert "not created" not in said


def test_the_password_is_in_no_repr_and_no_settings_dump(secure_kafka: SecureBroker) -> None:
    password = secure_kafka.password("worker")
    settings = settings_for(secure_kafka.client_env("worker"))
    assert password not in repr(settings) and password not in str(settings)
    assert password not in settings.model_dump_json()
    # Nothing kafka-local wrote beside the password's own file holds it: not a configuration, not a log.
    holding = subprocess.run(
        ["grep", "-rlF", password, secure_kafka.env["KAFKA_LOCAL_DIR"]], capture_output=True, text=True, check=False
    )
    assert [Path(found).name for found in holding.stdout.splitlines()] == ["worker.password"]
