"""Versions of one news item in files of their own are classified as the worker would take them from
its topic: the second version brings only its new lines, as when both versions are in one file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import cli

FIRST = {
    "uri": "urn:newsroom:live:ceasefire",
    "version": "1",
    "headline": "Ceasefire talks",
    "body_html": "<p>Envoys met in Geneva on Monday.</p><p>The foreign minister said talks would go on.</p>",
}
SECOND = {
    **FIRST,
    "version": "2",
    "body_html": "<p>A second round is set for Friday.</p>" + FIRST["body_html"],
}


WHEN = ("ingested_at", "classified_at")
"""the times of the run"""


def classified(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["classify", "--format", "ninjs", *args])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if '"line_no"' in line]
    return [{field: value for field, value in line.items() if field not in WHEN} for line in lines]


def test_two_versions_in_two_files_bring_what_they_bring_in_one(no_pipeline_env: None, tmp_path: Path) -> None:
    first, second, both = tmp_path / "v1.json", tmp_path / "v2.json", tmp_path / "both.jsonl"
    first.write_text(json.dumps(FIRST))
    second.write_text(json.dumps(SECOND))
    both.write_text(json.dumps(FIRST) + "\n" + json.dumps(SECOND) + "\n")

    apart = classified(str(first), str(second))

    assert [line["text"] for line in apart] == [
        "Envoys met in Geneva on Monday.",
        "The foreign minister said talks would go on.",
        "A second round is set for Friday.",
    ]
    assert apart == classified(str(both))


def test_a_new_entry_on_top_and_the_one_below_touched_up_are_the_two_new_lines(
    no_pipeline_env: None, tmp_path: Path
) -> None:
    """Issue 24's live-blog case, through classify as a newsroom would run it on one file of both versions."""
    first = {**FIRST, "body_html": "<p>Envoys met in Geneva on Monday.</p><p>Talks will go on, the minister said.</p>"}
    second = {
        **FIRST,
        "version": "2",
        "body_html": "<p>A second round is set for Friday.</p>"
        "<p>Envoys met in Geneva on Monday evening.</p><p>Talks will go on, the minister said.</p>",
    }
    both = tmp_path / "live.jsonl"
    both.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n")

    lines = classified(str(both))

    assert [(line["line_no"], line["text"], line.get("corrects_line_no")) for line in lines] == [
        (1, "Envoys met in Geneva on Monday.", None),
        (2, "Talks will go on, the minister said.", None),
        (3, "A second round is set for Friday.", None),
        (4, "Envoys met in Geneva on Monday evening.", 1),
    ]
