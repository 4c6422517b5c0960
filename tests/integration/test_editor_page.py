"""The editor's page in headless Chromium against the real broker and worker: alerts that outlive a
restart of `serve`, filters carried by a link, and a row opened on its article.

Screenshots are kept as artefacts, under the directory ``NEWS_TEST_ARTEFACTS`` names when it is set,
otherwise under each test's pytest ``tmp_path`` (pytest keeps the last three runs' there); every test
prints where it wrote them."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.config.settings import Settings
from tests.integration.conftest import HttpServer, WorkerProcess, serving
from tests.integration.kafka_helpers import read_until, run
from tests.integration.test_http import LINES, READ_TOKEN, browser_page, post

pytestmark = pytest.mark.integration

CORRIDOR_LINES = [
    {"line_no": 1, "text": "Turkish President Recep Tayyip Erdogan spoke to reporters in Ankara on Monday."},
    {"line_no": 2, "text": "He proposed a humanitarian corridor to evacuate civilians from the besieged port."},
]
HOSTILE_LINE = {"line_no": 3, "text": "<img src=x onerror=\"document.title='owned'\"> & <b>not bold</b>"}


@pytest.fixture
def artefacts(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    chosen = os.environ.get("NEWS_TEST_ARTEFACTS")
    folder = Path(chosen) / request.node.name if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


@pytest.fixture
def guarded_env(http_server: HttpServer) -> dict[str, str]:
    return {**http_server.env, "NEWS_HTTP_READ_TOKEN": READ_TOKEN}


def log_in(page: Any, server: HttpServer, address: str) -> None:
    """``page`` at ``address`` of ``server``, through its login page."""
    page.goto(f"{server.url}{address}")
    page.wait_for_url("**/login?next=*")
    page.fill("#token", READ_TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}{address}")


def logged_in(page: Any, server: HttpServer, address: str) -> None:
    """``page`` at ``address`` of ``server``, through its login page, with its stream open."""
    log_in(page, server, address)
    page.wait_for_selector("#status:text('live')")


def alerts_of(settings: Settings, articles: set[str], count: int) -> list[dict[str, Any]]:
    """The first ``count`` alerts of ``articles`` on the alerts topic, once the worker has raised them."""
    found = run(
        read_until(
            settings,
            settings.topic_alerts,
            done=lambda found: len(found) >= count,
            where=lambda alert: alert["article_id"] in articles,
            timeout=90,
        )
    )
    assert len(found) >= count, f"the worker raised {found}"
    return found


def test_after_serve_restarts_the_page_shows_the_alerts_published_before_with_date_and_zone(
    http_server: HttpServer,
    worker: WorkerProcess,
    pipeline_settings: Settings,
    guarded_env: dict[str, str],
    artefacts: Path,
    tmp_path: Path,
) -> None:
    article = f"restart-{uuid.uuid4().hex[:6]}"
    with serving(guarded_env, tmp_path / "before.log") as before, browser_page() as page:
        logged_in(page, before, f"/alerts?article={article}")
        assert post(http_server, article, {"lines": LINES}).status_code == 202
        page.wait_for_selector("#alerts tr")
        page.screenshot(path=artefacts / "before-restart.png", full_page=True)
    (published,) = alerts_of(pipeline_settings, {article}, 1)
    # A zone with a half-hour offset, so that a time shown in UTC or in the machine's zone is seen.
    with (
        serving(guarded_env, tmp_path / "after.log") as after,
        browser_page(locale="en-GB", timezone_id="Asia/Kolkata") as page,
    ):
        logged_in(page, after, f"/alerts?article={article}")
        row = page.wait_for_selector("#alerts tr")
        assert row is not None and row.get_attribute("data-event-id") == published["event_id"]
        page.screenshot(path=artefacts / "after-restart.png", full_page=True)
        time = page.locator("#alerts tr time")
        assert time.get_attribute("title") == published["raised_at"]
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} (IST|GMT\+5:30)", time.inner_text())
        # ICU names the zone by its older canonical id.
        assert page.locator("#time-heading").inner_text() in ("time (Asia/Kolkata)", "time (Asia/Calcutta)")
        assert page.locator("#alerts tr").count() == 1


@pytest.fixture
def two_articles(http_server: HttpServer, worker: WorkerProcess, pipeline_settings: Settings) -> Iterator[list[str]]:
    """Two articles of their own, one raising a critical war-crimes alert and one a high corridor one."""
    war, corridor = f"war-{uuid.uuid4().hex[:6]}", f"corridor-{uuid.uuid4().hex[:6]}"
    assert post(http_server, war, {"lines": LINES}).status_code == 202
    assert post(http_server, corridor, {"lines": CORRIDOR_LINES}).status_code == 202
    alerts_of(pipeline_settings, {war, corridor}, 2)
    yield [war, corridor]


def test_a_link_carrying_filters_shows_only_the_rows_it_asks_for_and_the_boxes_show_the_filters(
    guarded_env: dict[str, str], two_articles: list[str], artefacts: Path, tmp_path: Path
) -> None:
    war, corridor = two_articles
    address = f"/alerts?article={war}&article={corridor}&severity=critical&speaker=Kuleba"
    with serving(guarded_env, tmp_path / "serve.log") as server, browser_page() as page:
        logged_in(page, server, address)
        page.wait_for_selector("#alerts tr")
        page.screenshot(path=artefacts / "filtered-by-link.png", full_page=True)
        assert page.locator("#alerts tr").count() == 1
        assert page.locator("#alerts tr td").nth(4).inner_text() == f"{war} #2"
        assert page.input_value("input[name=article]") == f"{war}, {corridor}"
        assert page.input_value("input[name=speaker]") == "Kuleba"
        assert page.input_value("input[name=kind]") == ""
        checked = page.locator("input[name=severity]:checked")
        assert [checked.nth(n).get_attribute("value") for n in range(checked.count())] == ["critical"]
        # A filter changed in the page goes into the address, for the next link.
        page.uncheck("input[name=severity][value=critical]")
        page.fill("input[name=speaker]", "")
        page.press("input[name=speaker]", "Enter")
        page.wait_for_function("document.querySelectorAll('#alerts tr').length === 2")
        assert page.url == f"{server.url}/alerts?article={war}&article={corridor}"
        page.check("input[name=severity][value=high]")
        page.wait_for_function("document.querySelectorAll('#alerts tr').length === 1")
        assert page.url == f"{server.url}/alerts?article={war}&article={corridor}&severity=high"
        assert page.locator("#alerts tr td").nth(2).inner_text() == "corridor_proposal"
        page.screenshot(path=artefacts / "filter-changed-in-page.png", full_page=True)


def test_a_row_opens_its_article_as_the_pipeline_saw_it_with_the_alert_s_line_marked(
    http_server: HttpServer,
    worker: WorkerProcess,
    pipeline_settings: Settings,
    guarded_env: dict[str, str],
    artefacts: Path,
    tmp_path: Path,
) -> None:
    article = f"open-{uuid.uuid4().hex[:6]}"
    assert post(http_server, article, {"lines": [*LINES, HOSTILE_LINE]}).status_code == 202
    alerts_of(pipeline_settings, {article}, 1)
    # Started after the article went by, so the lines it shows are those it read back from the topic.
    with serving(guarded_env, tmp_path / "serve.log") as server, browser_page() as page:
        logged_in(page, server, f"/alerts?article={article}")
        page.click("#alerts tr")
        page.wait_for_selector("#article-lines tr.marked")
        page.screenshot(path=artefacts / "article-opened.png", full_page=True)
        lines = page.locator("#article-lines tr")
        assert lines.count() == 3
        rows = [[cell.inner_text() for cell in lines.nth(n).locator("td").all()] for n in range(3)]
        assert [row[0] for row in rows] == ["1", "2", "3"]
        assert rows[1][1:3] == ["Dmytro Kuleba", LINES[1]["text"]] and "war_crimes" in rows[1][3]
        marked = page.locator("#article-lines tr.marked")
        assert marked.count() == 1 and marked.get_attribute("aria-current") == "true"
        assert marked.locator("td").first.inner_text() == "2"
        # The hostile line is shown as the text it is: no element made of it, nothing run.
        assert rows[2][2] == HOSTILE_LINE["text"]
        assert page.locator("#article img, #article-lines b").count() == 0
        assert page.title() != "owned"


def test_a_link_with_a_filter_the_server_does_not_take_says_so_rather_than_asking_to_log_in_again(
    guarded_env: dict[str, str], artefacts: Path, tmp_path: Path
) -> None:
    with serving(guarded_env, tmp_path / "serve.log") as server, browser_page() as page:
        log_in(page, server, "/alerts?severity=urgent")
        page.wait_for_selector("#status:text('not valid')")
        page.screenshot(path=artefacts / "filter-not-valid.png", full_page=True)
        said = page.locator("#status").inner_text()
        assert "a filter in this address is not valid: query.severity" in said and "log in again" not in said


def test_a_stream_the_server_has_no_room_for_is_tried_again_not_sent_to_the_login(
    guarded_env: dict[str, str], artefacts: Path, tmp_path: Path
) -> None:
    env = {**guarded_env, "NEWS_HTTP_MAX_STREAMS": "1"}
    with serving(env, tmp_path / "serve.log") as server, browser_page() as first:
        logged_in(first, server, "/alerts")  # takes the one stream there is room for
        second = first.context.browser.new_page()  # a second editor
        second.set_default_timeout(60_000)
        log_in(second, server, "/alerts")
        second.wait_for_selector("#status:text('trying again')")
        second.screenshot(path=artefacts / "no-room-for-the-stream.png", full_page=True)
        said = second.locator("#status").inner_text()
        assert "did not open the stream (HTTP 503)" in said and "log in again" not in said
