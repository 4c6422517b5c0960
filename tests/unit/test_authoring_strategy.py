"""The speaker strategy of docs/authoring.md's worked example holds as written: its function, put in a
copy of the strategies where the page says ("It goes after ..."), reads each line of the page's table as the table says,
and the shipped strategies read each as its "before" column says."""

from __future__ import annotations

import re

import pytest

from pipeline.domain import phrases
from pipeline.domain.classifier import LineClassifier
from pipeline.domain.speakers import strategies
from pipeline.domain.speakers.context import LineContext
from pipeline.domain.speakers.resolution import resolve_phrase
from pipeline.domain.speakers.speaker import Speaker
from tests.conftest import REPO
from tests.markdown import fenced_blocks, read, section
from tests.unit.helpers import speakers_of

AUTHORING = REPO / "docs" / "authoring.md"
EXAMPLE = '### A worked example: "per the governor"'
ROW = re.compile(r"^\| (?P<line>[^|]+?)(?: \(after \"(?P<before>[^\"]+)\"\))? \| (?P<was>[^|]+) \| (?P<now>[^|]+) \|$")


def example() -> str:
    return section(read(AUTHORING), EXAMPLE)


def rows() -> list[tuple[tuple[str, ...], str, str | None, str | None]]:
    found = []
    for match in map(ROW.match, example().splitlines()):
        if match is None or match["line"] in {"line", "---"}:
            continue
        lines = (*([match["before"]] if match["before"] else []), match["line"])
        found.append((lines, *(None if who == "nobody" else who for who in (match["was"], match["now"]))))
    return found


def the_strategy() -> strategies.Strategy:
    [code] = [block.text for block in fenced_blocks(example()) if block.language == "python"]
    namespace = {
        "re": re,
        "phrases": phrases,
        "resolve_phrase": resolve_phrase,
        "LineContext": LineContext,
        "Speaker": Speaker,
    }
    exec(compile(code, str(AUTHORING), "exec"), namespace)
    found = namespace["per_source"]
    assert callable(found)
    return found  # type: ignore[no-any-return]


def with_strategy_after(name: str, added: strategies.Strategy) -> dict[str, strategies.Strategy]:
    ordered: dict[str, strategies.Strategy] = {}
    for existing, strategy in strategies.STRATEGIES.items():
        ordered[existing] = strategy
        if existing == name:
            ordered["per_source"] = added
    assert "per_source" in ordered, f"no strategy {name!r} to put the example after"
    return ordered


def test_the_page_has_a_table_of_lines() -> None:
    assert len(rows()) >= 4


@pytest.mark.parametrize(("lines", "was", "now"), rows())
def test_the_shipped_strategies_read_each_line_as_before_says(
    classifier: LineClassifier, lines: tuple[str, ...], was: str | None, now: str | None
) -> None:
    assert speakers_of(classifier, *lines)[-1] == was


@pytest.mark.parametrize(("lines", "was", "now"), rows())
def test_with_the_example_strategy_each_line_reads_as_the_page_says(
    classifier: LineClassifier,
    monkeypatch: pytest.MonkeyPatch,
    lines: tuple[str, ...],
    was: str | None,
    now: str | None,
) -> None:
    [place] = re.findall(r"^It goes after `(\w+)`", example(), flags=re.MULTILINE)
    monkeypatch.setattr(strategies, "STRATEGIES", with_strategy_after(place, the_strategy()))
    assert speakers_of(classifier, *lines)[-1] == now
