from __future__ import annotations

import asyncio

from pipeline.contracts.alert_filter import AlertFilter
from pipeline.web.alert_feed import AlertFeed
from tests.unit.test_tail import alert


async def take(feed: AlertFeed, wanted: AlertFilter, count: int) -> list[str]:
    got: list[str] = []
    async for item in feed.listen(wanted):
        got.append(f"{item.kind}#{item.line_no}")
        if len(got) == count:
            break
    return got


def test_a_listener_gets_the_recent_alerts_then_new_ones_each_once_and_only_those_it_wants() -> None:
    async def scenario() -> list[str]:
        feed = AlertFeed(recent=2)
        for n in (1, 2, 3):
            feed.publish(alert("war_crimes", n))
        listening = asyncio.create_task(take(feed, AlertFilter.of(kinds=["war_crimes"]), 4))
        await asyncio.sleep(0)
        feed.publish(alert("corridor_proposal", 4))
        feed.publish(alert("war_crimes", 5))
        feed.publish(alert("war_crimes", 5))  # published twice after a crash: the same id
        feed.publish(alert("war_crimes", 6))
        return await asyncio.wait_for(listening, 5)

    assert asyncio.run(scenario()) == ["war_crimes#2", "war_crimes#3", "war_crimes#5", "war_crimes#6"]


def test_a_listener_that_falls_far_behind_is_let_go_and_the_others_go_on() -> None:
    async def scenario() -> tuple[list[str], int]:
        feed = AlertFeed(recent=0)
        stalled = feed.listen(AlertFilter())
        first = asyncio.create_task(anext(stalled))
        await asyncio.sleep(0)
        for n in range(1, 1_003):
            feed.publish(alert("war_crimes", n))
        await first
        rest = [item async for item in stalled]  # ends: it was dropped
        return rest[:1], len(rest)

    head, count = asyncio.run(scenario())
    assert head == [alert("war_crimes", 2)] and count < 1_001
