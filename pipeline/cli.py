"""The command line: ``python -m pipeline ingest|archive|replay|worker|tail|classify|evaluate|cases|labels|schemas``."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperGroup

from pipeline.commands import broker, offline, services
from pipeline.config.errors import ConfigurationError
from pipeline.config.exit_status import ExitStatus
from pipeline.console.visible import visible

__all__ = ["main"]


class _Commands(TyperGroup):
    """Every command ends the same way on configuration that cannot be used: one line naming the file (or
    variable) and the field, and CONFIGURATION_INVALID, which a supervisor does not start again. A traceback
    would bury that line, so one follows only at NEWS_LOG_LEVEL=DEBUG, and without the validation error
    beneath it, which quotes the values given: a password, a webhook URL's token."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ConfigurationError as error:
            typer.echo(visible(f"{ctx.invoked_subcommand}: {error}"), err=True)
            if os.environ.get("NEWS_LOG_LEVEL") == "DEBUG":
                for line in "".join(traceback.format_exception(error, chain=False)).splitlines():
                    typer.echo(visible(line), err=True)
            raise typer.Exit(code=ExitStatus.CONFIGURATION_INVALID) from error


cli = typer.Typer(
    cls=_Commands, add_completion=False, no_args_is_help=True, help="An event-driven news pipeline on Kafka."
)

# In the order `--help` lists them.
COMMANDS: tuple[Callable[..., None] | typer.Typer, ...] = (
    offline.classify,
    broker.ingest,
    broker.archive_cli,
    broker.replay,
    broker.reprocess,
    services.serve,
    services.webhooks,
    services.worker,
    broker.tail,
    offline.evaluate,
    offline.cases,
    offline.labels,
    offline.schemas,
)
for command in COMMANDS:
    if isinstance(command, typer.Typer):
        cli.add_typer(command)
    else:
        cli.command()(command)


def main() -> None:
    cli()
