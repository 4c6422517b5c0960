from __future__ import annotations

import pytest

from pipeline.domain.classifier import LineClassifier
from tests.unit.helpers import alerts_of


@pytest.mark.parametrize(
    "line",
    [
        "Antonio Guterres said he has proposed a contact group to look at creating safe corridors.",
        "Iryna Vereshchuk said the two sides agreed on three corridors for Thursday.",
        "The ICRC called for safe passage for civilians leaving Mariupol.",
        "Zelenskyy offered a new evacuation route from the plant.",
        "The Red Cross said it had proposed a plan to evacuate civilians from the steel plant.",
        "Emmanuel Macron said he would propose a humanitarian operation to evacuate Mariupol.",
    ],
)
def test_a_proposal_of_a_new_corridor_fires(classifier: LineClassifier, line: str) -> None:
    assert [kind for _, kind, _ in alerts_of(classifier, line)] == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        "The talks were also expected to focus on humanitarian corridors for Mariupol.",
        "The corridor from Mariupol was shelled again on Saturday, officials said.",
        "About 300 civilians were evacuated from the steelworks on Sunday.",
        "Officials said they were unable to evacuate civilians from the village.",
    ],
)
def test_expectations_failures_and_completed_evacuations_do_not_fire(classifier: LineClassifier, line: str) -> None:
    assert [k for _, k, _ in alerts_of(classifier, line) if k == "corridor_proposal"] == []


def test_any_mention_of_war_crimes_fires(classifier: LineClassifier) -> None:
    assert alerts_of(classifier, "Dmitry Peskov denied that Russian troops committed war crimes.") == [
        (1, "war_crimes", "Dmitry Peskov")
    ]


def test_war_alone_does_not_fire(classifier: LineClassifier) -> None:
    assert alerts_of(classifier, "Sergei Lavrov said the war would end on Russia's terms.") == []


def test_new_means_new_per_article_kind_and_speaker(classifier: LineClassifier) -> None:
    raised = alerts_of(
        classifier,
        "Antonio Guterres said the reports of war crimes were deeply troubling.",
        "He said war crimes must be investigated.",
        "Dmytro Kuleba said the atrocities were war crimes.",
    )
    assert raised == [(1, "war_crimes", "Antonio Guterres"), (3, "war_crimes", "Dmytro Kuleba")]


@pytest.mark.parametrize(
    "line",
    [
        "The defence ministry said it was opening safe routes out of three towns on Saturday.",
        "There will be a second route allowing families to leave the north, the interior minister said.",
        "The two sides signed a commitment to create safe passages for civilians, the mediators said.",
        "Red Cross regional director Paul Weber said the armies must agree before civilians can be evacuated.",
        "Mayor Ivan Sorok called for the complete evacuation of the city.",
        "Boris Kalnin said his country was ready for immediate negotiations to evacuate the people in the plant.",
        '"Civilians must be allowed to leave," UN aid chief Sara Lind said.',
        "The city council said it would organise buses for residents who want to leave.",
    ],
)
def test_announcements_commitments_and_calls_for_a_way_out_fire(classifier: LineClassifier, line: str) -> None:
    assert [kind for _, kind, _ in alerts_of(classifier, line)] == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        "Boris Kalnin rejected the offer of a corridor to the north, calling it immoral.",
        "Boris Kalnin turned down the enemy's latest proposal for evacuation corridors.",
        "The ministry said the evacuation corridors are shelled every day.",
        "Troops shelled the humanitarian corridor on Sunday, the ministry said.",
        "Residents said the convoy came under fire on the road out of the city.",
    ],
)
def test_rejections_and_attacks_on_corridors_do_not_fire(classifier: LineClassifier, line: str) -> None:
    assert [k for _, k, _ in alerts_of(classifier, line) if k == "corridor_proposal"] == []


@pytest.mark.parametrize(
    "line",
    [
        "Karim Khan warned that impeding relief supplies may constitute a crime under the Rome Statute.",
        "The prosecutor said starving civilians is a crime under international humanitarian law.",
    ],
)
def test_crimes_under_the_courts_statute_are_war_crimes(classifier: LineClassifier, line: str) -> None:
    assert [kind for _, kind, _ in alerts_of(classifier, line)] == ["war_crimes"]


