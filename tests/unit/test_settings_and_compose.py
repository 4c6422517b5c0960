from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml
from pydantic import ValidationError

from pipeline.settings import Settings
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
    assert "8080:8080" in serve["ports"] and "/healthz" in " ".join(serve["healthcheck"]["test"])
    config = webhooks["command"][webhooks["command"].index("--config") + 1]
    assert any(volume.endswith(f":{config}:ro") for volume in webhooks["volumes"])
