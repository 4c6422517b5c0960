"""The parts of the editor's page that need no broker: which alerts and lines `serve` reads back when it
starts, how many article lines it keeps, and the article endpoint's answers and who may have them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.config.settings import Settings
from pipeline.contracts.alert_filter import AlertFilter
from pipeline.contracts.events import Alert, ClassifiedLine, SpeakerRef, TopicRef
from pipeline.web.alert_feed import AlertFeed, newest
from pipeline.web.api import build_http_app
from pipeline.web.article_lines import ArticleLines
from pipeline.web.topic_history import read_back_from, read_back_to
from tests.unit.test_http_api import READ_TOKEN, TOKEN, Recorder
from tests.unit.test_tail import alert

pytestmark = pytest.mark.usefixtures("no_pipeline_env")
START = datetime(2026, 12, 7, 20, 15, tzinfo=UTC)


def test_each_partition_is_read_back_from_depth_before_its_end_or_from_its_beginning() -> None:
    beginnings = {0: 0, 1: 500, 2: 0, 3: 40}
    ends = {0: 1_000, 1: 550, 2: 0, 3: 40}
    assert read_back_from(beginnings, ends, 200) == {0: 800, 1: 500, 2: 0, 3: 40}
    assert read_back_from(beginnings, ends, 0) == ends


def test_reading_back_ends_when_every_partition_reaches_the_end_it_had_at_the_start() -> None:
    ends = {0: 10, 1: 0}
    assert not read_back_to(ends, {0: 9, 1: 0})
    assert read_back_to(ends, {0: 10, 1: 0})
    assert read_back_to(ends, {0: 12, 1: 3})  # written to since: what comes after is followed, not read back


def raised(minutes: int, line_no: int, article: str = "a") -> Alert:
    return alert("war_crimes", line_no, article).model_copy(update={"raised_at": START + timedelta(minutes=minutes)})


def test_the_history_kept_is_the_newest_by_time_across_partitions_oldest_first_each_once() -> None:
    # Partitions come interleaved: offsets order each partition, time orders them all.
    first_partition = [raised(1, 1), raised(4, 4), raised(6, 6)]
    second_partition = [raised(2, 2), raised(5, 5), raised(3, 3), raised(5, 5)]  # 5 published twice
    kept = newest(first_partition + second_partition, 3)
    assert [a.line_no for a in kept] == [4, 5, 6]
    assert newest(first_partition, 10) == first_partition
    assert newest(first_partition, 0) == []


def test_a_listener_gets_a_history_longer_than_the_queue_it_may_fall_behind_by() -> None:
    async def scenario() -> int:
        feed = AlertFeed(recent=1_500)
        for n in range(1, 1_501):
            feed.publish(alert("war_crimes", n))
        got = 0
        async for _ in feed.listen(AlertFilter()):
            got += 1
            if got == 1_500:
                break
        return got

    assert asyncio.run(scenario()) == 1_500


def test_a_filter_on_severity_wants_only_those() -> None:
    critical = alert("war_crimes", 1).model_copy(update={"severity": "critical"})
    high = alert("war_crimes", 2)
    wanted = AlertFilter.of(severities=["critical"])
    assert (wanted.wants(critical), wanted.wants(high)) == (True, False)
    assert AlertFilter.of(severities=["critical", "high"]).wants(high)


def line(article: str, line_no: int, text: str = "text") -> ClassifiedLine:
    return ClassifiedLine(
        event_id=ClassifiedLine.id_for(article, line_no),
        line_event_id=f"line-{article}-{line_no}",
        article_id=article,
        line_no=line_no,
        text=text,
        speaker=SpeakerRef(name="Dmytro Kuleba", kind="person", method="named", evidence="Dmytro Kuleba"),
        topics=(TopicRef(id="war_crimes", score=0.9, evidence=("war crime",)),),
        taxonomy_version=1,
        ingested_at=START,
        classified_at=START,
    )


def numbers(index: ArticleLines, article: str) -> list[int] | None:
    lines = index.lines_of(article)
    return None if lines is None else [kept.line_no for kept in lines]


def test_an_article_s_lines_come_in_its_order_and_a_line_read_again_replaces_the_one_kept() -> None:
    index = ArticleLines(articles=10)
    for n in (2, 1, 3):
        index.add(line("a", n))
    index.add(line("a", 2, "read again after a restart"))
    assert numbers(index, "a") == [1, 2, 3] and len(index) == 3
    assert [kept.text for kept in index.lines_of("a") or []][1] == "read again after a restart"
    assert index.lines_of("never-seen") is None


def test_past_the_articles_kept_the_one_written_to_longest_ago_goes() -> None:
    index = ArticleLines(articles=2)
    index.add(line("a", 1))
    index.add(line("b", 1))
    index.add(line("a", 2))  # "a" written to again: "b" is now the oldest
    index.add(line("c", 1))
    assert (numbers(index, "a"), numbers(index, "b"), numbers(index, "c")) == ([1, 2], None, [1])
    assert len(index) == 3


def test_an_article_keeps_its_latest_lines_and_says_how_many_went() -> None:
    index = ArticleLines(articles=10, lines_each=3)
    for n in range(1, 6):
        index.add(line("blog", n))
    assert numbers(index, "blog") == [3, 4, 5] and index.dropped_from("blog") == 2 and len(index) == 3


def test_past_the_lines_in_all_whole_articles_go_oldest_first() -> None:
    index = ArticleLines(articles=10, lines_each=5, lines_in_all=6)
    for article in ("a", "b", "c"):
        for n in (1, 2, 3):
            index.add(line(article, n))
    assert (numbers(index, "a"), numbers(index, "b"), numbers(index, "c")) == (None, [1, 2, 3], [1, 2, 3])
    assert len(index) == 6


def guarded(articles: ArticleLines) -> TestClient:
    settings = Settings(http_token=TOKEN, http_read_token=READ_TOKEN)
    return TestClient(build_http_app(settings, Recorder(), AlertFeed(), articles=articles))


def test_an_article_s_lines_are_served_in_order_to_a_reader_only() -> None:
    index = ArticleLines(articles=10)
    for n in (2, 1):
        index.add(line("cms/7", n, f"line {n}"))
    http = guarded(index)
    reader = {"Authorization": f"Bearer {READ_TOKEN}"}
    answer = http.get("/v1/articles/cms%2F7/lines", headers=reader)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    seen: dict[str, Any] = answer.json()
    assert (seen["article_id"], seen["lines_let_go"]) == ("cms/7", 0)
    assert [(kept["line_no"], kept["text"], kept["speaker"]["name"]) for kept in seen["lines"]] == [
        (1, "line 1", "Dmytro Kuleba"),
        (2, "line 2", "Dmytro Kuleba"),
    ]
    assert http.get("/v1/articles/cms%2F7/lines", headers={"Accept": "application/json"}).status_code == 401
    assert http.get("/v1/articles/cms%2F7/lines", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 403
    assert http.get("/v1/articles/other/lines", headers=reader).status_code == 404


def test_the_article_endpoint_takes_the_session_the_page_has() -> None:
    index = ArticleLines(articles=10)
    index.add(line("a", 1))
    http = guarded(index)
    assert http.post("/v1/session", headers={"Authorization": f"Bearer {READ_TOKEN}"}).status_code == 204
    assert http.get("/v1/articles/a/lines").status_code == 200


def test_posting_lines_still_needs_the_write_token_beside_the_article_endpoint() -> None:
    http = guarded(ArticleLines(articles=10))
    body = {"line_no": 1, "text": "A line."}
    assert (
        http.post("/v1/articles/a/lines", json=body, headers={"Authorization": f"Bearer {READ_TOKEN}"}).status_code
        == 403
    )
    assert http.post("/v1/articles/a/lines", json=body, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 202


def test_the_stream_refuses_a_severity_that_does_not_exist() -> None:
    http = guarded(ArticleLines(articles=10))
    answer = http.get("/v1/alerts/stream?severity=urgent", headers={"Authorization": f"Bearer {READ_TOKEN}"})
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "query.severity.0"
