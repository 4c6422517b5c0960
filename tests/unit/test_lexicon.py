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


def test_a_list_said_to_be_of_reporting_verbs_holds_only_reporting_verbs() -> None:
    """The verbs that close an attribution, and those that state something before "no", are reporting
    verbs first: one left out of ``reporting_verbs`` would never be found to close anything."""
    data = yaml.safe_load(SHIPPED)
    data["closing_verbs"] = [*data["closing_verbs"], "mumbled"]
    with pytest.raises(ValueError, match=r"closing_verbs must be reporting verbs too: \['mumbled'\]"):
        load_lexicon(yaml.safe_dump(data))


def test_a_word_yaml_reads_as_true_is_refused_unless_quoted() -> None:
    """YAML 1.1 reads a bare on, off, yes or no as a truth value: the file quotes them."""
    with pytest.raises(ValueError, match="locatives"):
        load_lexicon(SHIPPED.replace("locatives: [at, in, 'on',", "locatives: [at, in, on,"))
