"""What `tail` shows of the alerts topic."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.events import Alert
from pipeline.tail import AlertsToShow

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def alert(kind: str, line_no: int, article: str = "a") -> Alert:
    return Alert(
        event_id=Alert.id_for(article, kind, f"{kind}|{line_no}"),
        kind=kind,
        severity="high",
        article_id=article,
        line_no=line_no,
        line_event_id="line",
        speaker=None,
        text="text",
        evidence=("cue",),
        raised_at=NOW,
    )


def test_an_alert_published_twice_is_shown_once() -> None:
    to_show = AlertsToShow(kind=None)
    first, other = alert("war_crimes", 1), alert("war_crimes", 2)
    assert [to_show.admit(a) for a in (first, first, other, first)] == [True, False, True, False]


def test_only_the_kind_asked_for_is_shown() -> None:
    to_show = AlertsToShow(kind="corridor_proposal")
    assert [to_show.admit(a) for a in (alert("war_crimes", 1), alert("corridor_proposal", 2))] == [False, True]


def test_the_oldest_ids_are_forgotten_beyond_the_limit() -> None:
    to_show = AlertsToShow(kind=None, remembered=2)
    oldest, *_ = alerts = [alert("war_crimes", n) for n in (1, 2, 3)]
    assert all(to_show.admit(a) for a in alerts)
    assert to_show.admit(oldest)  # forgotten, so shown again
    assert not to_show.admit(alerts[2])
