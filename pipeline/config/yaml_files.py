"""A configuration file's YAML read into its model, with errors that name the file and what is wrong."""

from __future__ import annotations

from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.config.errors import ConfigurationError, validation_problems, where_yaml_fails

Model = TypeVar("Model", bound=BaseModel)


def validated_yaml(model: type[Model], text: str, origin: str, error: type[ConfigurationError], what: str) -> Model:
    """``text``, the contents of ``origin``, read as ``model``; ``error`` says where it is not YAML, or
    which fields of the ``what`` are wrong."""
    try:
        # libyaml's loader when PyYAML has it: the pure-Python one took half a second of every start.
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as problem:
        raise error(f"{origin}: not valid YAML: {where_yaml_fails(problem)}") from problem
    try:
        return model.model_validate(raw)
    except ValidationError as problem:
        raise error(f"{origin}: invalid {what}: {validation_problems(problem)}") from problem
