"""The commands that run the pipeline's services: the worker, the HTTP server, the webhook sink."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline.commands.common import (
    refusal_ends,
)
from pipeline.config.exit_status import ExitStatus
from pipeline.config.settings import read_settings


def serve(
    host: Annotated[str | None, typer.Option("--host", help="address to listen on (NEWS_HTTP_HOST)")] = None,
    port: Annotated[int | None, typer.Option("--port", help="port to listen on (NEWS_HTTP_PORT)")] = None,
) -> None:
    """Run the HTTP server: POST /v1/articles/{id}/lines for newsroom systems (bearer NEWS_HTTP_TOKEN),
    the live alerts page at /alerts, and its OpenAPI description at /openapi.json (readable at /docs), these
    with NEWS_HTTP_READ_TOKEN (a browser logs in at /login). Refuses to start on tokens that would not do."""
    from pipeline.console.logs import configure_logging
    from pipeline.web.access import refusal_to_serve
    from pipeline.web.server import serve as run_server

    overrides = {k: v for k, v in {"http_host": host, "http_port": port}.items() if v is not None}
    settings = read_settings(**overrides)
    refusal = refusal_to_serve(settings)
    if refusal:
        typer.echo(f"serve refused: {refusal}", err=True)
        raise typer.Exit(code=ExitStatus.CONFIGURATION_INVALID)
    configure_logging(settings.log_level, settings.log_format)
    with refusal_ends("serve"):
        run_server(settings)


def webhooks(
    config: Annotated[
        Path | None, typer.Option("--config", help="webhooks YAML file (default: NEWS_WEBHOOKS_PATH)")
    ] = None,
) -> None:
    """Post each alert, signed with HMAC-SHA256, to the webhook URLs that want it; retry with backoff, and
    record a delivery that fails for good on the dead-letter topic (reason webhook_failed)."""
    from pipeline.console.logs import configure_logging
    from pipeline.web.webhook_sink import run_webhooks
    from pipeline.web.webhooks import load_webhooks

    settings = read_settings()
    path = config or settings.webhooks_path
    if path is None:
        raise typer.BadParameter("give --config FILE or set NEWS_WEBHOOKS_PATH")
    subscribers = load_webhooks(path)
    configure_logging(settings.log_level, settings.log_format)
    # Ctrl-C, or SIGTERM (which the sink turns into a cancellation, see run_webhooks): an orderly end.
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError), refusal_ends("webhooks"):
        asyncio.run(run_webhooks(settings, subscribers))


def worker(
    loglevel: Annotated[str, typer.Option("--loglevel", "-l", help="Faust's log level")] = "warn",
    supervise: Annotated[
        bool, typer.Option("--supervise/--no-supervise", help="restart the worker when it crashes or stalls")
    ] = True,
) -> None:
    """Run the Faust worker and its agents (as `faust -A pipeline.app worker` does),
    under a supervisor that restarts it if it dies or stalls."""
    if supervise:
        from pipeline.broker.options import aiokafka_options
        from pipeline.config.lexicon_file import load_english
        from pipeline.config.taxonomy_file import load_taxonomy
        from pipeline.console.logs import configure_logging
        from pipeline.worker.supervisor import StallCheck, worker_command
        from pipeline.worker.supervisor import supervise as run_supervised

        settings = read_settings()
        # Each worker started checks the taxonomy and the word lists again (they may have changed since),
        # and ends with CONFIGURATION_INVALID, which is not started again; checked here first, the
        # command ends at once, with no worker started at all.
        load_taxonomy(settings.taxonomy_path)
        load_english(settings.lexicon_path)
        configure_logging(settings.log_level, settings.log_format)
        stall = StallCheck(
            aiokafka_options(settings),
            settings.app_id,
            [settings.topic_lines],
            settings.stall_after_s,
        )
        raise typer.Exit(code=run_supervised(worker_command(loglevel), stall))
    from pipeline.app import build_app
    from pipeline.broker.topics import ensure_topics_waiting
    from pipeline.config.lexicon_file import load_classifier
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.console.logs import configure_logging

    settings = read_settings()
    configure_logging(settings.log_level, settings.log_format)
    classifier = load_classifier(settings)
    # The app makes sure of its topics as it starts (PipelineApp.on_first_start); doing it here first
    # ends a worker the broker refuses with the refusal's own status before Faust starts, so that its
    # supervisor does not start it again. A broker still starting is waited for, as Faust itself would.
    with refusal_ends("worker"):
        asyncio.run(ensure_topics_waiting(settings, [rule.kind for rule in classifier.taxonomy.alerts]))
    app = build_app(settings, classifier)
    sys.argv = ["pipeline", "worker", "--loglevel", loglevel]
    if settings.web_enabled:
        sys.argv += ["--web-port", str(settings.web_port)]
    else:
        sys.argv.append("--without-web")
    app.main()
