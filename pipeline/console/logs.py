"""Structured logging, configured once at each entry point.

JSON lines when stderr is not a terminal (workers under a supervisor, CI), every field for a
service to read; on a terminal, one short line a record for a person (``log_lines``). Records
about an event carry its ids through bound context variables, so every line can be traced.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog

from pipeline.console.chatter import LibraryChatter
from pipeline.console.log_lines import human_line
from pipeline.console.visible import visible

__all__ = ["configure_logging"]

_MULTILINE = frozenset({"exception", "stack"})
"""fields that are tracebacks: their lines stay lines"""


def _shown_safely(_: object, __: str, event_dict: structlog.typing.EventDict) -> structlog.typing.EventDict:
    """On a terminal a record is printed as it is, and a dead letter's detail or an error may quote input:
    nothing in it may act on the terminal. (JSON lines escape all of it already.)"""
    for key, value in event_dict.items():
        if isinstance(value, str):
            lines = value.split("\n") if key in _MULTILINE else [value]
            event_dict[key] = "\n".join(visible(line) for line in lines)
    return event_dict


def configure_logging(level: str = "INFO", fmt: Literal["auto", "json", "console"] = "auto") -> None:
    use_console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    renderer: structlog.typing.Processor = human_line if use_console else structlog.processors.JSONRenderer()
    escaping: list[structlog.typing.Processor] = [_shown_safely] if use_console else []
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, *escaping, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    # Faust, mode, aiokafka and uvicorn log through the standard library: send them the same way. Their
    # exceptions become text before the escaping too; left to the renderer, a message would reach the terminal raw.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                *escaping,
                renderer,
            ],
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        )
    )
    handler.addFilter(LibraryChatter(debug=level == "DEBUG"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
