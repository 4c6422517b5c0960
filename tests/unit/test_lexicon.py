"""The English word lists are data, validated when they are loaded."""

from __future__ import annotations

from importlib.resources import files

import pytest
import yaml

from pipeline.domain.lexicon import ROLE_WORDS, load_lexicon

SHIPPED = files("pipeline").joinpath("data/english.yaml").read_text(encoding="utf-8")


def test_the_shipped_lists_load() -> None:
    assert "spokesman" in ROLE_WORDS and "said" in load_lexicon(SHIPPED).reporting_verbs


def test_an_entry_that_is_not_lower_case_is_named() -> None:
    data = yaml.safe_load(SHIPPED)
    data["role_words"] = [*data["role_words"], "Envoy"]
    with pytest.raises(ValueError, match=r"(?s)role_words.*'Envoy'"):
        load_lexicon(yaml.safe_dump(data), "english.yaml")


def test_an_unknown_list_is_refused() -> None:
    data = yaml.safe_load(SHIPPED)
    data["verbs"] = ["said"]
    with pytest.raises(ValueError, match="verbs"):
        load_lexicon(yaml.safe_dump(data))
