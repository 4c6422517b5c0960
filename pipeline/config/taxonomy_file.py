"""Reading a taxonomy file (YAML) into a validated Taxonomy, with errors a person can act on."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pipeline.config.errors import ConfigurationError
from pipeline.config.yaml_files import validated_yaml
from pipeline.domain.taxonomy import Taxonomy

__all__ = ["load_taxonomy"]


class TaxonomyError(ConfigurationError):
    """The taxonomy file cannot be used; the message names the file and the field."""


def default_taxonomy_path() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "taxonomy.yaml"))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    path = path or default_taxonomy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TaxonomyError(f"{path}: cannot read the taxonomy file: {error.strerror}") from error
    return validated_yaml(Taxonomy, text, str(path), TaxonomyError, "taxonomy")
