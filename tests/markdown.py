"""Reading the project's Markdown as the tests of its documentation need it: fenced blocks, the
commands of shell blocks, links, and the anchors headings give."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^```([\w-]*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_CODE_SPAN = re.compile(r"`[^`\n]+`")

SHELL = ("sh", "bash", "shell", "console")


@dataclass(frozen=True)
class Block:
    language: str
    text: str


def fenced_blocks(markdown: str) -> list[Block]:
    return [Block(match.group(1), match.group(2)) for match in _FENCE.finditer(markdown)]


def section(markdown: str, heading: str) -> str:
    """The text under ``heading`` (a whole heading line, e.g. ``## A worked example``), up to the next
    heading of the same level or above; a line in a fenced block is never a heading."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = markdown.splitlines(keepends=True)
    start = None
    fenced = False
    for number, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        elif fenced:
            continue
        elif start is None and line.rstrip("\n") == heading:
            start = number + 1
        elif start is not None and re.match(rf"#{{1,{level}}} ", line):
            return "".join(lines[start:number])
    assert start is not None, f"no heading {heading!r}"
    return "".join(lines[start:])


def commands(block: Block) -> list[str]:
    """The commands of a shell block, as written: comments dropped, continued lines joined."""
    found = []
    pending = ""
    for line in block.text.splitlines():
        if pending:
            line = pending + " " + line.strip()
            pending = ""
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1].rstrip()
            continue
        words = shlex.split(line, comments=True)
        if words:
            found.append(_without_comment(line))
    assert not pending, f"a shell block ends in a continued line: {block.text!r}"
    return found


def _without_comment(line: str) -> str:
    """``line`` up to its comment: the first ``#`` after a space that no quotation holds."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].strip()
    return line.strip()


def links(markdown: str) -> list[str]:
    """The targets of the Markdown links outside code."""
    prose = _FENCE.sub("", markdown)
    prose = _CODE_SPAN.sub("", prose)
    return _LINK.findall(prose)


def code_spans(markdown: str) -> list[str]:
    """What inline code spans outside fenced blocks hold."""
    return [span[1:-1] for span in _CODE_SPAN.findall(_FENCE.sub("", markdown))]


def anchors(markdown: str) -> set[str]:
    """The anchors a renderer gives the headings: lower case, punctuation dropped, spaces as hyphens,
    a repeated one numbered."""
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6} (.+?)[ \t]*$", _FENCE.sub("", markdown), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
