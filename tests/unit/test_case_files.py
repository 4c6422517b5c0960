"""Rule case files as a newsroom edits them: ``python -m pipeline cases`` names each failing case by
its file and line, says what was expected and what the classifier gave, counts known misses apart and
fails when a case fails or a known miss passes; a file with mistakes is refused with each mistake at
its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import cli
from pipeline.config.exit_status import ExitStatus
from pipeline.domain.classifier import LineClassifier
from pipeline.evaluation.cases import CasesError, check, load_cases
from tests.conftest import REPO

HOLDS = """\
# a comment, as the case files start with one
- why: a named subject of said is the speaker
  cases:
    - line: Sergei Lavrov said Moscow was ready.
      speaker: Sergei Lavrov
"""

FAILS = """\
- why: a wrong speaker and a topic the line lacks
  cases:
    - line: Sergei Lavrov said Moscow was ready.
      speaker: Antonio Guterres
      topics: [diplomacy]
"""

STILL_MISSED = """\
- why: a known miss
  cases:
    - line: Fighting continued overnight in the east.
      speaker: Anna Lind
      known_miss: nobody speaks in it
"""

MENDED = """\
- why: a known miss put right
  cases:
    - line: Fighting continued overnight in the east.
      speaker: null
      known_miss: nobody speaks in it, and the classifier says so now
"""


def write(directory: Path, *texts: str) -> Path:
    path = directory / "cases.yaml"
    path.write_text("\n".join(texts), encoding="utf-8")
    return path


def cases_command(path: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["cases", str(path)])
    return result.exit_code, result.stdout.splitlines()


def test_a_failing_case_is_named_by_its_file_and_line_and_fails_the_command(tmp_path: Path) -> None:
    path = write(tmp_path, HOLDS, FAILS, STILL_MISSED)
    assert cases_command(path) == (
        ExitStatus.RESULTS_DIFFER,
        [
            f"{path}:9: speaker expected 'Antonio Guterres', got 'Sergei Lavrov'",
            f"{path}:9: topics expected [diplomacy], got []",
            "3 cases, 1 failed, 1 known misses",
        ],
    )


def test_a_known_miss_does_not_fail_the_command_until_it_passes(tmp_path: Path) -> None:
    assert cases_command(write(tmp_path, HOLDS, STILL_MISSED)) == (ExitStatus.OK, ["2 cases, 0 failed, 1 known misses"])
    path = write(tmp_path, HOLDS, MENDED)
    assert cases_command(path) == (
        ExitStatus.RESULTS_DIFFER,
        [
            f"{path}:9: passes, though marked as a known miss: take out its known_miss",
            "2 cases, 0 failed, 0 known misses, 1 known misses now passing",
        ],
    )


def test_the_command_reads_every_case_file_of_a_folder(tmp_path: Path) -> None:
    write(tmp_path, HOLDS)
    (tmp_path / "more.yaml").write_text(STILL_MISSED, encoding="utf-8")
    (tmp_path / "notes.txt").write_text(FAILS, encoding="utf-8")
    assert cases_command(tmp_path) == (ExitStatus.OK, ["2 cases, 0 failed, 1 known misses"])


def test_the_repositorys_cases_all_hold_but_their_known_misses() -> None:
    folder = REPO / "evaluation" / "cases"
    cases = load_cases(folder)
    known_misses = sum(1 for case in cases if case.case.known_miss)
    assert cases_command(folder) == (ExitStatus.OK, [f"{len(cases)} cases, 0 failed, {known_misses} known misses"])


def test_earlier_lines_are_read_first_and_what_they_expect_is_checked(
    classifier: LineClassifier, tmp_path: Path
) -> None:
    article = """\
