"""The classified lines of the recent articles, kept so that an alert on the live page opens on its
article as the pipeline saw it: each line with its speaker and topics. The memory it takes is
bounded three ways (articles, lines an article, lines in all), since a live blog may run for days."""

from __future__ import annotations

from collections import OrderedDict

from pipeline.contracts.events import ClassifiedLine

LINES_AN_ARTICLE = 5_000
"""as many as a news item may split into over HTTP by default (NEWS_HTTP_MAX_ITEM_LINES)"""
LINES_IN_ALL = 200_000


class ArticleLines:
    """The lines of the ``articles`` most recently written to, each article's latest ``lines_each``
    lines, and no more than ``lines_in_all`` lines together: past a bound the least recent go first
    (the article written to longest ago; within an article, the line that came first)."""

    def __init__(self, articles: int, lines_each: int = LINES_AN_ARTICLE, lines_in_all: int = LINES_IN_ALL) -> None:
        self._articles = articles
        self._lines_each = lines_each
        self._lines_in_all = lines_in_all
        self._lines: OrderedDict[str, OrderedDict[int, ClassifiedLine]] = OrderedDict()
        self._dropped: dict[str, int] = {}
        self._count = 0

    def __len__(self) -> int:
        """How many lines are kept, all articles together."""
        return self._count

    def add(self, line: ClassifiedLine) -> None:
        """Keep ``line``; a line already kept under its number (read again after a restart) is replaced."""
        lines = self._lines.setdefault(line.article_id, OrderedDict())
        self._lines.move_to_end(line.article_id)
        if line.line_no not in lines:
            self._count += 1
        lines[line.line_no] = line
        if len(lines) > self._lines_each:
            lines.popitem(last=False)
            self._count -= 1
            self._dropped[line.article_id] = self._dropped.get(line.article_id, 0) + 1
        while len(self._lines) > self._articles or self._count > self._lines_in_all:
            forgotten, its_lines = self._lines.popitem(last=False)
            self._count -= len(its_lines)
            self._dropped.pop(forgotten, None)

    def lines_of(self, article_id: str) -> list[ClassifiedLine] | None:
        """The article's lines kept, in the article's order; None for an article not kept."""
        lines = self._lines.get(article_id)
        return None if lines is None else sorted(lines.values(), key=lambda line: line.line_no)

    def dropped_from(self, article_id: str) -> int:
        """How many of the article's lines were let go to keep it within ``lines_each``."""
        return self._dropped.get(article_id, 0)
