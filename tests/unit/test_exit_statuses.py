"""One table of exit statuses: each number means one thing, and docs/operations.md lists them all, as they are."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.config.exit_status import ExitStatus
from tests.conftest import REPO


def test_every_status_means_one_thing() -> None:
    values = [int(status) for status in ExitStatus]
    assert len(set(values)) == len(values) == len(ExitStatus.__members__)  # no status is another's alias
    assert ExitStatus.OK == 0


def test_a_wrong_command_line_gets_clicks_own_usage_status() -> None:
    assert CliRunner().invoke(cli, ["classify", "--no-such-option"]).exit_code == ExitStatus.USAGE


def test_the_operations_guide_lists_every_status_once_by_its_number_and_name() -> None:
    guide = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = guide.split("### Exit statuses\n", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \| .+ \|$", section, flags=re.MULTILINE)
    assert [(int(value), name) for value, name in rows] == [(int(status), status.name) for status in ExitStatus]
