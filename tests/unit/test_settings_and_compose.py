from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.config.exit_status import ExitStatus
from pipeline.config.settings import Settings
from tests.conftest import REPO


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_TOPIC_ALERTS", "desk.alerts")
    monkeypatch.setenv("NEWS_PARTITIONS", "8")
    settings = Settings()
    assert (settings.topic_alerts, settings.partitions, settings.topic_lines) == ("desk.alerts", 8, "news.lines")


def test_a_topic_prefix_goes_before_every_topic_and_the_app_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_TOPIC_PREFIX", "test.")
    monkeypatch.setenv("NEWS_TOPIC_ALERTS", "desk.alerts")
    settings = Settings()
    names = (settings.topic_lines, settings.topic_classified, settings.topic_alerts, settings.topic_dlq)
    assert names == ("test.news.lines", "test.news.lines.classified", "test.desk.alerts", "test.news.dlq")
    assert settings.app_id == "test.news-pipeline"
    assert Settings(topic_prefix="rerun.").topic_lines == "rerun.news.lines"  # the command line's --topic-prefix


def test_a_topic_prefix_is_a_valid_topic_name_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_TOPIC_PREFIX", "not a/topic")
    with pytest.raises(ValidationError, match="topic_prefix"):
        Settings()


def test_a_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_PARTITIONS", "zero")
    with pytest.raises(ValidationError, match="partitions"):
        Settings()


