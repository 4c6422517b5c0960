"""The English word lists are data, read from their file when the classifier is built, validated, and
passed to the rules: nothing is read when the package is imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline.config.errors import ConfigurationError
from pipeline.config.lexicon_file import default_lexicon_path, load_classifier, load_english, read_lexicon
from pipeline.config.settings import Settings
from tests.unit.helpers import speakers_of

SHIPPED = default_lexicon_path().read_text(encoding="utf-8")


def test_the_shipped_lists_load() -> None:
    english = load_english()
    assert "spokesman" in english.role_words and "said" in english.reporting_verbs


def test_an_entry_that_is_not_lower_case_is_named() -> None:
    data = yaml.safe_load(SHIPPED)
    data["role_words"] = [*data["role_words"], "Envoy"]
    with pytest.raises(ConfigurationError, match=r"(?s)english\.yaml.*role_words.*'Envoy'"):
        read_lexicon(yaml.safe_dump(data), "english.yaml")


def test_an_unknown_list_is_refused() -> None:
    data = yaml.safe_load(SHIPPED)
    data["verbs"] = ["said"]
    with pytest.raises(ConfigurationError, match="verbs"):
        read_lexicon(yaml.safe_dump(data))


def test_a_list_said_to_be_of_reporting_verbs_holds_only_reporting_verbs() -> None:
    """The verbs that close an attribution, and those that state something before "no", are reporting
    verbs first: one left out of ``reporting_verbs`` would never be found to close anything."""
    data = yaml.safe_load(SHIPPED)
    data["closing_verbs"] = [*data["closing_verbs"], "mumbled"]
    with pytest.raises(ConfigurationError, match=r"closing_verbs must be reporting verbs too: \['mumbled'\]"):
        read_lexicon(yaml.safe_dump(data))


def test_a_word_yaml_reads_as_true_is_refused_unless_quoted() -> None:
    """YAML 1.1 reads a bare on, off, yes or no as a truth value: the file quotes them."""
    with pytest.raises(ConfigurationError, match="locatives"):
        read_lexicon(SHIPPED.replace("locatives: [at, in, 'on',", "locatives: [at, in, on,"))


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "english.yaml"
    with pytest.raises(ConfigurationError, match=rf"{missing}: cannot read the word lists"):
        load_english(missing)


def test_the_settings_name_the_word_lists_the_classifier_reads(tmp_path: Path, no_pipeline_env: None) -> None:
    """A newsroom's own lists: a title added to the file is a title to the rules, with no code changed."""
    data = yaml.safe_load(SHIPPED)
    data["role_words"] = [*data["role_words"], "harbourmaster"]
    own = tmp_path / "english.yaml"
    own.write_text(yaml.safe_dump(data), encoding="utf-8")
    article = ("Harbourmaster Ivan Sorok inspected the quay on Monday.", "The harbourmaster said the port was closed.")
    assert speakers_of(load_classifier(Settings()), *article) == [None, None]
    assert speakers_of(load_classifier(Settings(lexicon_path=own)), *article) == [None, "Ivan Sorok"]


def test_importing_the_domain_reads_no_file() -> None:
    """The word lists are passed in as the taxonomy is; importing the rules opens nothing."""
    probe = (
        "import builtins, io, pathlib\n"
        "opened = []\n"
        "real_open, real_read = io.open, pathlib.Path.read_text\n"
        "builtins.open = lambda *a, **k: (opened.append(str(a[0])), real_open(*a, **k))[1]\n"
        "pathlib.Path.read_text = lambda self, *a, **k: (opened.append(str(self)), real_read(self, *a, **k))[1]\n"
        "import pipeline.domain.classifier, pipeline.domain.speakers, pipeline.domain.phrases\n"
        "print([p for p in opened if p.endswith('.yaml')])\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
