"""Configuration that cannot be used, said in one line: where it is, which field, what was expected.

A person fixes a setting or a data file from this line alone, so it names the file (or the
environment variable) and the field path, and says what the field takes. It never quotes the value
given: a value may be a password, or a webhook URL with a token in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import yaml
from pydantic import ValidationError

__all__ = ["ConfigurationError", "validation_problems", "where_yaml_fails"]

MOST_PROBLEMS_SHOWN = 3
"""one file with many mistakes still gives a line a person can read; fixing these shows the next"""


class ConfigurationError(ValueError):
    """A setting or a configuration file cannot be used; the message is one line naming where the
    problem is, the field and what was expected."""


def dotted(loc: Sequence[str | int]) -> str:
    """A field's path as a person reads it in the file: ``alerts.1.severity``."""
    return ".".join(str(part) for part in loc)


def validation_problems(error: ValidationError, field_name: Callable[[Sequence[str | int]], str] = dotted) -> str:
    """Each of ``error``'s problems as ``field.path: what was expected``, joined by ``; ``; a problem of
    the whole (a check across fields) has no path, since its message names the fields."""
    problems = []
    for problem in error.errors():
        cause = problem.get("ctx", {}).get("error")
        # A validator's own ValueError says it best; pydantic puts "Value error, " before it.
        expected = str(cause) if problem["type"] == "value_error" and cause is not None else problem["msg"]
        problems.append(f"{field_name(problem['loc'])}: {expected}" if problem["loc"] else expected)
    if len(problems) > MOST_PROBLEMS_SHOWN:
        problems[MOST_PROBLEMS_SHOWN:] = [f"and {len(problems) - MOST_PROBLEMS_SHOWN} more"]
    return " ".join("; ".join(problems).splitlines())


def where_yaml_fails(error: yaml.YAMLError) -> str:
    """The problem and its line, without the snippet of the file PyYAML quotes: it may hold a secret."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem or error.context} at line {mark.line + 1}, column {mark.column + 1}"
    return type(error).__name__
