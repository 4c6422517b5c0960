"""A topic or an alert kind is named in one place, the taxonomy: the labels file's codes and the
topics `evaluate` scores come from it, and labels naming what it lacks are refused, not dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from pipeline.config.taxonomy_file import default_taxonomy_path, load_taxonomy
from pipeline.domain.taxonomy import Taxonomy
from pipeline.evaluation.labelled_articles import LabelCodes, parse_labels, split_files
from pipeline.evaluation.scoring import ScoringError, evaluate

SHIPPING = {
    "id": "shipping",
    "code": "s",
    "description": "ships, ports and sea lanes",
    "cues": [{"pattern": r"grain ships?|sea lanes?", "weight": 0.8}],
}


def with_shipping(tmp_path: Path) -> Path:
    """The default taxonomy with one topic more, as a newsroom would add it."""
    raw = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    raw["topics"].append(SHIPPING)
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_the_shipped_taxonomy_gives_the_labels_files_codes() -> None:
    codes = LabelCodes.of(load_taxonomy())
    assert codes.topics == {
        "c": "corridors",
        "w": "war_crimes",
        "p": "peace_talks",
        "h": "humanitarian_aid",
        "m": "military",
        "d": "diplomacy",
    }
    assert codes.alerts == {"CP": "corridor_proposal", "WC": "war_crimes"}


def test_a_topic_added_to_the_taxonomy_is_labelled_by_its_code_and_scored(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(with_shipping(tmp_path))
    labels = "## port | tune | u | p | d | c\nThe first grain ships left Odesa. || - || s || -\n"
    gold = [
        json.loads(line)
        for line in split_files(parse_labels(labels, LabelCodes.of(taxonomy)))["tune.gold.jsonl"].splitlines()
    ]
    assert gold[0]["topics"] == ["shipping"]
    predicted = [{"article_id": "port", "line_no": 1, "speaker": None, "topics": [{"id": "shipping", "score": 0.8}]}]
    report = evaluate(gold, [], predicted, taxonomy)
    assert report.figures()["per_topic"]["shipping"] == {"precision": 1.0, "recall": 1.0, "tp": 1, "fp": 0, "fn": 0}


def test_labels_naming_a_topic_the_taxonomy_lacks_are_refused_not_left_out_of_the_figures() -> None:
    gold = [{"article_id": "port", "line_no": 1, "text": "Ships left.", "speaker": None, "topics": ["shipping"]}]
    with pytest.raises(ScoringError, match=r"port:1: labelled with topics the taxonomy does not have: \['shipping'\]"):
        evaluate(gold, [], [], load_taxonomy())


def test_alerts_expected_of_a_kind_the_taxonomy_lacks_are_refused() -> None:
    expected = [{"article_id": "port", "kind": "blockade", "speaker": "X", "lines": [1]}]
    with pytest.raises(ScoringError, match=r"kinds the taxonomy does not have: \['blockade'\]"):
        evaluate([], expected, [], load_taxonomy())


def test_two_topics_with_one_code_are_refused_when_the_taxonomy_is_read() -> None:
    raw = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    raw["topics"].append({**SHIPPING, "code": "w"})
    with pytest.raises(ValidationError, match=r"topic codes must be unique; repeated: \['w'\]"):
        Taxonomy.model_validate(raw)