@pytest.mark.parametrize(
    "line",
    [
        "The United Nations said it is conducting a safe passage operation to get civilians out of the plant.",
        "The envoy renewed the call on both armies to allow observers to oversee the safe evacuation of the wounded.",
    ],
)
def test_operations_under_way_and_renewed_calls_fire(classifier: LineClassifier, line: str) -> None:
    assert [kind for _, kind, _ in alerts_of(classifier, line)] == ["corridor_proposal"]


def test_strikes_on_an_evacuation_route_do_not_fire(classifier: LineClassifier) -> None:
    line = "The army said it launched strikes on the evacuation route out of the town."
    assert [k for _, k, _ in alerts_of(classifier, line) if k == "corridor_proposal"] == []


@pytest.mark.parametrize(
    "line",
    [
        "Army spokesman Ivo Marr said local ceasefires had begun at dawn to let civilians escape.",
        "The government decided to hold fire and open humanitarian corridors from five cities.",
    ],
)
def test_ceasefires_that_let_civilians_out_and_corridors_being_opened_fire(
    classifier: LineClassifier, line: str
) -> None:
    assert [kind for _, kind, _ in alerts_of(classifier, line)] == ["corridor_proposal"]


def test_a_reaction_to_the_other_sides_proposal_does_not_fire(classifier: LineClassifier) -> None:
    line = '"This is not an option," she said, after the army proposed safe passage for civilians from four cities.'
    assert [k for _, k, _ in alerts_of(classifier, line) if k == "corridor_proposal"] == []


@pytest.mark.parametrize(
    "line",
    [
        "Spokesman Omar Haddad says the army will reopen a corridor for civilians in the north to move south.",
        "Omar Haddad says the army will open the coastal road for southbound traffic between 10 a.m. and 2 p.m.",
    ],
)
def test_a_road_reopened_for_people_to_move_south_is_a_corridor(classifier: LineClassifier, line: str) -> None:
    assert [kind for _, kind, _ in alerts_of(classifier, line)] == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        '"We insist that the city must be given a full evacuation," Mayor Ivan Sorok said.',
        "Ivan Sorok said he was asking the world to unite for the complete evacuation of the residents.",
    ],
)
def test_a_mayor_insisting_on_or_asking_for_a_full_evacuation_fires(classifier: LineClassifier, line: str) -> None:
    assert [kind for _, kind, _ in alerts_of(classifier, line)] == ["corridor_proposal"]


def test_a_ceasefire_announced_to_let_a_named_population_evacuate_fires(classifier: LineClassifier) -> None:
    line = (
        "The defence ministry announces a ceasefire to allow residents of two besieged towns,"
        " including the port of Lisk, to evacuate."
    )
    assert [kind for _, kind, _ in alerts_of(classifier, line)] == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        "The offer of corridors leading into enemy territory was dismissed by Lisk as immoral.",
        "The army said it had launched an offensive near the evacuation route.",
    ],
)
def test_an_offer_turned_down_in_the_passive_and_an_offensive_near_a_route_do_not_fire(
    classifier: LineClassifier, line: str
) -> None:
    assert [k for _, k, _ in alerts_of(classifier, line) if k == "corridor_proposal"] == []


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("President Omar Haddad has ordered the creation of a humanitarian corridor in the enclave.", "Omar Haddad"),
        (
            "Red Cross spokeswoman Lena Varga said corridors must be implemented with the consent of all sides.",
            "Lena Varga",
        ),
    ],
)
def test_an_ordered_corridor_and_conditions_for_one_fire_for_their_speaker(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert alerts_of(classifier, line) == [(1, "corridor_proposal", speaker)]


def test_branding_the_other_sides_announcement_unacceptable_does_not_fire(classifier: LineClassifier) -> None:
    line = (
        '"Our people will not go there," the deputy prime minister said, branding the army\'s unilateral'
        ' announcement of humanitarian corridors "unacceptable."'
    )
    assert [k for _, k, _ in alerts_of(classifier, line) if k == "corridor_proposal"] == []


def test_a_call_to_restore_free_movement_on_a_road_is_no_new_corridor(classifier: LineClassifier) -> None:
    """labels.md: reopening a road to normal traffic is not a corridor proposal."""
    line = "Anna Lind urged Ruritania to restore free movement through the corridor for private vehicles."
    assert alerts_of(classifier, line) == []
