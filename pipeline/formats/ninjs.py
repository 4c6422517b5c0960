"""News items in IPTC ninjs (News in JSON), split into the lines the pipeline classifies.

Both generations are read: ninjs 2.x (``headlines`` and ``bodies``, each a list of
``{"role", "contenttype", "value"}``) and 1.x (``headline``, ``body_text``, ``body_html``).
An HTML body is split at paragraphs, line breaks, headings, list items and table rows; a
plain-text body at its line breaks. HTML is read by libxml2's HTML parser (through lxml), whose
time grows in step with the input: the standard library's parser takes time that grows with the
square of some inputs (CVE-2025-6069), minutes for a megabyte of unclosed tags.
A quotation is never split: a paragraph that opens a quotation without closing it (the
way wire copy quotes over several paragraphs) is joined to the paragraphs after it until
the quotation closes, so its attribution stays with it.
The headline is kept with the item but is not a line: it restates the story's news, and
an alert on it would repeat the one the body raises.
"""

from __future__ import annotations

import re
from datetime import datetime

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["NinjsError", "read_item"]

_BLOCKS = frozenset(
    {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote", "pre", "section", "article"}
)
_SKIPPED = frozenset({"script", "style", "figcaption", "figure", "aside", "nav"})
_SPACES = re.compile(r"\s+")
_SURROGATES = re.compile("[\ud800-\udfff]")


class NinjsError(ValueError):
    """Not a news item this pipeline can read: which field, and why."""


class _Text(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str | None = None
    contenttype: str | None = None
    value: str


class NewsItem(BaseModel):
    """The fields of a ninjs item the pipeline reads; the others are allowed and ignored."""

    model_config = ConfigDict(extra="ignore")

    uri: str = Field(min_length=1)
    version: str | int | None = None
    versioncreated: datetime | None = None
    headline: str | None = None
    headlines: list[_Text] | None = None
    body_text: str | None = None
    body_html: str | None = None
    bodies: list[_Text] | None = None

    def main_headline(self) -> str | None:
        if self.headline:
            return self.headline
        for text in self.headlines or []:
            if text.role in (None, "main") and text.value.strip():
                return text.value.strip()
        return None

    def body(self) -> tuple[str, bool] | None:
        """The richest body there is, and whether it is HTML."""
        for text in self.bodies or []:
            kind = (text.contenttype or "").lower()
            if "html" in kind and text.value.strip():
                return text.value, True
        if self.body_html and self.body_html.strip():
            return self.body_html, True
        for text in self.bodies or []:
            if "html" not in (text.contenttype or "").lower() and text.value.strip():
                return text.value, False
        if self.body_text and self.body_text.strip():
            return self.body_text, False
        return None


def is_ninjs(record: object) -> bool:
    return isinstance(record, dict) and "uri" in record and bool({"bodies", "body_text", "body_html"} & set(record))


def read_item(record: object) -> NewsItem:
    try:
        item = NewsItem.model_validate(record)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in error.errors())
        raise NinjsError(problems) from error
    if item.body() is None:
        raise NinjsError("no body: a text item needs bodies, body_html or body_text")
    return item


class _Paragraphs:
    """The parser's target: it is handed tags and text as they are read, and no tree is built."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def start(self, tag: str, attrs: object) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._end_paragraph()

    def end(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._end_paragraph()

    def data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(data)

    def comment(self, text: str) -> None:
        pass

    def close(self) -> list[str]:
        self._end_paragraph()
        return self.paragraphs

    def _end_paragraph(self) -> None:
        text = _SPACES.sub(" ", "".join(self._current)).strip()
        if text:
            self.paragraphs.append(text)
        self._current = []


def _html_paragraphs(html: str) -> list[str]:
    # JSON may carry lone surrogates, which no encoding can hold; HTML reads an unreadable
    # character as U+FFFD, and so does this.
    readable = _SURROGATES.sub("\ufffd", html)
    parser = etree.HTMLParser(target=_Paragraphs(), no_network=True, remove_pis=True)
    parser.feed(readable)
    paragraphs: list[str] = parser.close()
    return paragraphs


def _left_open(paragraph: str) -> bool:
    """Whether the paragraph opens a quotation it does not close."""
    return paragraph.count("“") > paragraph.count("”") or paragraph.count('"') % 2 == 1


_SENTENCE_ENDS = (".", "?", "!", "…", ":", ".”", "?”", "!”", '."', '?"', '!"')


def _closes(paragraph: str) -> bool:
    """Whether the paragraph, read inside a quotation, closes it."""
    return "”" in paragraph or paragraph.count('"') % 2 == 1


def _quotations_whole(paragraphs: list[str]) -> list[str]:
    """Paragraphs as lines, a quotation over several paragraphs joined into one. Wire style opens
    each paragraph of such a quotation again and closes only the last; a paragraph that does not
    open with a quotation mark ends a quotation left open, unless it closes it or the break fell
    inside a sentence (a hard-wrapped quotation)."""
    lines: list[str] = []
    quotation: list[str] = []
    for paragraph in paragraphs:
        if quotation and paragraph.startswith(("“", '"')):  # the quotation goes on, opened again
            quotation.append(paragraph)
            if not _left_open(paragraph):
                lines.append(" ".join(quotation))
                quotation = []
            continue
        if quotation and (_closes(paragraph) or not quotation[-1].endswith(_SENTENCE_ENDS)):
            quotation.append(paragraph)  # a break inside a sentence of the quotation, or its end
            if _closes(paragraph):
                lines.append(" ".join(quotation))
                quotation = []
            continue
        if quotation:
            lines.append(" ".join(quotation))
            quotation = []
        if _left_open(paragraph):
            quotation = [paragraph]
        else:
            lines.append(paragraph)
    if quotation:
        lines.append(" ".join(quotation))
    return lines


def item_lines(item: NewsItem) -> list[str]:
    body = item.body()
    if body is None:
        return []
    text, is_html = body
    if is_html:
        paragraphs = _html_paragraphs(text)
    else:
        paragraphs = [_SPACES.sub(" ", chunk).strip() for chunk in text.splitlines()]
        paragraphs = [p for p in paragraphs if p]
    return _quotations_whole(paragraphs)
