"""The commands that need no broker: classify, evaluate, cases, labels, schemas."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from pipeline.commands.common import (
    ArticleIdOpt,
    FormatOpt,
    PathsArg,
    one_article,
    read_all,
    read_bytes,
    source_format,
)
from pipeline.config.errors import ConfigurationError
from pipeline.config.exit_status import ExitStatus
from pipeline.config.settings import read_settings
from pipeline.console.visible import visible
from pipeline.contracts.events import LineEvent
from pipeline.formats.sources import read_events


def classify(paths: PathsArg, article_id: ArticleIdOpt = None, fmt: FormatOpt = "auto") -> None:
    """Classify articles in-process (no broker) and write JSON lines to stdout."""
    one_article(article_id, paths)
    from pipeline.config.lexicon_file import load_classifier
    from pipeline.contracts.decoding import Failure
    from pipeline.contracts.events import ClassifiedLine
    from pipeline.worker.cpu_budget import CpuBudget
    from pipeline.worker.offline import classify_events

    settings = read_settings()
    classifier = load_classifier(settings)
    now = datetime.now(UTC)
    sourced, rejected = read_all([(path, read_bytes(path)) for path in paths], now, article_id, source_format(fmt))
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
    from pipeline.config.lexicon_file import load_english
    from pipeline.config.taxonomy_file import load_taxonomy
    from pipeline.domain.classifier import LineClassifier
    from pipeline.evaluation.scoring import ScoringError, read_jsonl
    from pipeline.evaluation.scoring import evaluate as score
    from pipeline.worker.offline import classify_events

    settings = read_settings()
    taxonomy = load_taxonomy(settings.taxonomy_path)
    try:
        gold_lines, expected = read_jsonl(gold), read_jsonl(alerts)
        if predictions is not None:
            predicted = read_jsonl(predictions)
        else:
            classifier = LineClassifier(taxonomy, load_english(settings.lexicon_path))
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


def cases(
    path: Annotated[
        Path,
        typer.Argument(
            help="a case file or a folder of them (see evaluation/cases/README.md); run from the repository"
        ),
    ] = Path("evaluation/cases"),
) -> None:
    """Check the rule cases: lines of copy with the speaker, topics and alerts they must get."""
    from pipeline.config.lexicon_file import load_classifier
    from pipeline.evaluation.cases import CasesError, check, load_cases

    classifier = load_classifier(read_settings())
    try:
        found = load_cases(path)
    except CasesError as error:  # one problem a line, each with its file and line, as the failures are
        for line in str(error).splitlines():
            typer.echo(visible(line), err=True)
        raise typer.Exit(code=ExitStatus.USAGE) from error
    failed = missed = mended = 0
    for case in found:
        problems = check(case.case, classifier)
        if case.case.known_miss is None:
            failed += bool(problems)
            for problem in problems:
                typer.echo(visible(f"{case.where}: {problem}"))
        elif problems:
            missed += 1
        else:  # pytest fails it too (strict xfail): the file should say it holds now
            mended += 1
            typer.echo(visible(f"{case.where}: passes, though marked as a known miss: take out its known_miss"))
    summary = f"{len(found)} cases, {failed} failed, {missed} known misses"
    typer.echo(summary + (f", {mended} known misses now passing" if mended else ""))
    if failed or mended:
        raise typer.Exit(code=ExitStatus.RESULTS_DIFFER)


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
