"""Reading the English word lists (YAML) into the ``English`` the speaker rules read, with errors a
person can act on; and the classifier built from a taxonomy and word lists, as every command needs it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pipeline.config.errors import ConfigurationError
from pipeline.config.settings import Settings
from pipeline.config.taxonomy_file import load_taxonomy
from pipeline.config.yaml_files import validated_yaml
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.lexicon import English, EnglishLexicon

__all__ = ["load_classifier", "load_english"]


class LexiconError(ConfigurationError):
    """The word lists cannot be used; the message names the file and the list."""


def default_lexicon_path() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "english.yaml"))


def read_lexicon(text: str, origin: str = "english.yaml") -> EnglishLexicon:
    """The word lists in ``text`` (the contents of ``origin``), validated."""
    return validated_yaml(EnglishLexicon, text, origin, LexiconError, "word lists")


def load_english(path: Path | None = None) -> English:
    path = path or default_lexicon_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise LexiconError(f"{path}: cannot read the word lists: {error.strerror}") from error
    return English.of(read_lexicon(text, str(path)))


def load_classifier(settings: Settings) -> LineClassifier:
    """The classifier with the taxonomy and the word lists the settings name (the bundled ones if unset)."""
    return LineClassifier(load_taxonomy(settings.taxonomy_path), load_english(settings.lexicon_path))