def _compose_command() -> list[str] | None:
    """`docker compose` where the plugin is installed, else the standalone `docker-compose`."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
@pytest.mark.parametrize(
    "profile",
    [[], ["--profile", "cluster"], ["--profile", "http"], ["--profile", "webhooks"]],
    ids=["one node", "cluster", "http", "webhooks"],
)
def test_docker_compose_file_is_valid(profile: list[str]) -> None:
    command = _compose_command()
    assert command is not None, "a docker client without compose: scripts/bootstrap installs docker-compose"
    result = subprocess.run(
        [*command, "-f", str(REPO / "docker-compose.yml"), *profile, "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr


def test_the_cluster_profile_has_three_voting_nodes_and_a_worker_that_knows_them_all() -> None:
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    nodes = {name: service for name, service in services.items() if name.startswith("kafka-")}
    assert sorted(nodes) == ["kafka-1", "kafka-2", "kafka-3"]
    assert all(service["profiles"] == ["cluster"] for service in nodes.values())
    environments = [service["environment"] for service in nodes.values()]
    assert sorted(env["KAFKA_NODE_ID"] for env in environments) == [1, 2, 3]
    voters = {env["KAFKA_CONTROLLER_QUORUM_VOTERS"] for env in environments}
    assert voters == {"1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"}
    assert {env["KAFKA_MIN_INSYNC_REPLICAS"] for env in environments} == {2}
    worker = services["worker-cluster"]["environment"]
    assert worker["NEWS_KAFKA_BOOTSTRAP_SERVERS"].split(",") == [f"{name}:9092" for name in sorted(nodes)]
    assert worker["NEWS_REPLICATION_FACTOR"] == "3"
    assert "profiles" not in services["kafka"] and "profiles" not in services["worker"]  # the default stays one node


def test_three_replicas_need_two_in_sync_by_default_and_one_replica_needs_one() -> None:
    assert Settings(replication_factor=3).insync_replicas == 2
    assert Settings().insync_replicas == 1 and Settings(replication_factor=2).insync_replicas == 1
    assert Settings(replication_factor=3, min_insync_replicas=3).insync_replicas == 3


def test_more_in_sync_replicas_than_replicas_is_refused() -> None:
    with pytest.raises(ValidationError, match="exceeds NEWS_REPLICATION_FACTOR=1"):
        Settings(min_insync_replicas=2)


def test_the_http_service_listens_beyond_its_container_and_webhooks_read_the_mounted_file() -> None:
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    serve, webhooks = services["serve"], services["webhooks"]
    assert serve["environment"]["NEWS_HTTP_HOST"] == "0.0.0.0"  # 127.0.0.1 would be unreachable from the host
    assert serve["ports"] == ["127.0.0.1:8080:8080"] and "/healthz" in " ".join(serve["healthcheck"]["test"])
    config = webhooks["command"][webhooks["command"].index("--config") + 1]
    assert any(volume.endswith(f":{config}:ro") for volume in webhooks["volumes"])


KAFKA_HOST_FILE = REPO / "docker-compose.kafka-host.yml"
EVERY_PROFILE = ["--profile", "http", "--profile", "webhooks", "--profile", "cluster", "--profile", "tools"]


def _composed(files: list[Path], env: dict[str, str]) -> dict[str, Any]:
    """The services as compose resolves them (variables, profiles, merged files)."""
    command = _compose_command()
    assert command is not None, "a docker client without compose: scripts/bootstrap installs docker-compose"
    named = [argument for path in files for argument in ("-f", str(path))]
    result = subprocess.run(
        [*command, *named, *EVERY_PROFILE, "config"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), **env},
    )
    assert result.returncode == 0, result.stderr
    services: dict[str, Any] = yaml.safe_load(result.stdout)["services"]
    return services


def _published(port: Any) -> tuple[str, int]:
    """Where a published port listens on the host, and its port in the container, in either
    syntax compose prints ("127.0.0.1:8080:8080/tcp", or a mapping)."""
    if isinstance(port, dict):
        return str(port.get("host_ip", "")), int(port["target"])
    parts = str(port).split("/")[0].split(":")
    return (parts[0] if len(parts) == 3 else ""), int(parts[-1])


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
@pytest.mark.parametrize("files", [["docker-compose.yml"], ["docker-compose.yml", KAFKA_HOST_FILE.name]])
def test_compose_publishes_nothing_beyond_this_machine(files: list[str]) -> None:
    services = _composed([REPO / name for name in files], {"KAFKA_HOST_PASSWORD": "x" * 24})
    published = {name: [_published(port) for port in service.get("ports", [])] for name, service in services.items()}
    assert published["serve"] == [("127.0.0.1", 8080)]
    hosts = {host for ports in published.values() for host, _ in ports}
    assert hosts <= {"127.0.0.1"}, published  # "" or 0.0.0.0 would be every interface


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
def test_kafka_is_published_only_by_the_opt_in_file_and_then_only_with_scram_over_tls() -> None:
    default = _composed([REPO / "docker-compose.yml"], {})
    assert [name for name, service in default.items() if service.get("ports") and "kafka" in name] == []
    opted = _composed([REPO / "docker-compose.yml", KAFKA_HOST_FILE], {"KAFKA_HOST_PASSWORD": "x" * 24})
    kafka = opted["kafka"]["environment"]
    protocols = dict(pair.split(":") for pair in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    ports = {
        int(listener.rsplit(":", 1)[1]): listener.split("://")[0] for listener in kafka["KAFKA_LISTENERS"].split(",")
    }
    assert opted["kafka"]["ports"]
    for host, target in (_published(port) for port in opted["kafka"]["ports"]):
        listener = ports[target]
        assert (host, protocols[listener]) == ("127.0.0.1", "SASL_SSL"), listener
        assert kafka[f"KAFKA_LISTENER_NAME_{listener}_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    # The user's password is given to the tool in a file, never on its command line.
    adding = " ".join(opted["kafka-host-user"]["entrypoint"])
    assert "--add-config-file" in adding and "--add-config " not in adding


PASSWORD_FILE = "/tmp/host-user.properties"
KAFKA_CONFIGS = "/opt/kafka/bin/kafka-configs.sh"


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
@pytest.mark.parametrize("tool_status", [0, 1])
def test_the_kafka_user_s_password_file_is_gone_once_the_tool_has_run_or_failed(
    tool_status: int, tmp_path: Path
) -> None:
    opted = _composed([REPO / "docker-compose.yml", KAFKA_HOST_FILE], {"KAFKA_HOST_PASSWORD": "x" * 24})
    shell, flag, script = opted["kafka-host-user"]["entrypoint"]
    assert (shell, flag) == ("/bin/bash", "-c") and PASSWORD_FILE in script and KAFKA_CONFIGS in script
    # The script as composed, run here: its file in tmp_path, the Kafka tool stood in for by one that
    # keeps what it was given and exits as the real one would, done or failed.
    password_file, given = tmp_path / "host-user.properties", tmp_path / "given"
    tool = tmp_path / "kafka-configs.sh"
    tool.write_text(f'#!/bin/bash\ncat "${{@: -1}}" > {given}\nexit {tool_status}\n', encoding="utf-8")
    tool.chmod(0o755)
    # `compose config` prints a "$" the container's shell is to see as "$$", as it would be written.
    here = script.replace("$$", "$").replace(PASSWORD_FILE, str(password_file)).replace(KAFKA_CONFIGS, str(tool))
    ran = subprocess.run(
        [shell, flag, here], env={"PATH": os.environ["PATH"], "KAFKA_HOST_PASSWORD": "s3cret"}, check=False
    )
    assert ran.returncode == tool_status
    assert given.read_text(encoding="utf-8") == "SCRAM-SHA-512=password=s3cret\n"
    assert not password_file.exists()


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
def test_the_opt_in_kafka_file_will_not_resolve_without_a_password() -> None:
    command = _compose_command()
    assert command is not None
    result = subprocess.run(
        [*command, "-f", "docker-compose.yml", "-f", KAFKA_HOST_FILE.name, "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")},
    )
    assert result.returncode != 0 and "KAFKA_HOST_PASSWORD" in result.stderr


def _serve_environment(env: dict[str, str]) -> dict[str, str]:
    """The environment compose gives serve's container."""
    serve = _composed([REPO / "docker-compose.yml"], env)["serve"]
    assert serve["command"] == ["python", "-m", "pipeline", "serve"]
    return {name: "" if value is None else str(value) for name, value in serve["environment"].items()}


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
def test_serve_as_composed_without_a_token_exits_saying_so_without_a_traceback() -> None:
    started = subprocess.run(
        [sys.executable, "-m", "pipeline", "serve"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=60,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), **_serve_environment({})},
    )
    assert started.returncode == ExitStatus.CONFIGURATION_INVALID
    assert (
        started.stderr.strip()
        == "serve refused: NEWS_HTTP_TOKEN is empty: give it a random token of at least 16 characters"
    )


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"NEWS_HTTP_TOKEN": "short"}, "NEWS_HTTP_TOKEN has 5 characters"),
        ({"NEWS_HTTP_TOKEN": "a-write-token-long-enough"}, "NEWS_HTTP_READ_TOKEN is empty"),
        ({"NEWS_HTTP_TOKEN": "a-write-token-long-enough", "NEWS_HTTP_READ_TOKEN": "0123456789"}, "READ_TOKEN has 10"),
    ],
    ids=["a short token", "no read token", "a short read token"],
)
def test_serve_as_composed_will_not_start_without_both_tokens(
    env: dict[str, str], words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in os.environ if n.startswith("NEWS_")]:
        monkeypatch.delenv(name)
    result = CliRunner().invoke(cli, ["serve"], env=_serve_environment(env))
    assert result.exit_code == ExitStatus.CONFIGURATION_INVALID and isinstance(result.exception, SystemExit)
    assert "serve refused: " in result.stderr and words in result.stderr


def test_serve_refuses_bad_tokens_by_name_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("NEWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("NEWS_HTTP_TOKEN", "a-write-token-long-enough")
    monkeypatch.setenv("NEWS_HTTP_HOST", "0.0.0.0")
    result = CliRunner().invoke(cli, ["serve"])
    assert (
        result.exit_code == ExitStatus.CONFIGURATION_INVALID
        and result.exception is not None
        and isinstance(result.exception, SystemExit)
    )
    assert "serve refused: set NEWS_HTTP_READ_TOKEN: serve listens on 0.0.0.0" in result.stderr
