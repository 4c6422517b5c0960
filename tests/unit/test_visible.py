"""Text shown to people cannot act on their terminal: every output that quotes input escapes what could."""

from __future__ import annotations

import io
import json
import logging
import re
import unicodedata
from contextlib import redirect_stderr
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from pipeline.broker.tail import json_line, pretty_line
from pipeline.cli import cli
from pipeline.config.exit_status import ExitStatus
from pipeline.config.settings import Settings
from pipeline.config.taxonomy_file import load_taxonomy
from pipeline.console.logs import configure_logging
from pipeline.console.visible import visible
from pipeline.contracts.events import Alert, SpeakerRef
from pipeline.evaluation.golden import differences, golden_text, read_golden, records_of
from pipeline.evaluation.scoring import evaluate

NOW = datetime(2026, 1, 1, tzinfo=UTC)

TRICKS = {
    "clear the screen and home the cursor": "\x1b[2J\x1b[H",
    "a fake alert line after a carriage return": "\r[CRITICAL] war_crimes · forged",
    "a NUL": "\x00",
    "next line U+0085": "\x85[CRITICAL] forged",
    "a CSI introducer U+009B": "\x9b31m",
    "a line separator U+2028": "\u2028[CRITICAL] forged",
    "a paragraph separator U+2029": "\u2029[CRITICAL] forged",
    "a right-to-left override U+202E": "\u202etxt.exe",
    "the isolates U+2066 to U+2069": "\u2066a\u2067b\u2068c\u2069",
    "a newline": "\n[CRITICAL] forged",
    "a backspace over the kind": "\x08\x08\x08\x08",
    "an operating system command (window title)": "\x1b]0;owned\x07",
}


def acts_on_a_terminal(text: str) -> list[str]:
    """The characters of ``text`` a terminal would obey rather than show."""
    return [
        f"U+{ord(char):04X}"
        for char in text
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs") and char not in "\u200c\u200d"
    ]


@pytest.mark.parametrize("trick", TRICKS.values(), ids=TRICKS.keys())
def test_every_character_that_could_act_on_a_terminal_is_shown_as_its_escape(trick: str) -> None:
    shown = visible(f"Said: {trick} end")
    assert acts_on_a_terminal(shown) == []
    assert shown.startswith("Said: ") and shown.endswith(" end")
    for char in trick:
        if acts_on_a_terminal(char):
            assert f"\\u{ord(char):04x}" in shown


def test_the_escapes_are_the_ones_an_editor_recognises() -> None:
    assert visible("a\x1bb\rc\u202ed\u2028e\x85f") == "a\\u001bb\\u000dc\\u202ed\\u2028e\\u0085f"
    assert visible("tag\U000e0041") == "tag\\udb40\\udc41"  # beyond the BMP, as JSON spells it


@pytest.mark.parametrize(
    "text",
    [
        "Guterres said the corridors must open.",
        "Élysée: « Nous condamnons » — déclaration",  # no-break spaces stay spaces
        "قال الأمين العام إن الممرات يجب أن تفتح",
        "می‌خواهم",  # Persian, spelt with a zero-width non-joiner
        "家族 👨‍👩‍👧 絵文字",  # an emoji sequence joined by zero-width joiners
        'a "quoted" \\ backslash and a tab-free line',
    ],
)
def test_ordinary_text_in_any_script_is_shown_as_it_is(text: str) -> None:
    assert visible(text) == text


def test_escaping_twice_changes_nothing_more() -> None:
    once = visible("".join(TRICKS.values()))
    assert visible(once) == once


def test_a_json_line_made_visible_is_the_same_json() -> None:
    record = {"text": "".join(TRICKS.values()) + "\U000e0041 and \u0627\u0644\u0639\u0631\u0628\u064a\u0629"}
    for written in (json.dumps(record), json.dumps(record, ensure_ascii=False)):
        shown = visible(written)
        assert json.loads(shown) == record and acts_on_a_terminal(shown) == []