- why: everything a line can expect, wrong on purpose
  cases:
    - before:
        - Sergei Lavrov met Antonio Guterres in Moscow.
        - line: Lavrov said the talks went well.
          speaker: Antonio Guterres
          topics_include: [humanitarian_aid]
      line: He said Moscow wanted a pause in the fighting.
      speaker_kind: organisation
      speaker_not: Sergei Lavrov
      topics_exclude: [peace_talks]
      alerts: [{kind: corridor_proposal, speaker: Sergei Lavrov}]
      alerts_exclude: [war_crimes]
"""
    [case] = load_cases(write(tmp_path, article))
    assert (case.line_no, case.why) == (3, "everything a line can expect, wrong on purpose")
    assert check(case.case, classifier) == [
        "earlier line 2: speaker expected 'Antonio Guterres', got 'Sergei Lavrov'",
        "earlier line 2: topics expected to include 'humanitarian_aid', got [diplomacy]",
        "speaker kind expected 'organisation', got 'person'",
        "speaker expected to be other than 'Sergei Lavrov', got 'Sergei Lavrov'",
        "topics expected without 'peace_talks', got [peace_talks]",
        "alerts expected [corridor_proposal from 'Sergei Lavrov'], got []",
    ]


def test_a_topic_or_an_alert_the_taxonomy_lacks_fails_the_case(classifier: LineClassifier, tmp_path: Path) -> None:
    """A misspelt name would otherwise be checked against nothing, and an exclusion of it always hold."""
    [case] = load_cases(
        write(tmp_path, "- why: misspelt\n  cases:\n    - line: A line.\n      topics_exclude: [war_crime]\n")
    )
    assert check(case.case, classifier) == [
        "no topic is called 'war_crime' (the taxonomy has "
        "[corridors, diplomacy, humanitarian_aid, military, peace_talks, war_crimes])"
    ]


def test_each_mistake_in_a_case_file_is_named_at_its_line(tmp_path: Path) -> None:
    mistakes = """\
- why: mistakes a person makes
  cases:
    - line: Sergei Lavrov said Moscow was ready.
      speakr: Sergei Lavrov
    - line: 2024
      speaker: Sergei Lavrov
    - line: A line that expects nothing.
    - line: A line.
      speaker: Anna Lind
      speaker: Sergei Lavrov
    - line: A line.
      topics: corridors
      alerts: [{kind: war_crimes, who: Anna Lind}]
- why: a group with no cases
"""
    path = write(tmp_path, mistakes)
    expected = [
        f"{path}:4: speakr is not a field here (evaluation/cases/README.md lists them)",
        f"{path}:5: line: should be text (in quotes if YAML reads it as a number, a date, true or false)",
        f"{path}:7: the case expects nothing: give it a speaker, topics or alerts",
        f"{path}:10: speaker is given twice",
        f"{path}:12: topics: should be a list, like [corridors, military] ([] for none)",
        f"{path}:13: who is not a field here (evaluation/cases/README.md lists them)",
        f"{path}:14: cases: Field required",
    ]
    with pytest.raises(CasesError) as refused:
        load_cases(path)
    assert str(refused.value).splitlines() == expected
    result = CliRunner().invoke(cli, ["cases", str(path)])
    assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (ExitStatus.USAGE, expected, "")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- why: [unclosed\n", ":2: not valid YAML: expected ',' or ']', but got '<stream end>'"),
        ("why: not a list\n", ":1: a case file is a list of groups, each with why: and cases:"),
        ("# nothing but a comment\n", ":1: a case file is a list of groups, each with why: and cases:"),
    ],
)
def test_a_file_that_is_no_list_of_cases_is_refused_at_its_line(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CasesError) as refused:
        load_cases(path)
    assert str(refused.value) == f"{path}{problem}"


def test_a_missing_file_and_an_empty_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CasesError) as absent:
        load_cases(tmp_path / "absent.yaml")
    assert str(absent.value) == f"{tmp_path / 'absent.yaml'}: cannot read: No such file or directory"
    with pytest.raises(CasesError) as empty:
        load_cases(tmp_path)
    assert str(empty.value) == f"{tmp_path}: no case files (*.yaml) in the folder"
