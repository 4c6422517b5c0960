from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest
import structlog
from pydantic import ValidationError

from pipeline.broker.options import aiokafka_options, faust_broker_options
from pipeline.config.exit_status import ExitStatus
from pipeline.config.settings import Settings
from pipeline.console.logs import configure_logging
from pipeline.worker.supervisor import StallCheck, supervise
from pipeline.worker.watchdog import ProgressWatch

SECRET = "s3cr3t-pa55"


def sasl_settings(**extra: object) -> Settings:
    return Settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="desk",
        kafka_sasl_password=SECRET,
        **extra,  # type: ignore[arg-type]
    )


def test_sasl_over_tls_reaches_both_clients() -> None:
    settings = sasl_settings()
    options = aiokafka_options(settings)
    assert options["security_protocol"] == "SASL_SSL"
    assert (options["sasl_mechanism"], options["sasl_plain_username"]) == ("SCRAM-SHA-512", "desk")
    assert options["sasl_plain_password"] == SECRET
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    credentials = faust_broker_options(settings)["broker_credentials"]
    assert credentials.protocol.value == "SASL_SSL" and credentials.mechanism.value == "SCRAM-SHA-512"


def test_plaintext_has_no_credentials() -> None:
    assert aiokafka_options(Settings()) == {"bootstrap_servers": ["127.0.0.1:9092"], "security_protocol": "PLAINTEXT"}
    assert "broker_credentials" not in faust_broker_options(Settings())


def test_sasl_without_a_password_is_refused() -> None:
    with pytest.raises(ValidationError, match="NEWS_KAFKA_SASL_PASSWORD"):
        Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="desk")


def test_a_client_certificate_needs_its_key(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="go together"):
        Settings(kafka_security_protocol="SSL", kafka_ssl_certfile=tmp_path / "client.pem")


def test_credentials_never_reach_the_logs() -> None:
    settings = sasl_settings()
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    assert SECRET not in repr(faust_broker_options(settings)["broker_credentials"])
    stream = io.StringIO()
    with redirect_stderr(stream):
        configure_logging("INFO", "json")
        structlog.get_logger("t").info("settings", settings=settings.model_dump(mode="json"))
    sys.stderr.flush()
    logged = stream.getvalue()
    assert "desk" in logged and SECRET not in logged
    json.loads(logged.strip().splitlines()[-1])


def test_a_stall_is_input_waiting_while_offsets_stand_still() -> None:
    watch = ProgressWatch(stall_after_s=30)
    assert not watch.stalled(0, {"p": 5}, {"p": 10})
    assert not watch.stalled(20, {"p": 5}, {"p": 10})
    assert watch.stalled(31, {"p": 5}, {"p": 10})
    assert not watch.stalled(40, {"p": 6}, {"p": 10})  # it moved
    assert not watch.stalled(100, {"p": 10}, {"p": 10})  # nothing waiting: idle, not stuck


def test_the_supervisor_restarts_a_crashed_worker(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    script = (
        "import pathlib, sys; p = pathlib.Path(sys.argv[1]); n = int(p.read_text() or 0) + 1 if p.exists() else 1; "
        "p.write_text(str(n)); sys.exit(0 if n >= 2 else 3)"
    )
    assert supervise([sys.executable, "-c", script, str(runs)]) == 0
    assert runs.read_text() == "2"


def test_a_worker_the_broker_refused_is_not_started_again(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    script = (
        "import pathlib, sys; p = pathlib.Path(sys.argv[1]); p.write_text(p.read_text() + 'x' if p.exists() else 'x');"
        f" sys.exit({int(ExitStatus.BROKER_REFUSED)})"
    )
    assert supervise([sys.executable, "-c", script, str(runs)]) == ExitStatus.BROKER_REFUSED
    assert runs.read_text() == "x"


def test_a_worker_whose_configuration_cannot_be_used_is_not_started_again(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    script = (  # started again, it would end cleanly: a supervisor that did so would not wait forever
        "import pathlib, sys; p = pathlib.Path(sys.argv[1]); again = p.exists(); p.write_text('xx' if again else 'x');"
        f" sys.exit(0 if again else {int(ExitStatus.CONFIGURATION_INVALID)})"
    )
    assert supervise([sys.executable, "-c", script, str(runs)]) == ExitStatus.CONFIGURATION_INVALID
    assert runs.read_text() == "x"


def test_a_stop_asked_while_the_worker_is_being_started_reaches_it(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def popen_then_sigterm(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))
        os.kill(os.getpid(), signal.SIGTERM)  # handled before the supervisor knows its new child
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen_then_sigterm)
    assert supervise([sys.executable, "-c", "import time; time.sleep(60)"]) == -signal.SIGTERM
    assert len(started) == 1


def test_a_stop_asked_between_two_workers_starts_no_other(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pipeline.worker.supervisor

    class SigtermOnRestart:
        """The supervisor's log, with a SIGTERM as it says it will start the worker again."""

        def warning(self, event: str, **fields: object) -> None:
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(pipeline.worker.supervisor, "log", SigtermOnRestart())
    runs = tmp_path / "runs"
    script = "import sys; open(sys.argv[1], 'a').write('x'); sys.exit(3)"
    assert supervise([sys.executable, "-c", script, str(runs)]) == 3
    assert runs.read_text() == "x"


def test_a_worker_that_ignores_the_stop_is_killed_within_the_stop_timeout(tmp_path: Path) -> None:
    listening = tmp_path / "ignoring-sigterm"
    script = (
        "import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
        " pathlib.Path(sys.argv[1]).touch(); time.sleep(60)"
    )
    asked: list[float] = []

    def sigterm_once_it_ignores_it() -> None:
        deadline = time.monotonic() + 30
        while not listening.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        asked.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGTERM)

    stop_timeout_s = 3.0
    asking = threading.Thread(target=sigterm_once_it_ignores_it)
    asking.start()
    try:
        status = supervise([sys.executable, "-c", script, str(listening)], stop_timeout_s=stop_timeout_s)
    finally:
        asking.join()
    assert status == -signal.SIGKILL
    assert time.monotonic() - asked[0] < stop_timeout_s


def test_a_stop_asked_during_a_stall_check_does_not_wait_for_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.worker.supervisor

    asked: list[float] = []

    async def check_that_hangs(*args: object) -> object:  # as against a broker that does not answer
        asked.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    monkeypatch.setattr(pipeline.worker.supervisor, "group_progress", check_that_hangs)
    stall = StallCheck({}, "group", ["topic"], stall_after_s=1, every_s=0.1, timeout_s=3600, grace_s=0)
    stop_timeout_s = 3.0
    status = supervise([sys.executable, "-c", "import time; time.sleep(60)"], stall, stop_timeout_s=stop_timeout_s)
    assert status == -signal.SIGTERM
    assert time.monotonic() - asked[0] < stop_timeout_s
