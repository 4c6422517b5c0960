"""The worked example of docs/authoring.md holds as written: its topic and alert kind, pasted into a copy
of the bundled taxonomy where the page says, load; the page's commands, run in a folder of their own,
classify its article as its table says; and the article, labelled by the new codes, is scored by
`evaluate` with the new topic and kind found where the labels expect them."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.config.taxonomy_file import default_taxonomy_path, load_taxonomy
from pipeline.evaluation.labelled_articles import LabelCodes
from tests.conftest import REPO
from tests.markdown import SHELL, commands, fenced_blocks, read, section

AUTHORING = REPO / "docs" / "authoring.md"
COPY = "cp pipeline/data/taxonomy.yaml "
"""the page's first step, which the test does itself: the copy to work on"""


@dataclass(frozen=True)
class Example:
    topics: str
    """the YAML the page adds at the end of ``topics:``"""
    alerts: str
    """the YAML the page adds at the end of the file, after the alert rules"""
    article: str
    labels: str
    commands: list[str]
    expected: dict[int, tuple[bool, set[str]]]
    """line number -> whether it has the new topic, and the alert kinds it raises"""
    topic: str


def the_example() -> Example:
    text = section(read(AUTHORING), "## A worked example")
    blocks = fenced_blocks(text)
    snippets = [(block.text, yaml.safe_load(block.text)) for block in blocks if block.language == "yaml"]
    [topics] = [snippet for snippet, items in snippets if all("id" in item for item in items)]
    [alerts] = [snippet for snippet, items in snippets if all("kind" in item for item in items)]
    texts = [block.text for block in blocks if block.language == "text"]
    [labels] = [block for block in texts if block.startswith("## ")]
    [article] = [block for block in texts if not block.startswith("## ")]
    shown = [command for block in blocks if block.language in SHELL for command in commands(block)]
    rows = re.findall(r"^\| (\d+) \| (yes|no) \| (.+?) \|$", text, flags=re.MULTILINE)
    [topic] = re.findall(r"^\| line \| topic `(\w+)` \| alert \|$", text, flags=re.MULTILINE)
    expected = {
        int(line): (has == "yes", set() if alert == "none" else set(re.findall(r"`(\w+)`", alert)))
        for line, has, alert in rows
    }
    return Example(topics, alerts, article, labels, shown, expected, topic)


EXAMPLE = the_example()


def taxonomy_as_the_page_edits_it() -> str:
    """The bundled taxonomy with the page's YAML pasted where it says: the topic before the line
    ``alerts:``, the alert kind at the end of the file."""
    text = default_taxonomy_path().read_text(encoding="utf-8")
    assert text.count("\nalerts:\n") == 1 and text.endswith("\n")
    text = text.replace("\nalerts:\n", "\n" + EXAMPLE.topics + "\nalerts:\n")
    return text + "\n" + EXAMPLE.alerts


def run(command: str) -> Any:
    """A ``python -m pipeline`` command of the page, run in-process with the variables it sets."""
    words = shlex.split(command)
    env = {}
    while "=" in words[0] and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words[:3] == ["python", "-m", "pipeline"], command
    result = CliRunner().invoke(cli, words[3:], env=env)
    assert result.exit_code == 0, (command, result.output)
    return result


def argument(command: str, subcommand: str) -> str:
    """The first argument of ``subcommand`` in ``command``: the file the page runs it on."""
    words = shlex.split(command)
    return words[words.index(subcommand) + 1]


@pytest.fixture
def worked_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The page's steps in a folder of their own: the copy, the article and the labels written, and
    each command run in order; what each command printed, by its name."""
    monkeypatch.chdir(tmp_path)
    [copy] = [command for command in EXAMPLE.commands if command.startswith(COPY)]
    (tmp_path / copy.removeprefix(COPY)).write_text(taxonomy_as_the_page_edits_it(), encoding="utf-8")
    outputs = {}
    for command in EXAMPLE.commands:
        if command == copy:
            continue
        name = shlex.split(command)[shlex.split(command).index("pipeline") + 1]
        if name == "classify":
            (tmp_path / argument(command, name)).write_text(EXAMPLE.article, encoding="utf-8")
        if name == "labels":
            (tmp_path / argument(command, name)).write_text(EXAMPLE.labels, encoding="utf-8")
        outputs[name] = run(command).stdout
    return outputs


def test_the_page_shows_only_the_copy_and_commands_this_test_runs() -> None:
    others = [
        command for command in EXAMPLE.commands if not command.startswith(COPY) and "python -m pipeline" not in command
    ]
    assert others == []
    assert [shlex.split(c)[shlex.split(c).index("pipeline") + 1] for c in EXAMPLE.commands[1:]] == [
        "classify",
        "labels",
        "evaluate",
    ]


def test_the_new_topic_and_kind_load_with_the_taxonomy_and_give_the_labels_their_codes(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(taxonomy_as_the_page_edits_it(), encoding="utf-8")
    taxonomy = load_taxonomy(path)
    codes = LabelCodes.of(taxonomy)
    for topic in yaml.safe_load(EXAMPLE.topics):
        assert codes.topics[topic["code"]] == topic["id"]
    for rule in yaml.safe_load(EXAMPLE.alerts):
        assert codes.alerts[rule["code"]] == rule["kind"]
    assert EXAMPLE.topic in {topic.id for topic in taxonomy.topics}


def test_the_article_is_classified_as_the_pages_table_says(worked_example: dict[str, Any]) -> None:
    records = [json.loads(line) for line in worked_example["classify"].splitlines()]
    lines = {r["line_no"]: {t["id"] for t in r["topics"]} for r in records if r["type"] == "news.line.classified"}
    alerts: dict[int, set[str]] = {number: set() for number in lines}
    for record in records:
        if record["type"] == "news.alert":
            alerts[record["line_no"]].add(record["kind"])
    assert set(EXAMPLE.expected) == set(lines) == set(range(1, len(EXAMPLE.article.splitlines()) + 1))
    assert {number: (EXAMPLE.topic in topics, alerts[number]) for number, topics in lines.items()} == EXAMPLE.expected


def test_the_labels_are_the_articles_lines_and_evaluate_finds_the_new_topic_and_kind(
    worked_example: dict[str, Any],
) -> None:
    labelled = [line.split(" || ")[0] for line in EXAMPLE.labels.splitlines()[1:]]
    assert labelled == EXAMPLE.article.splitlines()
    figures = json.loads(worked_example["evaluate"])
    assert figures["per_topic"][EXAMPLE.topic] == {"precision": 1.0, "recall": 1.0, "tp": 3, "fp": 0, "fn": 0}
    assert (figures["alerts_expected"], figures["alerts_raised"]) == (1, 1)
    assert figures["alert_precision"] == figures["alert_recall"] == 1.0
