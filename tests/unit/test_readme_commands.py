"""Every command the README shows runs in a test: a command that needs no broker runs here, as it is
written; each of the others is run by the file named for it here, which holds the command as the README
gives it. A command added to the README that nothing runs fails here."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.markdown import SHELL, commands, fenced_blocks, read

README = REPO / "README.md"

RUN_ELSEWHERE = {
    "scripts/demo": "tests/integration/test_demo.py",
    "scripts/test": ".ci/run",
}
"""a README command that needs a broker (or is the test command itself) -> the file that runs it"""

NEEDS_NO_BROKER = {"classify", "evaluate", "labels", "schemas"}
"""the commands of ``python -m pipeline`` that this test can run without a broker"""


def readme_commands() -> list[str]:
    return [command for block in fenced_blocks(read(README)) if block.language in SHELL for command in commands(block)]


def runs_here(command: str) -> bool:
    words = shlex.split(command)
    return words[:3] == ["python", "-m", "pipeline"] and len(words) > 3 and words[3] in NEEDS_NO_BROKER


def test_the_readme_shows_commands_in_shell_blocks_and_what_they_print_in_text_blocks() -> None:
    """So that no command hides in a block this test does not read."""
    assert {block.language for block in fenced_blocks(read(README))} <= {"sh", "text"}


def test_the_quick_start_is_the_demo_and_the_test_command_that_ci_runs() -> None:
    first = next(block for block in fenced_blocks(read(README)) if block.language in SHELL)
    assert commands(first) == ["scripts/demo", "scripts/test"]
    ci = [line for line in read(REPO / ".ci" / "run").splitlines() if line and not line.startswith("#")]
    assert ci[-1] == "exec scripts/test"


def test_every_readme_command_is_run_here_or_by_the_file_named_for_it() -> None:
    unrun = [command for command in readme_commands() if not runs_here(command) and command not in RUN_ELSEWHERE]
    assert unrun == [], "run these in a test, and name it in RUN_ELSEWHERE"


@pytest.mark.parametrize("command", sorted(RUN_ELSEWHERE))
def test_a_command_run_elsewhere_is_in_the_readme_and_in_the_file_that_runs_it(command: str) -> None:
    assert command in readme_commands(), "no longer in the README: take it out of RUN_ELSEWHERE"
    assert command in read(REPO / RUN_ELSEWHERE[command])


@pytest.mark.parametrize("command", [command for command in readme_commands() if runs_here(command)])
def test_a_readme_command_that_needs_no_broker_runs_as_written(command: str) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWS_")}
    result = subprocess.run(
        [sys.executable, *shlex.split(command)[1:]], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2_000:]
    assert result.stdout.strip()
