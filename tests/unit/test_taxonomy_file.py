from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config.lexicon_file import load_english
from pipeline.config.taxonomy_file import TaxonomyError, default_taxonomy_path, load_taxonomy
from pipeline.domain.classifier import LineClassifier
from tests.unit.helpers import alerts_of


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_taxonomy_is_valid() -> None:
    taxonomy = load_taxonomy(default_taxonomy_path())
    assert {t.id for t in taxonomy.topics} >= {"corridors", "war_crimes", "peace_talks"}


def test_a_bad_weight_is_reported_with_its_field(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ntopics:\n  - id: x\n    cues:\n      - {pattern: a, weight: 3}\n")
    with pytest.raises(TaxonomyError, match=r"topics\.0\.cues\.0\.weight"):
        load_taxonomy(path)


def test_a_broken_regular_expression_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ntopics:\n  - id: x\n    cues:\n      - {pattern: '(unclosed', weight: 0.5}\n")
    with pytest.raises(TaxonomyError, match="not a valid regular expression"):
        load_taxonomy(path)


def test_an_alert_naming_an_unknown_topic_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "version: 1\ntopics:\n  - id: x\n    cues: [{pattern: a, weight: 0.5}]\n"
        "alerts:\n  - kind: k\n    requires_topic: nope\n    all_of: [[a]]\n",
    )
    with pytest.raises(TaxonomyError, match="requires_topic 'nope'"):
        load_taxonomy(path)


def test_a_missing_file_and_bad_yaml_are_clear(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy(tmp_path / "absent.yaml")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        load_taxonomy(write(tmp_path, "version: [1\n"))


def test_a_newsroom_adds_an_alert_kind_without_code(tmp_path: Path) -> None:
    extra = (
        "  - kind: nuclear_plant\n    severity: critical\n    requires_topic: nuclear\n"
        "    all_of: [['nuclear (power )?(plant|station)']]\n"
    )
    topic = "  - id: nuclear\n    cues:\n      - {pattern: 'nuclear (power )?(plant|station)', weight: 0.9}\n"
    text = default_taxonomy_path().read_text(encoding="utf-8")
    text = text.replace("\ntopics:\n", "\ntopics:\n" + topic, 1) + extra
    classifier = LineClassifier(load_taxonomy(write(tmp_path, text)), load_english())
    assert alerts_of(classifier, "Rafael Grossi said shelling near the nuclear power plant must stop.") == [
        (1, "nuclear_plant", "Rafael Grossi")
    ]
