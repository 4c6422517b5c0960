"""Reading a taxonomy file (YAML) into a validated Taxonomy, with errors a person can act on."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from pipeline.config.errors import ConfigurationError, validation_problems, where_yaml_fails
from pipeline.domain.taxonomy import Taxonomy


class TaxonomyError(ConfigurationError):
    """The taxonomy file cannot be used; the message names the file and the field."""


def default_taxonomy_path() -> Path:
    return Path(str(resources.files("pipeline") / "data" / "taxonomy.yaml"))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    path = path or default_taxonomy_path()
    try:
        # libyaml's loader when PyYAML has it: the pure-Python one took half a second of every start.
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as error:
        raise TaxonomyError(f"{path}: cannot read the taxonomy file: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise TaxonomyError(f"{path}: not valid YAML: {where_yaml_fails(error)}") from error
    try:
        return Taxonomy.model_validate(raw)
    except ValidationError as error:
        raise TaxonomyError(f"{path}: invalid taxonomy: {validation_problems(error)}") from error
