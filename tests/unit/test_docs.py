"""The README and docs/ stay true to the repository: every relative link leads to a file that exists (and
to a heading it has), every file of the repository they name in code exists, and the settings table names
every setting there is, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config.settings import Settings
from tests.conftest import REPO
from tests.markdown import anchors, code_spans, links, read, section

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
NAMES = [str(path.relative_to(REPO)) for path in DOCUMENTS]

TOP_FOLDERS = ("pipeline/", "tests/", "scripts/", "docs/", "benchmarks/", "evaluation/", "schemas/", ".ci/")
"""a word in code that starts so names a file or folder of the repository"""
SHARED = "../shared/"
"""a word that starts so names a file of the shared specification beside it"""


def repository_paths(markdown: str) -> set[str]:
    found = set()
    for span in code_spans(markdown):
        for word in span.split():
            word = word.rstrip(".,;:)")
            if word.startswith((*TOP_FOLDERS, SHARED)) and not re.search(r"[<>{}*$|\[\]]", word):
                found.add(word)
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=NAMES)
def test_every_relative_link_leads_to_a_file_that_exists_and_to_a_heading_it_has(document: Path) -> None:
    broken = []
    for target in links(read(document)):
        if re.match(r"^[a-z]+:", target):
            continue  # an address on the web
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.exists() or (anchor and (linked.suffix != ".md" or anchor not in anchors(read(linked)))):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=NAMES)
def test_every_file_of_the_repository_named_in_code_exists(document: Path) -> None:
    missing = sorted(path for path in repository_paths(read(document)) if not (REPO / path).exists())
    assert missing == []


def test_the_settings_table_names_every_setting_and_nothing_else() -> None:
    table = section(read(REPO / "docs" / "operations.md"), "## Settings")
    rows = [line.split(" | ")[0] for line in table.splitlines() if line.startswith("| `NEWS_")]
    named = {name for row in rows for name in re.findall(r"`(NEWS_[A-Z_]+)`", row)}
    assert named == {f"NEWS_{field.upper()}" for field in Settings.model_fields}
