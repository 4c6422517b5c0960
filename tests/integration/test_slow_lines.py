"""A line built to be slow does not hold up the worker: it is classified in time, the worker is
never restarted over it, and the lines after it are classified."""

from __future__ import annotations

import json
import time

import pytest

from pipeline.config.settings import Settings
from tests.adversarial import FAMILIES, adversarial_line
from tests.integration.conftest import WorkerProcess, isolated_env, settings_for, start_worker
from tests.integration.kafka_helpers import produce_raw, read_json, read_to_end, run

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


def test_a_worker_stops_a_line_over_its_budget_and_dead_letters_it(
    kafka_broker: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The budget works inside a real worker (signals reach only the main thread, where Faust runs
    the agents): with a budget of 0.03 s, a line that takes longer is stopped and dead-lettered.
    Ordinary lines take about a millisecond and the slow one about a second here, so the test holds
    on machines many times faster or slower."""
    env = {**isolated_env(kafka_broker), "NEWS_LINE_BUDGET_S": "0.03", "NEWS_MAX_TEXT_BYTES": str(4 * 65_536)}
    settings = settings_for(env)
    process = start_worker(env, tmp_path_factory.mktemp("budget") / "worker.log")
    try:
        process.wait_ready()
        article = "over-budget"
        run(
            produce_raw(
                settings,
                settings.topic_lines,
                [
                    (article.encode(), line(article, 1, "Antonio Guterres said the convoy was ready.")),
                    (article.encode(), line(article, 2, adversarial_line("acronyms", 4 * 65_536))),
                    (article.encode(), line(article, 3, "He said the convoy had left.")),
                ],
            )
        )
        classified = run(read_json(settings, settings.topic_classified, until=2, timeout=120))
        assert [(c["line_no"], c["speaker"]["name"]) for c in classified] == [
            (1, "Antonio Guterres"),
            (3, "Antonio Guterres"),
        ]
        run(read_json(settings, settings.topic_dlq, until=1, timeout=120))
        # Both later records are in: a second letter for these lines would be there by now too.
        letters = run(read_to_end(settings, settings.topic_dlq))
        assert [(d["reason"], d["offset"]) for d in letters] == [("line_too_slow", 1)]
        assert "more than 0.03 s of processor time" in letters[0]["detail"]
        assert process.process.poll() is None
    finally:
        process.stop()