def alert(text: str, evidence: str = "war crimes", speaker: str = "Antonio Guterres") -> Alert:
    return Alert(
        event_id=Alert.id_for("story-1", "war_crimes", speaker),
        kind="war_crimes",
        severity="critical",
        article_id="story-1",
        line_no=3,
        line_event_id="line",
        speaker=SpeakerRef(name=speaker, kind="person", method="named", evidence=speaker),
        text=text,
        evidence=(evidence,),
        raised_at=NOW,
    )


@pytest.mark.parametrize("trick", TRICKS.values(), ids=TRICKS.keys())
def test_tail_pretty_shows_one_line_per_alert_that_nothing_in_it_can_change(trick: str) -> None:
    shown = pretty_line(alert(f"They said war crimes {trick}.", evidence=f"war {trick}", speaker=f"Guterres{trick}"))
    assert acts_on_a_terminal(shown) == [] and len(shown.splitlines()) == 1
    assert shown.startswith("[CRITICAL] war_crimes · Guterres")


@pytest.mark.parametrize("trick", TRICKS.values(), ids=TRICKS.keys())
def test_tail_json_is_the_alert_itself_with_nothing_that_acts_on_a_terminal(trick: str) -> None:
    original = alert(f"They said war crimes {trick}.")
    shown = json_line(original)
    assert acts_on_a_terminal(shown) == [] and len(shown.splitlines()) == 1
    assert Alert.model_validate_json(shown) == original


def test_a_golden_diff_shows_the_evidence_it_quotes_escaped_and_the_file_reads_back_the_same(tmp_path: Path) -> None:
    was = records_of([alert("x", evidence="war crimes")], with_lines=False)
    now = records_of([alert("x", evidence="war\u202e crimes\x1b[2J")], with_lines=False)
    diff = differences(was, now, "week.golden.jsonl")
    assert diff and all(acts_on_a_terminal(line) == [] for line in diff)
    assert any("\\u202e" in line and "\\u001b" in line for line in diff)
    golden = tmp_path / "week.golden.jsonl"
    golden.write_text(golden_text(now), encoding="utf-8")
    assert acts_on_a_terminal(golden.read_text(encoding="utf-8").rstrip("\n")) == []
    assert read_golden(golden, with_lines=False) == now


def test_evaluation_mistakes_show_ids_names_and_text_escaped_one_mistake_per_two_lines() -> None:
    gold = [
        {
            "article_id": "a\x1b[2J",
            "line_no": 1,
            "text": "He said\r[CRITICAL] forged\u2028more \u202eevil",
            "speaker": "Guterres\x85",
            "topics": ["war_crimes"],
        }
    ]
    # An expected alert's kind is one of the taxonomy's (evaluate refuses others), so only its article and
    # speaker come from the labels as they are; a raised alert's kind comes from the predictions as it is.
    expected = [{"article_id": "a\x1b[2J", "kind": "war_crimes", "speaker": "X\u2029", "lines": [1]}]
    predicted = [
        {"article_id": "a\x1b[2J", "line_no": 1, "speaker": {"name": "Lavrov\x9b"}, "topics": []},
        {"article_id": "a\x1b[2J", "line_no": 1, "kind": "corridor\x00", "speaker": {"name": "Y\u2067"}},
    ]
    report = evaluate(gold, expected, predicted, load_taxonomy())
    assert len(report.errors) == 4  # the speaker, a false alert, a missed alert, the topics
    for mistake in report.errors:
        what, text = mistake.split("\n")
        assert acts_on_a_terminal(what) == [] and acts_on_a_terminal(text) == []
        assert text == "    He said\\u000d[CRITICAL] forged\\u2028more \\u202eevil"


