from __future__ import annotations

import shutil
import subprocess

import pytest
from pydantic import ValidationError

from pipeline.settings import Settings
from tests.conftest import REPO


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_TOPIC_ALERTS", "desk.alerts")
    monkeypatch.setenv("NEWS_PARTITIONS", "8")
    settings = Settings()
    assert (settings.topic_alerts, settings.partitions, settings.topic_lines) == ("desk.alerts", 8, "news.lines")


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
def test_docker_compose_file_is_valid() -> None:
    command = _compose_command()
    assert command is not None, "a docker client without compose: scripts/bootstrap installs docker-compose"
    result = subprocess.run(
        [*command, "-f", str(REPO / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
