"""The command line: ``python -m pipeline ingest|worker|tail|classify|evaluate|labels|schemas``."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from pipeline.events import LineEvent
from pipeline.settings import Settings
from pipeline.sources import Rejected, SourcedLine, SourceFormat, read_events, read_lines

cli = typer.Typer(add_completion=False, no_args_is_help=True, help="An event-driven news pipeline on Kafka.")

PathsArg = Annotated[list[str], typer.Argument(help="article files (plain text or JSONL), or - for stdin")]
ArticleIdOpt = Annotated[
    str | None, typer.Option("--article-id", help="article id for plain text (default: the file name)")
]
FormatOpt = Annotated[str, typer.Option("--format", help="auto, text or jsonl")]


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise typer.BadParameter(f"{path}: {error.strerror}") from error


def _format(value: str) -> SourceFormat:
    if value not in ("auto", "text", "jsonl"):
        raise typer.BadParameter(f"--format must be auto, text or jsonl, not {value!r}")
    return value  # type: ignore[return-value]


@cli.command()
def classify(paths: PathsArg, article_id: ArticleIdOpt = None, fmt: FormatOpt = "auto") -> None:
    """Classify articles in-process (no broker) and write JSON lines to stdout."""
    from pipeline.decoding import Failure
    from pipeline.domain.classifier import LineClassifier
    from pipeline.offline import classify_events
    from pipeline.taxonomy_file import load_taxonomy

    settings = Settings()
    classifier = LineClassifier(load_taxonomy(settings.taxonomy_path))
    now = datetime.now(UTC)
    sourced, rejected = _read_all(paths, now, article_id, _format(fmt))
    lines = [line.event for line in sourced]
    refused: list[str] = []

    def refuse(line: LineEvent, failure: Failure) -> None:
        refused.append(f"{line.source}: line {line.line_no}: {failure.reason}: {failure.detail}")

    # One pass over all inputs, so an article split over several files keeps its memory.
    for event in classify_events(classifier, lines, now, refuse):
        sys.stdout.write(event.model_dump_json())
        sys.stdout.write("\n")
    sys.stdout.flush()
    for message in [*map(str, rejected), *refused]:
        typer.echo(f"rejected {message}", err=True)
    if rejected or refused:
        raise typer.Exit(code=1)


def _read_all(
    paths: list[str], now: datetime, article_id: str | None, fmt: SourceFormat
) -> tuple[list[SourcedLine], list[Rejected]]:
    events: list[SourcedLine] = []
    rejected: list[Rejected] = []
    for path in paths:
        for item in read_lines(path, _read_bytes(path), now, article_id=article_id, fmt=fmt):
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
    """Publish each line of each article as one event on the lines topic."""
    from pipeline.ingest import IngestError, publish_lines
    from pipeline.logs import configure_logging
    from pipeline.sources import screen

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    now = datetime.now(UTC)
    sourced, rejected = _read_all(paths, now, article_id, _format(fmt))
    events, refused = screen(sourced, settings.max_text_bytes)
    rejected += refused
    for item in rejected:
        typer.echo(f"rejected {item}", err=True)
    try:
        published = asyncio.run(publish_lines(settings, events, rate))
    except IngestError as error:
        typer.echo(f"ingest failed: {error}", err=True)
        raise typer.Exit(code=3) from error
    typer.echo(f"published {published} line(s) to {settings.topic_lines}; rejected {len(rejected)}", err=True)
    if rejected:
        raise typer.Exit(code=1)


@cli.command()
def worker(
    loglevel: Annotated[str, typer.Option("--loglevel", "-l", help="Faust's log level")] = "warn",
    supervise: Annotated[
        bool, typer.Option("--supervise/--no-supervise", help="restart the worker when it crashes or stalls")
    ] = True,
) -> None:
    """Run the Faust worker with the classify and alert agents (as `faust -A pipeline.app worker` does),
    under a supervisor that restarts it if it dies or stalls."""
    if supervise:
        from pipeline.kafka_options import aiokafka_options
        from pipeline.logs import configure_logging
        from pipeline.supervisor import StallCheck, worker_command
        from pipeline.supervisor import supervise as run_supervised

        settings = Settings()
        configure_logging(settings.log_level, settings.log_format)
        stall = StallCheck(
            aiokafka_options(settings),
            settings.app_id,
            [settings.topic_lines, settings.topic_classified],
            settings.stall_after_s,
        )
        raise typer.Exit(code=run_supervised(worker_command(loglevel), stall))
    from pipeline.app import build_app
    from pipeline.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    app = build_app(settings)
    sys.argv = ["pipeline", "worker", "--loglevel", loglevel]
    if settings.web_enabled:
        sys.argv += ["--web-port", str(settings.web_port)]
    else:
        sys.argv.append("--without-web")
    app.main()


@cli.command()
def tail(
    kind: Annotated[str | None, typer.Option("--kind", help="only alerts of this kind")] = None,
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
    """Follow the alerts topic and print each alert as it arrives."""
    from pipeline.logs import configure_logging
    from pipeline.tail import follow_alerts

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(follow_alerts(settings, kind, pretty, from_beginning, max_alerts, idle_timeout, first_wait))


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
    import json

    from pipeline.domain.classifier import LineClassifier
    from pipeline.evaluation import evaluate as score
    from pipeline.evaluation import read_jsonl
    from pipeline.offline import classify_events
    from pipeline.taxonomy_file import load_taxonomy

    try:
        gold_lines, expected = read_jsonl(gold), read_jsonl(alerts)
        if predictions is not None:
            predicted = read_jsonl(predictions)
        else:
            classifier = LineClassifier(load_taxonomy(Settings().taxonomy_path))
            now = datetime.now(UTC)
            events = [
                e for e in read_events(str(gold), gold.read_bytes(), now, fmt="jsonl") if isinstance(e, LineEvent)
            ]
            predicted = [json.loads(event.model_dump_json()) for event in classify_events(classifier, events, now)]
    except (OSError, ValueError) as error:
        raise typer.BadParameter(str(error)) from error
    report = score(gold_lines, expected, predicted)
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
    from pipeline.labelled_articles import LabelsError, build, stale

    try:
        if check:
            out_of_date = stale(source, source.parent)
            if out_of_date:
                typer.echo(f"out of date: {', '.join(out_of_date)}; run `python -m pipeline labels {source}`", err=True)
                raise typer.Exit(code=1)
            typer.echo("labelled files are current", err=True)
            return
        for path in build(source, source.parent):
            typer.echo(f"wrote {path}", err=True)
    except (OSError, LabelsError) as error:
        raise typer.BadParameter(str(error)) from error


@cli.command()
def schemas(
    check: Annotated[bool, typer.Option("--check", help="fail if schemas/ differs from the models")] = False,
    directory: Annotated[Path, typer.Option("--dir", help="where the schemas live")] = Path("schemas"),
) -> None:
    """Write the JSON Schema of every event into schemas/ (or check that it is current)."""
    from pipeline.schema_files import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(directory)
        if stale:
            typer.echo(f"out of date: {', '.join(stale)}; run `python -m pipeline schemas`", err=True)
            raise typer.Exit(code=1)
        typer.echo("schemas are current", err=True)
        return
    for path in write_schemas(directory):
        typer.echo(f"wrote {path}", err=True)


def main() -> None:
    cli()