def test_the_command_line_escapes_what_it_quotes_from_its_input_in_a_refusal(tmp_path: Path) -> None:
    article = tmp_path / "story\x1b[2J\u202e.txt"
    article.write_text("The minister spoke.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(article)])
    assert result.exit_code == ExitStatus.INPUT_REFUSED
    refusal = result.stderr
    assert "rejected " in refusal and "article_id: Value error, character 6 is U+001B" in refusal
    assert "story\\u001b[2J\\u202e.txt" in refusal and acts_on_a_terminal(refusal.replace("\n", "")) == []


def test_classify_writes_json_lines_that_are_the_same_json_and_cannot_act_on_a_terminal(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text("Guterres said\x85 the corridors \u202emust open.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(article)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(acts_on_a_terminal(line) == [] for line in lines)
    assert {json.loads(line)["text"] for line in lines} == {"Guterres said\x85 the corridors \u202emust open."}


def test_logs_on_a_terminal_show_what_a_record_quotes_escaped_and_tracebacks_keep_their_lines() -> None:
    stream = io.StringIO()
    with redirect_stderr(stream):
        configure_logging("INFO", "console")
        log = structlog.get_logger("t")
        log.warning("dead_letter", key="cms\u2028\x85x", detail="\x1b[2J\u202e: Extra inputs are not permitted")
        log.warning("input_noted", key="cms\u2028\x85x")  # an event shown by its fields
        try:
            raise ValueError("bad \x1b]0;owned\x07 input")
        except ValueError:
            log.exception("processing_failed")
    logged = re.sub("\x1b\\[[0-9;]*m", "", stream.getvalue())  # the renderer's own colours
    assert acts_on_a_terminal(logged.replace("\n", "")) == []
    assert "key cms\\u2028\\u0085x" in logged and "\\u001b]0;owned\\u0007" in logged
    assert "\\u001b[2J\\u202e: Extra inputs" in logged
    assert "Traceback (most recent call last):\n" in logged


def _raise_and_log(logger: logging.Logger) -> None:
    try:
        raise ConnectionError("broker said \x1b[2J\x1b]0;owned\x07 and \u202etxt.exe")
    except ConnectionError:
        logger.exception("fetch failed for \x1b[31mred")


def test_a_library_s_exception_on_a_terminal_is_shown_escaped_with_its_traceback() -> None:
    # Faust, aiokafka and uvicorn log through the standard library: their tracebacks may quote input too.
    stream = io.StringIO()
    with redirect_stderr(stream):
        configure_logging("INFO", "console")
        _raise_and_log(logging.getLogger("aiokafka.consumer"))
    logged = re.sub("\x1b\\[[0-9;]*m", "", stream.getvalue())  # the renderer's own colours
    assert acts_on_a_terminal(logged.replace("\n", "")) == []
    assert "\\u001b[2J" in logged and "\\u202etxt.exe" in logged
    assert "Traceback (most recent call last):\n" in logged and "_raise_and_log" in logged


def test_uvicorn_as_serve_configures_it_logs_through_the_same_escaping() -> None:
    from fastapi import FastAPI

    from pipeline.web.server import server_config

    stream = io.StringIO()
    with redirect_stderr(stream):
        configure_logging("INFO", "console")
        server_config(FastAPI(), Settings(http_token="t0ken-for-tests-only"))  # uvicorn sets up its loggers here
        _raise_and_log(logging.getLogger("uvicorn.error"))  # as an exception in a request is logged
    logged = re.sub("\x1b\\[[0-9;]*m", "", stream.getvalue())
    assert acts_on_a_terminal(logged.replace("\n", "")) == []
    assert "\\u202etxt.exe" in logged and "uvicorn.error" in logged


def test_a_library_s_exception_in_json_lines_carries_its_traceback() -> None:
    stream = io.StringIO()
    with redirect_stderr(stream):
        configure_logging("INFO", "json")
        _raise_and_log(logging.getLogger("aiokafka.consumer"))
    record = json.loads(stream.getvalue())
    assert record["exception"].startswith("Traceback (most recent call last):\n")
    assert "broker said \x1b[2J" in record["exception"] and "exc_info" not in record
