"""The command line: ``python -m pipeline ingest|archive|replay|worker|tail|classify|evaluate|labels|schemas``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from typer.core import TyperGroup

from pipeline.config.errors import ConfigurationError
from pipeline.config.exit_status import ExitStatus
from pipeline.config.settings import Settings, read_settings
from pipeline.console.visible import visible
from pipeline.contracts.events import LineEvent
from pipeline.formats.sources import Rejected, SourcedLine, SourceFormat, read_events, read_lines


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

PathsArg = Annotated[list[str], typer.Argument(help="article files (plain text or JSONL), or - for stdin")]
ArticleIdOpt = Annotated[
    str | None, typer.Option("--article-id", help="article id for plain text (default: the file name)")
]
FormatOpt = Annotated[str, typer.Option("--format", help="auto, text, jsonl or ninjs")]


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise typer.BadParameter(visible(f"{path}: {error.strerror}")) from error


@contextlib.contextmanager
def _refusal_ends(command: str) -> Iterator[None]:
    """A broker's refusal (credentials, TLS, permissions) ends ``command`` at once with its own status:
    waiting, or a supervisor starting it again, would not change the answer."""
    from pipeline.broker.access import BrokerRefused

    try:
        yield
    except BrokerRefused as error:
        typer.echo(visible(f"{command} refused: {error}"), err=True)
        raise typer.Exit(code=ExitStatus.BROKER_REFUSED) from error


def _one_article(article_id: str | None, paths: list[str]) -> None:
    """``--article-id`` names one article: given with several files it would run them together as one,
    their line numbers clashing, so it is refused."""
    if article_id is not None and len(paths) > 1:
        raise typer.BadParameter(
            f"names one article, and {len(paths)} files were given: one file per --article-id, or ids from"
            " the files themselves (JSONL, ninjs) or their names",
            param_hint="--article-id",
        )


def _format(value: str) -> SourceFormat:
    if value not in ("auto", "text", "jsonl", "ninjs"):
        raise typer.BadParameter(f"--format must be auto, text, jsonl or ninjs, not {value!r}")
    return value  # type: ignore[return-value]


@cli.command()
def classify(paths: PathsArg, article_id: ArticleIdOpt = None, fmt: FormatOpt = "auto") -> None:
    """Classify articles in-process (no broker) and write JSON lines to stdout."""
    _one_article(article_id, paths)
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.contracts.decoding import Failure
    from pipeline.contracts.events import ClassifiedLine
    from pipeline.domain.classifier import LineClassifier
    from pipeline.worker.cpu_budget import CpuBudget
    from pipeline.worker.offline import classify_events

    settings = read_settings()
    classifier = LineClassifier(load_taxonomy(settings.taxonomy_path))
    now = datetime.now(UTC)
    sourced, rejected = _read_all([(path, _read_bytes(path)) for path in paths], now, article_id, _format(fmt))
    lines = [line.event for line in sourced]
    refused: list[str] = []

    def refuse(line: LineEvent, failure: Failure) -> None:
        refused.append(f"{line.source}: line {line.line_no}: {failure.reason}: {failure.detail}")

    def speaker_failed(line: ClassifiedLine, error: Exception) -> None:  # the line is out, without a speaker
        typer.echo(visible(f"speaker not found, by a bug: {line.article_id} line {line.line_no}: {error!r}"), err=True)

    # One pass over all inputs, so an article split over several files keeps its memory.
    budget = CpuBudget(settings.line_budget_s)
    for event in classify_events(classifier, lines, now, refuse, budget, speaker_failed):
        sys.stdout.write(visible(event.model_dump_json()))
        sys.stdout.write("\n")
    sys.stdout.flush()
    for message in [*map(str, rejected), *refused]:
        typer.echo(visible(f"rejected {message}"), err=True)
    if rejected or refused:
        raise typer.Exit(code=ExitStatus.INPUT_REFUSED)


def _read_all(
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


@cli.command()
def ingest(
    paths: PathsArg,
    article_id: ArticleIdOpt = None,
    fmt: FormatOpt = "auto",
    rate: Annotated[
        float | None, typer.Option("--rate", help="lines per second, to replay an archive at a live pace")
    ] = None,
) -> None:
    """Publish each line of each article as one event on the lines topic; a news item in ninjs goes to
    the items topic whole, and the worker publishes the lines it has not published before."""
    _one_article(article_id, paths)
    from pipeline.broker.ingest import publish_items, publish_lines
    from pipeline.broker.pacing import at_rate
    from pipeline.broker.waiting import BrokerUnreachable
    from pipeline.console.logs import configure_logging
    from pipeline.contracts.events import ItemVersion
    from pipeline.formats.sources import in_reading_order, is_ninjs_source, read_items, screen

    settings = read_settings()
    configure_logging(settings.log_level, settings.log_format)
    now = datetime.now(UTC)
    chosen = _format(fmt)
    items: list[ItemVersion] = []
    rejected: list[Rejected] = []
    line_sources: list[tuple[str, bytes]] = []
    for path in paths:
        data = _read_bytes(path)
        if is_ninjs_source(path, data, chosen):
            for found in read_items(path, data, now, article_id=article_id):
                if isinstance(found, Rejected):
                    rejected.append(found)
                else:
                    items.append(found)
        else:
            line_sources.append((path, data))
    sourced, unreadable = _read_all(line_sources, now, article_id, chosen)
    events, refused = screen(sourced, settings.max_text_bytes)
    rejected = in_reading_order([*rejected, *unreadable, *refused], paths)
    for item in rejected:
        typer.echo(visible(f"rejected {item}"), err=True)
    try:
        published = 0
        with _refusal_ends("ingest"):
            if events or not items:
                published = asyncio.run(publish_lines(settings, events, at_rate(len(events), rate) if rate else None))
            sent_items = asyncio.run(publish_items(settings, items)) if items else 0
    except BrokerUnreachable as error:
        typer.echo(visible(f"ingest failed: {error}"), err=True)
        raise typer.Exit(code=ExitStatus.BROKER_UNREACHABLE) from error
    summary = f"published {published} line(s) to {settings.topic_lines}"
    if items:
        summary += f" and {sent_items} news item(s) to {settings.topic_items}"
    typer.echo(f"{summary}; rejected {len(rejected)}", err=True)
    if rejected:
        raise typer.Exit(code=ExitStatus.INPUT_REFUSED)


archive_cli = typer.Typer(no_args_is_help=True, help="Record a topic's line events to a JSONL archive.")
cli.add_typer(archive_cli, name="archive")


def _moment(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(
            f"{option} takes an ISO 8601 time such as 2026-03-01T12:00:00Z, not {value!r}"
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@archive_cli.command("record")
def archive_record(
    output: Annotated[str, typer.Option("--output", "-o", help="archive file to write, or - for stdout")] = "-",
    topic: Annotated[str | None, typer.Option("--topic", help="topic to copy (default: the lines topic)")] = None,
    since: Annotated[str | None, typer.Option("--since", help="first record time, ISO 8601 (UTC if no zone)")] = None,
    until: Annotated[str | None, typer.Option("--until", help="last record time, ISO 8601 (UTC if no zone)")] = None,
    from_offset: Annotated[int | None, typer.Option("--from-offset", min=0, help="first offset, per partition")] = None,
    to_offset: Annotated[
        int | None, typer.Option("--to-offset", min=0, help="offset to stop before, per partition")
    ] = None,
    partition: Annotated[int | None, typer.Option("--partition", min=0, help="only this partition")] = None,
    article: Annotated[str | None, typer.Option("--article", help="only this article's lines")] = None,
) -> None:
    """Copy the line events of a topic, as it stands now, to a JSONL archive that `replay` publishes again.
    Records that are not line events are left out and counted (they are on the dead-letter topic)."""
    from pipeline.broker.archives import ArchiveError, Bounds, record_archive
    from pipeline.console.progress import progress

    settings = read_settings()
    bounds = Bounds(_moment(since, "--since"), _moment(until, "--until"), from_offset, to_offset, partition, article)
    chosen = topic or settings.topic_lines
    with contextlib.ExitStack() as stack:
        out = sys.stdout if output == "-" else stack.enter_context(Path(output).open("w", encoding="utf-8"))
        meter = stack.enter_context(progress(f"recording {chosen}"))
        try:
            summary = asyncio.run(record_archive(settings, chosen, out, bounds, meter.total_known, meter.advanced))
        except ArchiveError as error:
            typer.echo(visible(f"archive failed: {error}"), err=True)
            raise typer.Exit(code=ExitStatus.FAILED) from error
    for problem in summary.not_lines[:20]:
        typer.echo(visible(f"left out {chosen}:{problem}"), err=True)
    typer.echo(
        f"recorded {summary.written} line(s) of {len(summary.articles)} article(s) from {chosen}"
        f" to {output}; left out {len(summary.not_lines)} record(s) that are not line events",
        err=True,
    )


@cli.command()
def replay(
    archives: Annotated[list[str], typer.Argument(help="JSONL archives (or plain-text articles), or - for stdin")],
    speed: Annotated[
        float | None, typer.Option("--speed", min=0.001, help="the archive's own pace times this (1: as it happened)")
    ] = None,
    rate: Annotated[float | None, typer.Option("--rate", min=0.001, help="a fixed number of lines per second")] = None,
    topic_prefix: Annotated[
        str | None, typer.Option("--topic-prefix", help="publish to PREFIX + each topic: production never sees it")
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="classify in-process instead of publishing")] = False,
    expect: Annotated[
        Path | None, typer.Option("--expect", help="golden file of alerts to compare the run's alerts with")
    ] = None,
    write_golden: Annotated[
        bool, typer.Option("--write-golden", help="write the --expect file from this run instead of comparing")
    ] = False,
    with_lines: Annotated[
        bool, typer.Option("--lines", help="compare (or write) classified lines' speakers and topics too")
    ] = False,
    wait: Annotated[
        float, typer.Option("--wait", min=1, help="live: how long to wait for the workers' output, in seconds")
    ] = 120.0,
) -> None:
    """Publish archives again, as fast as possible or at a pace, or run them through the rules in-process
    and compare what they raise with a golden file. The same archive always gives the same event ids."""
    from pipeline.broker.pacing import at_rate, at_speed, in_time_order
    from pipeline.formats.sources import in_reading_order, screen

    if speed is not None and rate is not None:
        raise typer.BadParameter("--speed and --rate are two ways to pace a replay: give one")
    if offline and (speed is not None or rate is not None or topic_prefix is not None):
        raise typer.BadParameter("--offline runs at once, in-process: --speed, --rate and --topic-prefix are for live")
    if write_golden and expect is None:
        raise typer.BadParameter("--write-golden writes the file given by --expect")
    settings = read_settings(topic_prefix=topic_prefix) if topic_prefix else read_settings()
    now = datetime.now(UTC)
    per_archive: list[list[LineEvent]] = []
    rejected: list[Rejected] = []
    for path in archives:
        sourced, refused = _read_all([(path, _read_bytes(path))], now, None, "auto")
        kept, screened = screen(sourced, settings.max_text_bytes)
        per_archive.append(kept)
        rejected += in_reading_order([*refused, *screened], [path])
    for item in rejected:
        typer.echo(visible(f"rejected {item}"), err=True)
    lines = in_time_order(per_archive)
    if offline:
        events = _classified_offline(settings, lines, now)
    else:
        due = at_speed(lines, speed) if speed else at_rate(len(lines), rate) if rate else None
        _publish_replay(settings, lines, due, len(archives))
        if expect is None:
            raise typer.Exit(code=ExitStatus.INPUT_REFUSED if rejected else ExitStatus.OK)
        events = _collected(settings, lines, wait)
    if expect is None:
        from pipeline.evaluation.golden import golden_text, records_of

        sys.stdout.write(golden_text(records_of(events, with_lines)))
        raise typer.Exit(code=ExitStatus.INPUT_REFUSED if rejected else ExitStatus.OK)
    status = _against_golden(events, expect, write_golden, with_lines)
    raise typer.Exit(code=status or (ExitStatus.INPUT_REFUSED if rejected else ExitStatus.OK))


def _classified_offline(settings: Settings, lines: list[LineEvent], now: datetime) -> list[BaseModel]:
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.contracts.decoding import Failure
    from pipeline.domain.classifier import LineClassifier
    from pipeline.worker.cpu_budget import CpuBudget
    from pipeline.worker.offline import classify_events

    classifier = LineClassifier(load_taxonomy(settings.taxonomy_path))

    def refuse(line: LineEvent, failure: Failure) -> None:  # as the worker would dead-letter it: said, not dropped
        typer.echo(visible(f"refused {line.source}: line {line.line_no}: {failure.reason}: {failure.detail}"), err=True)

    return list(classify_events(classifier, lines, now, refuse, CpuBudget(settings.line_budget_s)))


def _publish_replay(settings: Settings, lines: list[LineEvent], due: list[float] | None, archives: int) -> None:
    import time

    from pipeline.broker.ingest import publish_lines
    from pipeline.broker.waiting import BrokerUnreachable
    from pipeline.console.logs import configure_logging
    from pipeline.console.progress import progress

    configure_logging(settings.log_level, settings.log_format)
    began = time.monotonic()
    with progress(f"replaying to {settings.topic_lines}", total=len(lines)) as meter:
        try:
            with _refusal_ends("replay"):
                published = asyncio.run(publish_lines(settings, lines, due, meter.advanced))
        except BrokerUnreachable as error:
            typer.echo(visible(f"replay failed: {error}"), err=True)
            raise typer.Exit(code=ExitStatus.BROKER_UNREACHABLE) from error
    took = time.monotonic() - began
    typer.echo(
        f"replayed {published} line(s) of {len({line.article_id for line in lines})} article(s) from"
        f" {archives} archive(s) to {settings.topic_lines} in {took:.1f} s ({published / max(took, 1e-9):.0f} lines/s)",
        err=True,
    )


def _collected(settings: Settings, lines: list[LineEvent], wait: float) -> list[BaseModel]:
    from pipeline.broker.archives import collect_run

    run = asyncio.run(collect_run(settings, lines, wait))
    if run.waiting_for:
        typer.echo(
            f"{len(run.waiting_for)} line(s) were not classified within {wait:.0f} s: is a worker running on"
            f" {settings.topic_lines} (NEWS_TOPIC_PREFIX set as --topic-prefix)?",
            err=True,
        )
        raise typer.Exit(code=ExitStatus.NOT_ALL_CLASSIFIED)
    return run.events


def _against_golden(events: list[BaseModel], expect: Path, write: bool, with_lines: bool) -> ExitStatus:
    from pipeline.evaluation.golden import GoldenError, differences, read_golden, records_of, summary, write_golden

    actual = records_of(events, with_lines)
    if write:
        write_golden(expect, actual)
        typer.echo(f"wrote {expect}: {len(actual)} record(s)", err=True)
        return ExitStatus.OK
    try:
        expected = read_golden(expect, with_lines)
    except OSError as error:
        raise typer.BadParameter(visible(f"{expect}: {error.strerror}")) from error
    except GoldenError as error:
        raise typer.BadParameter(visible(str(error))) from error
    diff = differences(expected, actual, str(expect))
    if not diff:
        typer.echo(f"same as {expect}: {len(actual)} record(s)", err=True)
        return ExitStatus.OK
    for line in diff:
        typer.echo(visible(line))
    typer.echo(f"differs from {expect}: {summary(expected, actual)}", err=True)
    return ExitStatus.RESULTS_DIFFER


@cli.command()
def reprocess(
    since: Annotated[
        str | None, typer.Option("--since", help="reclassify from this time, ISO 8601 (default: the earliest line)")
    ] = None,
    topic_prefix: Annotated[
        str | None, typer.Option("--topic-prefix", help="the pipeline under this prefix (see NEWS_TOPIC_PREFIX)")
    ] = None,
    execute: Annotated[bool, typer.Option("--execute", help="make the change; without it, only show it")] = False,
) -> None:
    """Set the stopped workers back so that, when started, they classify the lines topic again with the
    current rules: their consumer group to the earliest line (or --since), every table emptied (alert
    ledgers too, so changed rules fire again). Like kafka-consumer-groups, it shows the plan unless --execute."""
    from pipeline.broker.reprocess import ReprocessError, reset_for_reprocessing

    settings = read_settings(topic_prefix=topic_prefix) if topic_prefix else read_settings()
    try:
        plan = asyncio.run(reset_for_reprocessing(settings, _moment(since, "--since"), execute))
    except ReprocessError as error:
        typer.echo(visible(f"reprocess refused: {error}"), err=True)
        raise typer.Exit(code=ExitStatus.FAILED) from error
    for line in plan.describe():
        typer.echo(line)
    if execute:
        typer.echo("done: start the workers to reclassify", err=True)
    else:
        typer.echo("nothing changed: run again with --execute to make this change", err=True)


@cli.command()
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
    with _refusal_ends("serve"):
        run_server(settings)


@cli.command()
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
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError), _refusal_ends("webhooks"):
        asyncio.run(run_webhooks(settings, subscribers))


@cli.command()
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
        from pipeline.config.taxonomy_file import load_taxonomy
        from pipeline.console.logs import configure_logging
        from pipeline.worker.supervisor import StallCheck, worker_command
        from pipeline.worker.supervisor import supervise as run_supervised

        settings = read_settings()
        # Each worker started checks the taxonomy again (it may have changed since), and ends with
        # CONFIGURATION_INVALID, which is not started again; checked here first, the command ends at
        # once, with no worker started at all.
        load_taxonomy(settings.taxonomy_path)
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
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.console.logs import configure_logging
    from pipeline.domain.classifier import LineClassifier

    settings = read_settings()
    configure_logging(settings.log_level, settings.log_format)
    classifier = LineClassifier(load_taxonomy(settings.taxonomy_path))
    # The app makes sure of its topics as it starts (PipelineApp.on_first_start); doing it here first
    # ends a worker the broker refuses with the refusal's own status before Faust starts, so that its
    # supervisor does not start it again. A broker still starting is waited for, as Faust itself would.
    with _refusal_ends("worker"):
        asyncio.run(ensure_topics_waiting(settings, [rule.kind for rule in classifier.taxonomy.alerts]))
    app = build_app(settings, classifier)
    sys.argv = ["pipeline", "worker", "--loglevel", loglevel]
    if settings.web_enabled:
        sys.argv += ["--web-port", str(settings.web_port)]
    else:
        sys.argv.append("--without-web")
    app.main()


@cli.command()
def tail(
    kinds: Annotated[list[str] | None, typer.Option("--kind", help="only alerts of this kind (repeatable)")] = None,
    speakers: Annotated[
        list[str] | None,
        typer.Option("--speaker", help="only alerts whose speaker is this person, e.g. Guterres (repeatable)"),
    ] = None,
    articles: Annotated[
        list[str] | None, typer.Option("--article", help="only alerts of this article id (repeatable)")
    ] = None,
    pretty: Annotated[bool, typer.Option("--pretty", help="a readable line per alert instead of JSON")] = False,
    from_beginning: Annotated[bool, typer.Option("--from-beginning", help="start at the oldest alert")] = False,
    max_alerts: Annotated[int | None, typer.Option("--max", help="stop after this many alerts")] = None,
    idle_timeout: Annotated[
        float | None, typer.Option("--idle-timeout", help="stop after this many seconds without an alert")
    ] = None,
    first_wait: Annotated[
        float | None, typer.Option("--first-wait", help="wait this long for the first alert (default: --idle-timeout)")
    ] = None,
) -> None:
    """Follow the alerts topic and print each alert as it arrives, each once."""
    from pipeline.broker.tail import follow_alerts
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.console.logs import configure_logging
    from pipeline.contracts.alert_filter import AlertFilter, unknown_kinds

    settings = read_settings()
    if kinds and (
        unknown := unknown_kinds(kinds, (rule.kind for rule in load_taxonomy(settings.taxonomy_path).alerts))
    ):
        raise typer.BadParameter(unknown, param_hint="--kind")
    configure_logging(settings.log_level, settings.log_format)
    with contextlib.suppress(KeyboardInterrupt), _refusal_ends("tail"):
        wanted = AlertFilter.of(kinds or (), speakers or (), articles or ())
        asyncio.run(follow_alerts(settings, wanted, pretty, from_beginning, max_alerts, idle_timeout, first_wait))


@cli.command()
def evaluate(
    gold: Annotated[
        Path, typer.Argument(help="labelled lines (JSONL with article_id, line_no, text, speaker, topics)")
    ],
    alerts: Annotated[Path, typer.Argument(help="expected alerts (JSONL with article_id, kind, speaker, lines)")],
    predictions: Annotated[
        Path | None, typer.Argument(help="classify output to score; default: classify the gold lines now")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print only the figures, as one JSON object")] = False,
    show_errors: Annotated[int, typer.Option("--errors", help="how many mistakes to list")] = 200,
) -> None:
    """Score classifier output against labels: speaker accuracy, topic F1, alert precision and recall."""
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.domain.classifier import LineClassifier
    from pipeline.evaluation.scoring import ScoringError, read_jsonl
    from pipeline.evaluation.scoring import evaluate as score
    from pipeline.worker.offline import classify_events

    taxonomy = load_taxonomy(read_settings().taxonomy_path)
    try:
        gold_lines, expected = read_jsonl(gold), read_jsonl(alerts)
        if predictions is not None:
            predicted = read_jsonl(predictions)
        else:
            classifier = LineClassifier(taxonomy)
            now = datetime.now(UTC)
            events = [
                e for e in read_events(str(gold), gold.read_bytes(), now, fmt="jsonl") if isinstance(e, LineEvent)
            ]
            predicted = [json.loads(event.model_dump_json()) for event in classify_events(classifier, events, now)]
    except ConfigurationError:
        raise  # a ValueError too, but no wrong argument: the settings or the taxonomy, said as such
    except (OSError, ValueError) as error:
        raise typer.BadParameter(visible(str(error))) from error
    try:
        report = score(gold_lines, expected, predicted, taxonomy)
    except ScoringError as error:
        raise typer.BadParameter(visible(str(error))) from error
    figures = report.figures()
    if not as_json:
        for line in report.errors[:show_errors]:
            typer.echo(line)
        typer.echo(f"{'topic':<18}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
        for topic, counts in figures["per_topic"].items():
            typer.echo(
                f"{topic:<18}{counts['precision']:>10.3f}{counts['recall']:>8.3f}"
                f"{counts['tp']:>5}{counts['fp']:>5}{counts['fn']:>5}"
            )
    typer.echo(json.dumps(figures))


@cli.command()
def labels(
    source: Annotated[Path, typer.Argument(help="a labels file of whole articles (see evaluation/real)")],
    check: Annotated[bool, typer.Option("--check", help="fail if the JSONL files beside it are out of date")] = False,
) -> None:
    """Write each split's gold lines and expected alerts beside a labels file (or check they are current)."""
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.evaluation.labelled_articles import LabelCodes, LabelsError, build, stale

    codes = LabelCodes.of(load_taxonomy(read_settings().taxonomy_path))
    try:
        if check:
            out_of_date = stale(source, source.parent, codes)
            if out_of_date:
                typer.echo(f"out of date: {', '.join(out_of_date)}; run `python -m pipeline labels {source}`", err=True)
                raise typer.Exit(code=ExitStatus.RESULTS_DIFFER)
            typer.echo("labelled files are current", err=True)
            return
        for path in build(source, source.parent, codes):
            typer.echo(f"wrote {path}", err=True)
    except (OSError, LabelsError) as error:
        raise typer.BadParameter(visible(str(error))) from error


@cli.command()
def schemas(
    check: Annotated[bool, typer.Option("--check", help="fail if schemas/ differs from the models")] = False,
    directory: Annotated[Path, typer.Option("--dir", help="where the schemas live")] = Path("schemas"),
) -> None:
    """Write the JSON Schema of every event into schemas/ (or check that it is current)."""
    from pipeline.contracts.schema_files import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(directory)
        if stale:
            typer.echo(f"out of date: {', '.join(stale)}; run `python -m pipeline schemas`", err=True)
            raise typer.Exit(code=ExitStatus.RESULTS_DIFFER)
        typer.echo("schemas are current", err=True)
        return
    for path in write_schemas(directory):
        typer.echo(f"wrote {path}", err=True)


def main() -> None:
    cli()
