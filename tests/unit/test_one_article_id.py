"""`--article-id` names one article: given with several files, ingest and classify refuse before
reading any, where they ran the files together as one article (its line numbers clashing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import cli


@pytest.mark.parametrize("command", ["ingest", "classify"])
def test_one_article_id_for_two_files_is_refused(command: str, no_pipeline_env: None, tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("The first article's line.\n")
    second.write_text("The second article's line.\n")
    result = CliRunner().invoke(cli, [command, "--article-id", "x", str(first), str(second)])
    assert result.exit_code == 2
    said = " ".join(result.output.replace("│", " ").split())  # the message as read, out of its box
    assert "--article-id" in said and "names one article, and 2 files were given" in said


def test_one_article_id_for_one_file_is_that_files_id(no_pipeline_env: None, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Guterres said the corridor must open.\n")
    result = CliRunner().invoke(cli, ["classify", "--article-id", "x", str(article)])
    assert result.exit_code == 0, result.output
    assert '"article_id":"x"' in result.output
