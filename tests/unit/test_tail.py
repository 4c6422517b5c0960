"""What `tail` shows of the alerts topic."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from pipeline.broker.tail import AlertsToShow
from pipeline.cli import cli
from pipeline.contracts.alert_filter import AlertFilter, unknown_kinds
from pipeline.contracts.events import Alert, SpeakerRef

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def alert(kind: str, line_no: int, article: str = "a", speaker: str | None = None) -> Alert:
    return Alert(
        event_id=Alert.id_for(article, kind, f"{kind}|{line_no}"),
        kind=kind,
        severity="high",
        article_id=article,
        line_no=line_no,
        line_event_id="line",
        speaker=SpeakerRef(name=speaker, kind="person", method="named", evidence=speaker) if speaker else None,
        text="text",
        evidence=("cue",),
        raised_at=NOW,
    )


def test_an_alert_published_twice_is_shown_once() -> None:
    to_show = AlertsToShow(AlertFilter())
    first, other = alert("war_crimes", 1), alert("war_crimes", 2)
    assert [to_show.admit(a) for a in (first, first, other, first)] == [True, False, True, False]


def test_only_the_kind_asked_for_is_shown() -> None:
    to_show = AlertsToShow(AlertFilter.of(kinds=["corridor_proposal"]))
    assert [to_show.admit(a) for a in (alert("war_crimes", 1), alert("corridor_proposal", 2))] == [False, True]


def test_the_oldest_ids_are_forgotten_beyond_the_limit() -> None:
    to_show = AlertsToShow(AlertFilter(), remembered=2)
    oldest, *_ = alerts = [alert("war_crimes", n) for n in (1, 2, 3)]
    assert all(to_show.admit(a) for a in alerts)
    assert to_show.admit(oldest)  # forgotten, so shown again
    assert not to_show.admit(alerts[2])


def test_speakers_are_asked_for_as_an_editor_names_them() -> None:
    wanted = AlertFilter.of(speakers=["guterres", "Sergei Lavrov"])
    said = [
        alert("war_crimes", n, speaker=name) for n, name in enumerate(["Antonio Guterres", "Sergei Lavrov"], start=1)
    ]
    others = [alert("war_crimes", 5, speaker="Antonio Guterresz"), alert("war_crimes", 6, speaker="Lavrov Sergei")]
    assert [wanted.wants(a) for a in [*said, *others, alert("war_crimes", 7)]] == [True, True, False, False, False]


def test_filters_combine_and_each_takes_several_values() -> None:
    wanted = AlertFilter.of(kinds=["war_crimes", "corridor_proposal"], articles=["a"])
    cases = [alert("war_crimes", 1), alert("corridor_proposal", 2), alert("war_crimes", 3, article="b"), alert("x", 4)]
    assert [wanted.wants(a) for a in cases] == [True, True, False, False]


def test_a_kind_the_taxonomy_does_not_raise_is_named_with_the_one_meant() -> None:
    told = unknown_kinds(["war_crime", "corridor_proposal"], ["corridor_proposal", "war_crimes"])
    assert told == "no alert kind 'war_crime' (did you mean 'war_crimes'?); the taxonomy's alert kinds are " + (
        "corridor_proposal, war_crimes"
    )
    assert unknown_kinds(["war_crimes"], ["corridor_proposal", "war_crimes"]) is None


def test_tail_refuses_a_misspelt_kind_before_it_waits_for_alerts(no_pipeline_env: None) -> None:
    result = CliRunner().invoke(cli, ["tail", "--kind", "war_crime"])
    assert result.exit_code == 2
    said = " ".join(result.output.replace("│", " ").split())  # the message as read, out of its box
    assert "no alert kind 'war_crime' (did you mean 'war_crimes'?)" in said
