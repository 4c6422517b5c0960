"""A line built to be slow does not hold up the worker: it is classified in time, the worker is
never restarted over it, and the lines after it are classified."""

from __future__ import annotations

import json
import time

import pytest

from pipeline.settings import Settings
from tests.adversarial import FAMILIES, adversarial_line
from tests.integration.conftest import WorkerProcess
from tests.integration.kafka_helpers import produce_raw, read_json, run

pytestmark = pytest.mark.integration


def line(article: str, line_no: int, text: str) -> bytes:
    return json.dumps({"article_id": article, "line_no": line_no, "text": text}).encode()


def test_64_kb_lines_built_to_be_slow_are_classified_and_the_lines_after_them_too(
    worker: WorkerProcess, pipeline_settings: Settings
) -> None:
    log_before = len(worker.log.read_bytes())
    articles = [f"slow-{index}-{time.time_ns()}" for index in range(len(FAMILIES))]
    messages = []
    for article, family in zip(articles, FAMILIES, strict=True):
        messages.append((article.encode(), line(article, 1, adversarial_line(family, 65_536))))
        messages.append((article.encode(), line(article, 2, "Antonio Guterres said the convoy had left.")))
    started = time.monotonic()
    run(produce_raw(pipeline_settings, pipeline_settings.topic_lines, messages))
    classified = run(
        read_json(
            pipeline_settings,
            pipeline_settings.topic_classified,
            until=len(messages),
            timeout=120,
            where=lambda c: c["article_id"] in articles,
        )
    )
    took = time.monotonic() - started
    outcome = {(c["article_id"], c["line_no"]) for c in classified if c["article_id"] in articles}
    # Every line classified (none slow enough even for the budget), each article's second line too.
    assert outcome == {(article, n) for article in articles for n in (1, 2)}
    seconds = {c["article_id"]: c["speaker"] for c in classified if c["line_no"] == 2}
    assert all(speaker and speaker["name"] == "Antonio Guterres" for speaker in seconds.values())
    assert worker.process.poll() is None
    log = worker.log.read_bytes()[log_before:]
    assert b"worker_exited" not in log and b"worker_stalled" not in log
    print(f"{len(FAMILIES)} lines of 64 KB and their next lines classified in {took:.1f} s")
