"""Golden files and the offline regression check, as `replay --offline --expect` runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.config.exit_status import ExitStatus
from pipeline.evaluation.golden import GoldenError, differences, read_golden
from tests.conftest import SEED_ARTICLE, taxonomy_with_severity

pytestmark = pytest.mark.usefixtures("no_pipeline_env")

# Two short articles of our own: one proposes a corridor, one mentions war crimes.
ARCHIVE = [
    {"article_id": "arc-1", "line_no": 1, "text": "Turkish President Recep Tayyip Erdogan spoke in Ankara on Monday."},
    {
        "article_id": "arc-1",
        "line_no": 2,
        "text": "He proposed a humanitarian corridor to evacuate civilians from the besieged port.",
    },
    {"article_id": "arc-2", "line_no": 1, "text": "Foreign Minister Dmytro Kuleba visited the town on Friday."},
    {"article_id": "arc-2", "line_no": 2, "text": "He said the killings there were war crimes."},
]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "week.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in ARCHIVE))
    return path


def replay(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["replay", "--offline", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_golden_file_written_from_a_run_matches_the_same_rules(archive: Path, tmp_path: Path) -> None:
    golden = tmp_path / "week.golden.jsonl"
    assert replay(str(archive), "--expect", str(golden), "--write-golden")[0] == 0
    records = [json.loads(line) for line in golden.read_text().splitlines()]
    assert [(r["article_id"], r["kind"], r["speaker"]) for r in records] == [
        ("arc-1", "corridor_proposal", "Recep Tayyip Erdogan"),
        ("arc-2", "war_crimes", "Dmytro Kuleba"),
    ]
    status, _, stderr = replay(str(archive), "--expect", str(golden))
    assert status == 0 and "same as" in stderr


def test_a_changed_rule_fails_with_a_readable_diff(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    golden = tmp_path / "week.golden.jsonl"
    assert replay(str(archive), "--expect", str(golden), "--write-golden")[0] == 0
    changed = taxonomy_with_severity(tmp_path, "war_crimes", "high")
    monkeypatch.setenv("NEWS_TAXONOMY_PATH", str(changed))
    status, stdout, stderr = replay(str(archive), "--expect", str(golden))
    assert status == ExitStatus.RESULTS_DIFFER
    removed = [line for line in stdout.splitlines() if line.startswith("-{")]
    added = [line for line in stdout.splitlines() if line.startswith("+{")]
    assert len(removed) == len(added) == 1
    assert '"severity": "critical"' in removed[0] and '"severity": "high"' in added[0]
    assert "1 expected record(s) missing or changed, 1 new or changed" in stderr


def test_lines_are_compared_only_when_asked(archive: Path, tmp_path: Path) -> None:
    golden = tmp_path / "week.golden.jsonl"
    assert replay(str(archive), "--expect", str(golden), "--write-golden", "--lines")[0] == 0
    records = [json.loads(line) for line in golden.read_text().splitlines()]
    assert sum(r["record"] == "line" for r in records) == len(ARCHIVE)
    edited = [
        json.dumps({**r, "speaker": "Someone Else"}) if r["record"] == "line" and r["line_no"] == 2 else json.dumps(r)
        for r in records
    ]
    golden.write_text("\n".join(edited) + "\n")
    assert replay(str(archive), "--expect", str(golden))[0] == 0
    status, stdout, _ = replay(str(archive), "--expect", str(golden), "--lines")
    assert status == ExitStatus.RESULTS_DIFFER and stdout.count("Someone Else") == 2


def test_without_a_golden_file_the_records_go_to_stdout() -> None:
    status, stdout, _ = replay(str(SEED_ARTICLE))
    kinds = [json.loads(line)["kind"] for line in stdout.splitlines()]
    assert status == 0 and kinds == ["corridor_proposal", "war_crimes"]


def test_a_missing_golden_file_and_a_bad_one_are_clear_errors(archive: Path, tmp_path: Path) -> None:
    status, _, stderr = replay(str(archive), "--expect", str(tmp_path / "nope.jsonl"))
    assert status == 2 and "nope.jsonl" in stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"record": "alert"}\n{oops\n')
    with pytest.raises(GoldenError, match=r"bad.jsonl:2: not JSON"):
        read_golden(bad, with_lines=False)


def test_pacing_options_are_refused_offline(archive: Path) -> None:
    status, _, stderr = replay(str(archive), "--speed", "2")
    assert status == 2 and "--offline runs at once" in stderr


def test_the_diff_is_empty_when_only_field_order_differs() -> None:
    record = {"record": "alert", "article_id": "a", "line_no": 1, "kind": "k"}
    assert differences([record], [dict(reversed(record.items()))], "golden") == []


def test_news_item_versions_replay_offline_as_the_worker_splits_them(tmp_path: Path) -> None:
    first = [
        "Foreign Minister Dmytro Kuleba visited Bucha on Sunday.",
        "Kuleba said the killings there were war crimes.",
    ]
    second = ["Rescue teams reached the town on Monday.", *first]
    feed = tmp_path / "live.jsonl"
    feed.write_text(
        "".join(json.dumps({"uri": "urn:test:live", "body_text": "\n".join(v)}) + "\n" for v in (first, second))
    )
    result = CliRunner().invoke(cli, ["classify", str(feed)])
    lines = [json.loads(line) for line in result.stdout.splitlines() if '"news.line.classified"' in line]
    assert result.exit_code == 0 and [(c["line_no"], c["text"]) for c in lines] == [
        (1, first[0]),
        (2, first[1]),
        (3, second[0]),
    ]
    status, stdout, _ = replay(str(feed))
    assert status == 0 and [json.loads(r)["kind"] for r in stdout.splitlines()] == ["war_crimes"]
