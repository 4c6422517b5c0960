"""On a terminal a record is one line for a person: the time, the level when it is not news, what
happened and what to do; an event with no sentence of its own is shown by its fields."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pipeline
from pipeline.console.log_lines import SAID, human_line

AT = "2026-12-07T20:47:12.359560Z"


def shown(**record: object) -> str:
    return human_line(None, "", {"timestamp": AT, "level": "info", **record})


def test_an_event_a_person_meets_is_a_sentence_saying_what_to_do() -> None:
    line = shown(
        event="broker_unreachable", level="warning", action="create topics", retry_in_s=0.5, error="Connect failed"
    )
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d warning: cannot reach the broker to create topics; trying again in 0.5 s \(Connect failed\)\. "
        r"Is it running\? \(scripts/kafka-local status; NEWS_KAFKA_BOOTSTRAP_SERVERS says where it is\)",
        line,
    ), line


def test_news_is_shown_without_a_level_and_lists_read_as_lists() -> None:
    line = shown(event="lines_classified", lines=20, replayed=0, articles=["guterres-lavrov-live", "kyiv-live"])
    assert line.endswith(" classified 20 line(s) of guterres-lavrov-live, kyiv-live")
    assert "info" not in line


def test_an_event_without_a_sentence_is_shown_by_its_words_and_fields() -> None:
    line = shown(event="log_starts_unknown", level="warning", partitions=["news.lines/0"], error="timeout")
    assert line.endswith(" warning: log starts unknown (partitions news.lines/0; error timeout)")


def test_a_librarys_record_names_the_library() -> None:
    line = shown(event="Heartbeat failed", level="error", logger="aiokafka.consumer.group_coordinator")
    assert line.endswith(" error: aiokafka.consumer.group_coordinator: Heartbeat failed")


def test_a_field_a_sentence_wants_and_the_record_lacks_is_a_question_mark() -> None:
    assert shown(event="worker_exited", status=8).endswith(
        "the worker exited with status 8 after ? s; starting it again in ? s"
    )


def test_a_traceback_keeps_its_lines_under_the_record() -> None:
    line = shown(event="processing_failed", level="error", exception="Traceback (most recent call last):\n  x")
    assert line.splitlines()[1:] == ["Traceback (most recent call last):", "  x"]


def test_every_sentence_names_only_fields_its_event_is_logged_with() -> None:
    """Read from the calls that log each event, so a field renamed there cannot leave a "?" here."""
    logged: dict[str, set[str | None]] = {}
    for module in Path(pipeline.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"info", "warning", "error", "exception"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                logged.setdefault(str(node.args[0].value), set()).update(k.arg for k in node.keywords)
    for event, template in SAID.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        given = logged.get(event, set())
        assert given, f"{event} is not logged anywhere"
        assert None in given or fields <= given, (event, fields - given)  # None: fields passed as **mapping
