"""Labels files: parsed into the scorer's files, kept current, and the held-out split kept apart."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.config.taxonomy_file import load_taxonomy
from pipeline.evaluation.labelled_articles import (
    LabelCodes,
    LabelsError,
    build,
    held_out_hash,
    parse_labels,
    recorded_hashes,
    split_files,
    stale,
)
from tests.conftest import REPO

REAL = REPO / "evaluation" / "real"
CODES = LabelCodes.of(load_taxonomy())
ARTICLE = """\
## kalnin-live | tune | https://example.org/live | Example | 2024-01-02 | Ruritania
Boris Kalnin said the army would open a corridor. || Boris Kalnin || c || CP
He said the corridor would open at noon. || Boris Kalnin || c || CP+
The agency said war crimes had been committed. || ? || w || WC=Boris Kalnin
Fighting went on. || - || m || -
"""


def test_an_article_becomes_labelled_lines_and_expected_alerts() -> None:
    files = split_files(parse_labels(ARTICLE, CODES))
    lines = [json.loads(line) for line in files["tune.gold.jsonl"].splitlines()]
    alerts = [json.loads(line) for line in files["tune.alerts.jsonl"].splitlines()]
    assert [(line["line_no"], line["speaker"], line["topics"]) for line in lines] == [
        (1, "Boris Kalnin", ["corridors"]),
        (2, "Boris Kalnin", ["corridors"]),
        (3, None, ["war_crimes"]),
        (4, None, ["military"]),
    ]
    assert lines[2]["speaker_skip"] is True and "speaker_skip" not in lines[3]
    assert alerts == [
        {"article_id": "kalnin-live", "kind": "corridor_proposal", "speaker": "Boris Kalnin", "lines": [1, 2]},
        {"article_id": "kalnin-live", "kind": "war_crimes", "speaker": "Boris Kalnin", "lines": [3]},
    ]
    assert files["holdout.gold.jsonl"] == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A line. || - || - || -\n", "before any article header"),
        ("## a | test | u | p | d | c\n", "split must be one of"),
        ("## a | tune | u | p | d | c\nA line. || - || x || -\n", "unknown topic 'x'"),
        ("## a | tune | u | p | d | c\nA line. || - || - || XX\n", "unknown alert 'XX'"),
        ("## a | tune | u | p | d | c\nA line. || -\n", "text || speaker || topics || alerts"),
    ],
)
def test_a_malformed_labels_file_says_where_and_what(text: str, message: str) -> None:
    with pytest.raises(LabelsError, match=re.escape(message)):
        parse_labels(text, CODES, "f.labels")


def test_the_real_text_files_are_built_from_the_current_labels() -> None:
    assert stale(REAL / "articles.labels", REAL, CODES) == [], (
        "run `python -m pipeline labels evaluation/real/articles.labels`"
    )


def _held_out_sentences() -> list[str]:
    lines = (REAL / "holdout.gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines]


def _eight_word_runs(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9']+", text.casefold().replace("’", "'"))
    return {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}


def test_no_test_and_no_rule_is_written_from_a_held_out_line() -> None:
    held_out = set().union(*(_eight_word_runs(t) for t in _held_out_sentences()))
    sources = [
        *(REPO / "tests").rglob("*.py"),
        *(REPO / "pipeline").rglob("*.py"),
        *(REPO / "pipeline").rglob("*.yaml"),
        *(REPO / "evaluation" / "cases").rglob("*.yaml"),
    ]
    copied = {
        str(path.relative_to(REPO)): sorted(held_out & _eight_word_runs(path.read_text(encoding="utf-8")))[:2]
        for path in sources
        if held_out & _eight_word_runs(path.read_text(encoding="utf-8"))
    }
    assert copied == {}


def test_the_held_out_split_is_the_one_recorded_before_rule_work() -> None:
    """Each held-out article's text was hashed when it was added; a changed line shows here."""
    articles = parse_labels((REAL / "articles.labels").read_text(encoding="utf-8"), CODES)
    now = {a.article_id: held_out_hash(a) for a in articles if a.split == "holdout"}
    assert now == recorded_hashes(REAL)


def test_building_records_a_new_held_out_article_and_refuses_a_changed_one(tmp_path: Path) -> None:
    labels = tmp_path / "articles.labels"
    labels.write_text(ARTICLE.replace("| tune |", "| holdout |"), encoding="utf-8")
    build(labels, tmp_path, CODES)
    assert list(recorded_hashes(tmp_path)) == ["kalnin-live"]
    labels.write_text(ARTICLE.replace("| tune |", "| holdout |").replace("Fighting", "Shelling"), encoding="utf-8")
    with pytest.raises(LabelsError, match="changed after it was recorded"):
        build(labels, tmp_path, CODES)
