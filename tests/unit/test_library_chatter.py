"""The Kafka client's records about what the pipeline handles itself are debug; a node out of reach
is said once a minute while it lasts; anything else passes as it was logged."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import aiokafka
import pytest
from aiokafka.errors import NotLeaderForPartitionError, TopicAuthorizationFailedError

from pipeline.console.chatter import HANDLED, LEADERSHIP_MOVING, UNTIL_IT_LASTS, LibraryChatter


def record(logger: str, template: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(logger, level, __file__, 1, template, ("x",) * template.count("%"), None)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_topic_not_known_yet_is_debug() -> None:
    seen = record("aiokafka.cluster", "Topic %s not found in cluster metadata")
    assert not LibraryChatter(debug=False).filter(seen)
    assert seen.levelname == "DEBUG"
    assert LibraryChatter(debug=True).filter(record("aiokafka.cluster", "Topic %s not found in cluster metadata"))


def test_a_node_out_of_reach_is_said_once_a_minute_as_a_warning() -> None:
    clock = Clock()
    chatter = LibraryChatter(debug=False, clock=clock)
    template = "Unable connect to node with id %s: %s"
    shown = []
    for second in range(0, 150, 2):
        clock.now = 1_000.0 + second
        seen = record("aiokafka", template)
        if chatter.filter(seen):
            shown.append((second, seen.levelname))
    assert shown == [(0, "WARNING"), (60, "WARNING"), (120, "WARNING")]


def test_a_partition_whose_leader_is_moving_is_debug_and_a_refusal_is_not() -> None:
    """Seen in the demo: a tail started as the worker created the alerts topic asked node 1 where
    a partition begins, was told node 1 did not lead it yet, and asked again a moment later."""
    template = "Failed fetch offsets from %s: %s"
    moving = logging.LogRecord(
        "aiokafka.consumer.fetcher", logging.ERROR, __file__, 1, template, (1, NotLeaderForPartitionError()), None
    )
    assert not LibraryChatter(debug=False).filter(moving)
    assert moving.levelname == "DEBUG"
    refused = logging.LogRecord(
        "aiokafka.consumer.fetcher", logging.ERROR, __file__, 1, template, (1, TopicAuthorizationFailedError()), None
    )
    assert LibraryChatter(debug=False).filter(refused)
    assert refused.levelname == "ERROR"


def test_other_records_pass_as_they_were_logged() -> None:
    seen = record("aiokafka.consumer.fetcher", "Not authorized to read from topic %s.", logging.WARNING)
    assert LibraryChatter(debug=False).filter(seen)
    assert seen.levelname == "WARNING"


@pytest.mark.parametrize(("logger", "template"), sorted(HANDLED | UNTIL_IT_LASTS | LEADERSHIP_MOVING.keys()))
def test_each_template_is_one_the_installed_client_logs(logger: str, template: str) -> None:
    """A client upgrade that rewords one shows it here, rather than on a reader's screen again."""
    package = Path(aiokafka.__file__).parent
    module = package.joinpath(*logger.split(".")[1:]) if "." in logger else package / "client"
    tree = ast.parse(module.with_suffix(".py").read_text())
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert template in strings
