"""The commands that read and write Kafka's topics: ingest, archive record, replay, reprocess, tail."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from pipeline.commands.common import (
    ArticleIdOpt,
    FormatOpt,
    PathsArg,
    one_article,
    read_all,
    read_bytes,
    refusal_ends,
    source_format,
)
from pipeline.config.exit_status import ExitStatus
from pipeline.config.settings import Settings, read_settings
from pipeline.console.visible import visible
from pipeline.contracts.events import LineEvent
from pipeline.formats.sources import Rejected


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
    one_article(article_id, paths)
    from pipeline.broker.ingest import publish_items, publish_lines
    from pipeline.broker.pacing import at_rate
    from pipeline.broker.waiting import BrokerUnreachable
    from pipeline.console.logs import configure_logging
    from pipeline.contracts.events import ItemVersion
    from pipeline.formats.sources import in_reading_order, is_ninjs_source, read_items, screen

    settings = read_settings()
    configure_logging(settings.log_level, settings.log_format)
    now = datetime.now(UTC)
    chosen = source_format(fmt)
    items: list[ItemVersion] = []
    rejected: list[Rejected] = []
    line_sources: list[tuple[str, bytes]] = []
    for path in paths:
        data = read_bytes(path)
        if is_ninjs_source(path, data, chosen):
            for found in read_items(path, data, now, article_id=article_id):
                if isinstance(found, Rejected):
                    rejected.append(found)
                else:
                    items.append(found)
        else:
            line_sources.append((path, data))
    sourced, unreadable = read_all(line_sources, now, article_id, chosen)
    events, refused = screen(sourced, settings.max_text_bytes)
    rejected = in_reading_order([*rejected, *unreadable, *refused], paths)
    for item in rejected:
        typer.echo(visible(f"rejected {item}"), err=True)
    try:
        published = 0
        with refusal_ends("ingest"):
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


archive_cli = typer.Typer(name="archive", no_args_is_help=True, help="Record a topic's line events to a JSONL archive.")


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
        sourced, refused = read_all([(path, read_bytes(path))], now, None, "auto")
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
    from pipeline.config.lexicon_file import load_classifier
    from pipeline.contracts.decoding import Failure
    from pipeline.worker.cpu_budget import CpuBudget
    from pipeline.worker.offline import classify_events

    classifier = load_classifier(settings)

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
            with refusal_ends("replay"):
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
    with contextlib.suppress(KeyboardInterrupt), refusal_ends("tail"):
        wanted = AlertFilter.of(kinds or (), speakers or (), articles or ())
        asyncio.run(follow_alerts(settings, wanted, pretty, from_beginning, max_alerts, idle_timeout, first_wait))
