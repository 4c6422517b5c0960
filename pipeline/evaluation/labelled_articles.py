"""Labelled articles in a form people can read and edit, turned into the scorer's JSONL files.

A labels file holds whole articles, each under a header naming its split and its
source; each line of copy carries its speaker, topics and the alerts allowed on
it (see ``evaluation/real/articles.labels`` for the format). The scorer wants
one file of labelled lines and one of expected alerts per split; this module
writes them, so the two can never disagree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.domain.taxonomy import Taxonomy

__all__ = ["LabelCodes", "LabelsError", "build", "stale"]

SPLITS = ("tune", "holdout")


@dataclass(frozen=True)
class LabelCodes:
    """What a labels file calls each topic and alert kind: the codes the taxonomy gives them, so a
    topic or kind added there is labelled by its own code, with nothing else to edit."""

    topics: dict[str, str]
    alerts: dict[str, str]

    @classmethod
    def of(cls, taxonomy: Taxonomy) -> LabelCodes:
        return cls(taxonomy.topic_codes(), taxonomy.alert_codes())


class LabelsError(ValueError):
    pass


@dataclass
class Article:
    article_id: str
    split: str
    source: str
    publisher: str
    date: str
    conflict: str
    lines: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)


def parse_labels(text: str, codes: LabelCodes, origin: str = "labels") -> list[Article]:
    articles: list[Article] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        where = f"{origin}:{number}"
        line = raw.strip()
        if not line or line.startswith("# "):
            continue
        if line.startswith("## "):
            articles.append(_header(line[3:], where))
            continue
        if not articles:
            raise LabelsError(f"{where}: a labelled line before any article header")
        _add_line(articles[-1], line, codes, where)
    ids = [a.article_id for a in articles]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise LabelsError(f"{origin}: article ids repeat: {repeated}")
    return articles


def _header(text: str, where: str) -> Article:
    fields = [f.strip() for f in text.split(" | ")]
    if len(fields) != 6:
        raise LabelsError(f"{where}: a header is 'id | split | source | publisher | date | conflict'")
    article_id, split, source, publisher, date, conflict = fields
    if split not in SPLITS:
        raise LabelsError(f"{where}: split must be one of {SPLITS}, not {split!r}")
    return Article(article_id, split, source, publisher, date, conflict)


def _add_line(article: Article, line: str, codes: LabelCodes, where: str) -> None:
    parts = [p.strip() for p in line.split(" || ")]
    if len(parts) != 4:
        raise LabelsError(f"{where}: a labelled line is 'text || speaker || topics || alerts'")
    text, speaker, topics, alerts = parts
    line_no = len(article.lines) + 1
    record: dict[str, Any] = {"article_id": article.article_id, "line_no": line_no, "text": text}
    record["speaker"] = None if speaker in {"-", "?"} else speaker
    record["topics"] = _topics(topics, codes, where)
    allowed = [] if alerts == "-" else [a.strip() for a in alerts.split(",")]
    record["alert_ok"] = []
    for token in allowed:
        code, _, named = token.partition("=")
        extends = code.endswith("+")
        kind = codes.alerts.get(code.removesuffix("+"))
        if kind is None:
            raise LabelsError(f"{where}: unknown alert {token!r}; the taxonomy's codes are {sorted(codes.alerts)}")
        record["alert_ok"].append(kind)
        who = named.strip() or record["speaker"]
        if who is not None:  # on an open line, an alert nobody is named for is allowed, not expected
            _expect(article, kind, who, line_no, extends)
    if speaker == "?":
        record["speaker_skip"] = True
    article.lines.append(record)


def _topics(labelled: str, codes: LabelCodes, where: str) -> list[str]:
    if labelled == "-":
        return []
    topics = []
    for code in labelled.split(","):
        topic = codes.topics.get(code.strip())
        if topic is None:
            raise LabelsError(f"{where}: unknown topic {code!r}; the taxonomy's codes are {sorted(codes.topics)}")
        topics.append(topic)
    return topics


def _expect(article: Article, kind: str, speaker: str, line_no: int, extends: bool) -> None:
    for alert in article.alerts:
        if alert["kind"] == kind and alert["speaker"] == speaker:
            if extends:
                alert["lines"].append(line_no)
            return
    article.alerts.append({"article_id": article.article_id, "kind": kind, "speaker": speaker, "lines": [line_no]})


def split_files(articles: list[Article]) -> dict[str, str]:
    """File name -> content: each split's gold lines and expected alerts, and the sources of all."""
    files: dict[str, str] = {}
    for split in SPLITS:
        chosen = [a for a in articles if a.split == split]
        files[f"{split}.gold.jsonl"] = _jsonl(line for a in chosen for line in a.lines)
        files[f"{split}.alerts.jsonl"] = _jsonl(alert for a in chosen for alert in a.alerts)
    files["sources.jsonl"] = _jsonl(
        {
            "article_id": a.article_id,
            "split": a.split,
            "source": a.source,
            "publisher": a.publisher,
            "date": a.date,
            "conflict": a.conflict,
            "lines": len(a.lines),
        }
        for a in articles
    )
    return files


def _jsonl(records: Any) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


HASHES = "holdout.sha256"


def held_out_hash(article: Article) -> str:
    return hashlib.sha256("\n".join(line["text"] for line in article.lines).encode("utf-8")).hexdigest()


def recorded_hashes(directory: Path) -> dict[str, str]:
    path = directory / HASHES
    if not path.exists():
        return {}
    pairs = (line.split("  ", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {article_id: digest for digest, article_id in pairs}


def build(labels: Path, directory: Path, codes: LabelCodes) -> list[Path]:
    """Write the split files; a held-out article is hashed the first time it is built, and a held-out
    article whose text has changed since is refused."""
    articles = parse_labels(labels.read_text(encoding="utf-8"), codes, str(labels))
    recorded = recorded_hashes(directory)
    new = []
    for article in (a for a in articles if a.split == "holdout"):
        digest = held_out_hash(article)
        if article.article_id not in recorded:
            new.append(f"{digest}  {article.article_id}\n")
        elif recorded[article.article_id] != digest:
            raise LabelsError(f"{labels}: held-out article {article.article_id!r} changed after it was recorded")
    written = []
    for name, content in split_files(articles).items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    if new:
        with (directory / HASHES).open("a", encoding="utf-8") as hashes:
            hashes.writelines(new)
        written.append(directory / HASHES)
    return written


def stale(labels: Path, directory: Path, codes: LabelCodes) -> list[str]:
    files = split_files(parse_labels(labels.read_text(encoding="utf-8"), codes, str(labels)))
    return [
        name
        for name, content in files.items()
        if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != content
    ]
