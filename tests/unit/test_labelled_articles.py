"""Labels files: parsed into the scorer's files, kept current, and the held-out split kept apart."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.labelled_articles import LabelsError, parse_labels, split_files, stale
from tests.conftest import REPO

REAL = REPO / "evaluation" / "real"
ARTICLE = """\
## kalnin-live | tune | https://example.org/live | Example | 2024-01-02 | Ruritania
Boris Kalnin said the army would open a corridor. || Boris Kalnin || c || CP
He said the corridor would open at noon. || Boris Kalnin || c || CP+
The agency said war crimes had been committed. || ? || w || WC=Boris Kalnin
Fighting went on. || - || m || -
"""


def test_an_article_becomes_labelled_lines_and_expected_alerts() -> None:
    files = split_files(parse_labels(ARTICLE))
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
        parse_labels(text, "f.labels")


def test_the_real_text_files_are_built_from_the_current_labels() -> None:
    assert stale(REAL / "articles.labels", REAL) == [], (
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
    ]
    copied = {
        str(path.relative_to(REPO)): sorted(held_out & _eight_word_runs(path.read_text(encoding="utf-8")))[:2]
        for path in sources
        if held_out & _eight_word_runs(path.read_text(encoding="utf-8"))
    }
    assert copied == {}


def test_the_held_out_split_is_the_one_recorded_before_rule_work() -> None:
    """Each held-out article's text was hashed when it was added; a changed line shows here."""
    import hashlib

    recorded = dict(
        line.split("  ", 1)[::-1]
        for line in (REAL / "holdout.sha256").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    articles: dict[str, list[str]] = {}
    for raw in (REAL / "holdout.gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(raw)
        articles.setdefault(record["article_id"], []).append(record["text"])
    now = {k: hashlib.sha256("\n".join(v).encode("utf-8")).hexdigest() for k, v in articles.items()}
    assert now == recorded
