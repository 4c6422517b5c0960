"""Configuration that cannot be used is said in one line, naming the file (or the variable), the field and
what it takes; every command then ends with its own status, and a supervised worker is not started again."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.config.errors import ConfigurationError
from pipeline.config.exit_status import ExitStatus
from pipeline.config.settings import read_settings
from pipeline.config.taxonomy_file import TaxonomyError, load_taxonomy
from pipeline.web.webhooks import WebhookFileError, load_webhooks
from tests.conftest import REPO

SEVERITIES = "Input should be 'low', 'medium', 'high' or 'critical'"
ONE_TOPIC = "version: 1\ntopics:\n  - id: corridors\n    cues: [{pattern: corridor, weight: 0.5}]\n"


def taxonomy(tmp_path: Path, alerts: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(ONE_TOPIC + "alerts:\n" + alerts, encoding="utf-8")
    return path


@pytest.fixture
def urgent(tmp_path: Path) -> Path:
    """A taxonomy whose one alert rule has a severity there is no such thing as."""
    return taxonomy(tmp_path, "  - kind: corridor_proposal\n    severity: urgent\n    all_of: [[corridor]]\n")


def test_a_field_is_named_by_its_path_with_what_it_takes(urgent: Path) -> None:
    with pytest.raises(TaxonomyError) as refused:
        load_taxonomy(urgent)
    assert str(refused.value) == f"{urgent}: invalid taxonomy: alerts.0.severity: {SEVERITIES}"


def test_a_check_across_fields_is_said_in_its_own_words(tmp_path: Path) -> None:
    path = taxonomy(tmp_path, "  - kind: k\n    requires_topic: nope\n    all_of: [[corridor]]\n")
    with pytest.raises(TaxonomyError) as refused:
        load_taxonomy(path)
    assert str(refused.value) == f"{path}: invalid taxonomy: alerts.k: requires_topic 'nope' is not a topic id"


def test_many_mistakes_still_make_one_line_a_person_can_read(tmp_path: Path) -> None:
    rules = "".join(f"  - kind: k{n}\n    severity: urgent\n    all_of: [[corridor]]\n" for n in range(5))
    with pytest.raises(TaxonomyError) as refused:
        load_taxonomy(taxonomy(tmp_path, rules))
    said = str(refused.value)
    assert "\n" not in said and said.endswith(f"alerts.2.severity: {SEVERITIES}; and 2 more")
    assert [f"alerts.{n}.severity" in said for n in range(5)] == [True, True, True, False, False]


def test_yaml_that_does_not_parse_is_named_by_line_and_column_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\ntopics: [\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as refused:
        load_taxonomy(path)
    assert "\n" not in str(refused.value) and f"{path}: not valid YAML: " in str(refused.value)
    assert "at line 3, column 1" in str(refused.value)


def test_a_setting_is_named_by_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_PARTITIONS", "0")
    monkeypatch.setenv("NEWS_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigurationError) as refused:
        read_settings()
    assert str(refused.value) == (
        "invalid settings: NEWS_PARTITIONS: Input should be greater than or equal to 1;"
        " NEWS_LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'"
    )


def test_no_value_given_is_quoted_since_it_may_be_a_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWS_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("NEWS_KAFKA_SASL_PASSWORD", "pa55-w0rd-in-the-clear")
    with pytest.raises(ConfigurationError) as refused:
        read_settings()
    assert str(refused.value) == (
        "invalid settings: NEWS_KAFKA_SECURITY_PROTOCOL=SASL_SSL needs NEWS_KAFKA_SASL_USERNAME"
        " and NEWS_KAFKA_SASL_PASSWORD"
    )
    hooks = tmp_path / "webhooks.yaml"
    hooks.write_text(
        "webhooks:\n  - name: desk\n    url: https://desk:h00k-pa55@desk.example.org/t0ken\n    secret_env: x\n",
        encoding="utf-8",
    )
    with pytest.raises(WebhookFileError) as hook_refused:
        load_webhooks(hooks, {})
    assert "webhooks.0.secret_env: String should match pattern" in str(hook_refused.value)
    assert "h00k-pa55" not in str(hook_refused.value) and "t0ken" not in str(hook_refused.value)


def said_by(*args: str, env: dict[str, str], timeout: float = 60) -> tuple[int, list[str]]:
    """Run ``python -m pipeline`` as a user would; its status and every line it wrote, stdout and stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        env={**os.environ, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


@pytest.mark.parametrize("command", ["replay --offline", "classify"])
def test_a_bad_taxonomy_ends_a_command_in_one_line_with_the_configuration_status(
    command: str, urgent: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "week.jsonl"
    archive.write_text('{"article_id": "a", "line_no": 1, "text": "He proposed a corridor."}\n', encoding="utf-8")
    status, lines = said_by(*command.split(), str(archive), env={"NEWS_TAXONOMY_PATH": str(urgent)})
    assert status == ExitStatus.CONFIGURATION_INVALID, lines
    assert len(lines) <= 5 and not [line for line in lines if "Traceback" in line], lines
    assert [line for line in lines if str(urgent) in line and "alerts.0.severity" in line], lines


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nowhere() -> dict[str, str]:
    """No broker: a worker that tried to reach one would wait for it, well past any bound here."""
    return {"NEWS_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{unused_port()}", "NEWS_INGEST_TIMEOUT_S": "60"}


@pytest.mark.parametrize(
    ("setting", "named"),
    [("NEWS_TAXONOMY_PATH", "alerts.0.severity"), ("NEWS_PARTITIONS", "NEWS_PARTITIONS")],
    ids=["a bad taxonomy", "a bad setting"],
)
def test_a_worker_with_bad_configuration_stops_by_itself_once(setting: str, named: str, urgent: Path) -> None:
    value = str(urgent) if setting == "NEWS_TAXONOMY_PATH" else "0"
    began = time.monotonic()
    status, lines = said_by("worker", env={**nowhere(), setting: value}, timeout=30)
    assert status == ExitStatus.CONFIGURATION_INVALID, lines
    assert time.monotonic() - began < 30
    assert len(lines) <= 5 and not [line for line in lines if "Traceback" in line], lines
    assert len([line for line in lines if named in line]) == 1, lines


def test_a_worker_that_finds_its_taxonomy_bad_is_not_started_again(urgent: Path) -> None:
    # As when the file changes after the supervisor checked it: the worker it starts finds it.
    supervised = (
        "import sys; from pipeline.worker.supervisor import supervise, worker_command;"
        " sys.exit(supervise(worker_command('warn')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", supervised],
        env={**os.environ, **nowhere(), "NEWS_TAXONOMY_PATH": str(urgent)},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    lines = (done.stdout + done.stderr).splitlines()
    assert done.returncode == ExitStatus.CONFIGURATION_INVALID, lines
    assert len([line for line in lines if "alerts.0.severity" in line]) == 1, lines


def test_a_bad_taxonomy_is_configuration_for_evaluate_too(urgent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_TAXONOMY_PATH", str(urgent))
    gold = REPO / "evaluation" / "written" / "gold.jsonl"
    result = CliRunner().invoke(cli, ["evaluate", str(gold), str(gold)])
    assert result.exit_code == ExitStatus.CONFIGURATION_INVALID
    assert result.stderr.splitlines() == [f"evaluate: {urgent}: invalid taxonomy: alerts.0.severity: {SEVERITIES}"]


def test_a_bad_webhooks_file_ends_the_sink_in_one_line(tmp_path: Path) -> None:
    hooks = tmp_path / "webhooks.yaml"
    hooks.write_text("webhooks: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["webhooks", "--config", str(hooks)])
    assert result.exit_code == ExitStatus.CONFIGURATION_INVALID
    assert result.stderr.splitlines() == [
        f"webhooks: {hooks}: invalid webhooks file: webhooks: Tuple should have at least 1 item after validation, not 0"
    ]


def test_the_traceback_is_shown_when_asked_for_and_still_quotes_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("NEWS_KAFKA_SASL_PASSWORD", "pa55-w0rd-in-the-clear")
    quiet = CliRunner().invoke(cli, ["classify", "-"], input="The minister spoke.\n")
    monkeypatch.setenv("NEWS_LOG_LEVEL", "DEBUG")
    asked = CliRunner().invoke(cli, ["classify", "-"], input="The minister spoke.\n")
    assert quiet.exit_code == asked.exit_code == ExitStatus.CONFIGURATION_INVALID
    assert len(quiet.stderr.splitlines()) == 1 and "Traceback" not in quiet.stderr
    assert asked.stderr.startswith(quiet.stderr) and "Traceback (most recent call last)" in asked.stderr
    assert "pa55-w0rd-in-the-clear" not in quiet.stderr + asked.stderr
