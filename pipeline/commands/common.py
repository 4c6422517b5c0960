"""What the commands share: their common arguments, reading input files, and how a broker's refusal ends a command."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from pipeline.config.exit_status import ExitStatus
from pipeline.console.visible import visible
from pipeline.formats.sources import Rejected, SourcedLine, SourceFormat, read_lines

PathsArg = Annotated[list[str], typer.Argument(help="article files (plain text or JSONL), or - for stdin")]
ArticleIdOpt = Annotated[
    str | None, typer.Option("--article-id", help="article id for plain text (default: the file name)")
]
FormatOpt = Annotated[str, typer.Option("--format", help="auto, text, jsonl or ninjs")]


def read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise typer.BadParameter(visible(f"{path}: {error.strerror}")) from error


@contextlib.contextmanager
def refusal_ends(command: str) -> Iterator[None]:
    """A broker's refusal (credentials, TLS, permissions) ends ``command`` at once with its own status:
    waiting, or a supervisor starting it again, would not change the answer."""
    from pipeline.broker.access import BrokerRefused

    try:
        yield
    except BrokerRefused as error:
        typer.echo(visible(f"{command} refused: {error}"), err=True)
        raise typer.Exit(code=ExitStatus.BROKER_REFUSED) from error


def one_article(article_id: str | None, paths: list[str]) -> None:
    """``--article-id`` names one article: given with several files it would run them together as one,
    their line numbers clashing, so it is refused."""
    if article_id is not None and len(paths) > 1:
        raise typer.BadParameter(
            f"names one article, and {len(paths)} files were given: one file per --article-id, or ids from"
            " the files themselves (JSONL, ninjs) or their names",
            param_hint="--article-id",
        )


def source_format(value: str) -> SourceFormat:
    if value not in ("auto", "text", "jsonl", "ninjs"):
        raise typer.BadParameter(f"--format must be auto, text, jsonl or ninjs, not {value!r}")
    return value  # type: ignore[return-value]


def read_all(
    sources: list[tuple[str, bytes]], now: datetime, article_id: str | None, fmt: SourceFormat
) -> tuple[list[SourcedLine], list[Rejected]]:
    """The lines of each (path, its bytes): stdin can be read only once, so it is read before."""
    from pipeline.contracts.events import ItemVersion
    from pipeline.formats.sources import is_ninjs_source, read_items
    from pipeline.worker.offline import ItemSplitter

    events: list[SourcedLine] = []
    rejected: list[Rejected] = []
    splitter = ItemSplitter()  # versions of one item in files of their own are versions still
    for path, data in sources:
        if is_ninjs_source(path, data, fmt):  # in-process, split as the worker splits news items
            items: list[ItemVersion] = []
            for found in read_items(path, data, now, article_id=article_id):
                if isinstance(found, Rejected):
                    rejected.append(found)
                else:
                    items.append(found)
            events += [SourcedLine(line, path, 1) for _, line in splitter.lines(items)]
            continue
        for item in read_lines(path, data, now, article_id=article_id, fmt=fmt):
            if isinstance(item, Rejected):
                rejected.append(item)
            else:
                events.append(item)
    return events, rejected
