"""Input that could act on an editor's terminal, through the real worker: an article id that holds such a
character is dead-lettered, and line text that holds one reaches `tail` escaped."""

from __future__ import annotations

import json
import unicodedata
import uuid

import pytest

from pipeline.config.settings import Settings
from tests.integration.conftest import WorkerProcess, run_cli
from tests.integration.kafka_helpers import marker_beside, produce_raw, read_json, read_until, run

pytestmark = pytest.mark.integration

IN_IDS = {
    "ESC": "\x1b[2J",
    "NUL": "\x00",
    "CR": "\r",
    "NEL": "\x85",
    "LS": "\u2028",
    "PS": "\u2029",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "PDI": "\u2069",
}
TRICKY_TEXT = (
    "He said the killings were war crimes.\n[CRITICAL] forged · nobody"
    "\u2028[HIGH] forged too \u202eevil\u202c \x9b2J \x85 \u2066isolated\u2069 end"
)


def acts_on_a_terminal(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c != "\n"]


def test_a_line_whose_article_id_is_not_printable_is_dead_lettered_as_an_invalid_event(
    worker: WorkerProcess, pipeline_settings: Settings
) -> None:
    prefix = f"bad-id-{uuid.uuid4().hex[:6]}-"
    messages = []
    refused_char: dict[str, tuple[int, str]] = {}
    for name, char in IN_IDS.items():
        article = f"{prefix}{name}{char}x"
        refused_char[article] = (len(prefix) + len(name) + 1, char[0])
        minimal = {"article_id": article, "line_no": 1, "text": "The minister spoke."}
        complete = {**minimal, "line_no": 2, "event_id": f"{name}-2", "ingested_at": "2026-01-01T00:00:00Z"}
        messages += [(article.encode(), json.dumps(form).encode()) for form in (minimal, complete)]
    # After them, a valid line on each of their partitions: its result comes out after anything theirs caused.
    markers = sorted(
        {marker_beside(article, pipeline_settings.partitions, f"after-{prefix}") for article in refused_char}
    )
    valid = [{"article_id": marker, "line_no": 1, "text": "The minister spoke."} for marker in markers]
    messages_then_markers = messages + [(line["article_id"].encode(), json.dumps(line).encode()) for line in valid]
    run(produce_raw(pipeline_settings, pipeline_settings.topic_lines, messages_then_markers))
    letters = run(
        read_json(
            pipeline_settings,
            pipeline_settings.topic_dlq,
            until=len(messages),
            timeout=60,
            where=lambda d: (d.get("key") or "").startswith(prefix),
        )
    )
    assert len(letters) == len(messages)
    assert {letter["reason"] for letter in letters} == {"invalid_event"}
    for letter in letters:
        position, char = refused_char[letter["key"]]
        expected = f"article_id: Value error, character {position} is U+{ord(char):04X}"
        assert expected in letter["detail"], letter["detail"]
    classified = run(
        read_until(
            pipeline_settings,
            pipeline_settings.topic_classified,
            done=lambda found: {c["article_id"] for c in found} >= set(markers),
            timeout=90,
            where=lambda c: c["article_id"].startswith(prefix) or c["article_id"] in markers,
        )
    )
    assert {c["article_id"] for c in classified} >= set(markers), "a marker never came: nothing is proven"
    assert [c["article_id"] for c in classified if c["article_id"].startswith(prefix)] == []
    assert worker.process.poll() is None


def test_tail_shows_line_text_that_tries_to_fool_the_terminal_escaped(
    worker: WorkerProcess, pipeline_env: dict[str, str], pipeline_settings: Settings
) -> None:
    article = f"fool-{uuid.uuid4().hex[:6]}"
    lines = [
        {"article_id": article, "line_no": 1, "text": "Foreign Minister Dmytro Kuleba visited Bucha."},
        {"article_id": article, "line_no": 2, "text": TRICKY_TEXT},
    ]
    run(
        produce_raw(
            pipeline_settings,
            pipeline_settings.topic_lines,
            [(article.encode(), json.dumps(line).encode()) for line in lines],
        )
    )
    follow = ["tail", "--from-beginning", "--article", article, "--max", "1", "--first-wait", "90"]
    pretty = run_cli(pipeline_env, *follow, "--pretty", timeout=120)
    as_json = run_cli(pipeline_env, *follow, timeout=120)
    assert pretty.returncode == 0 and as_json.returncode == 0, pretty.stderr + as_json.stderr

    [shown] = pretty.stdout.decode("utf-8").splitlines()
    assert shown.startswith(f"[CRITICAL] war_crimes · Dmytro Kuleba · {article}#2 · He said the killings")
    assert acts_on_a_terminal(shown) == []
    escapes = ("\\u000a[CRITICAL] forged", "\\u2028[HIGH]", "\\u202eevil\\u202c", "\\u009b2J", "\\u0085", "\\u2066")
    assert [escape for escape in escapes if escape not in shown] == []
    [written] = as_json.stdout.decode("utf-8").splitlines()
    assert acts_on_a_terminal(written) == []
    assert json.loads(written)["text"] == TRICKY_TEXT  # scripts get the text as it was
