"""Topic cues read from agency copy, each with sentences written for the project: people moved out
through a border, words of war that only set the scene, casualty counts, and governments
addressing one another."""

from __future__ import annotations

import pytest

from pipeline.domain.classifier import LineClassifier
from tests.unit.helpers import topics_of


@pytest.mark.parametrize(
    "line",
    [
        "Some 300 foreign passport holders crossed into Korvia on Friday.",
        "The most seriously injured will be transferred to hospitals across the border.",
        "A line of ambulances carrying injured children reached the border post.",
        "About 2,000 people arrived in Tarvo after walking for three days.",
        "The crossing will reopen for students on Monday.",
        "Hundreds of families tried to exit the enclave overnight.",
        "Civilians would be taken out in small groups.",
        "Residents of the quarter will be transferred by train.",
        "Four buses and a dozen private cars arrived in the capital.",
    ],
)
def test_people_moved_out_through_a_border_are_evacuating(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"corridors"}


@pytest.mark.parametrize(
    "lines",
    [
        ["Evacuations from the coast resumed on Tuesday.", "Departures had been halted for two days."],
        ["The evacuation of the wounded began at dawn.", "Twelve were taken to a hospital in Lorsk."],
    ],
)
def test_departures_and_hospital_transfers_continue_an_evacuation(classifier: LineClassifier, lines: list[str]) -> None:
    assert topics_of(classifier, *lines) == {"corridors"}
    assert topics_of(classifier, lines[-1]) == set()


@pytest.mark.parametrize(
    ("line", "topic"),
    [
        ("Aid trucks entered the besieged port city of Vell on Tuesday.", "humanitarian_aid"),
        ("It was the first convoy to leave the town since the fighting broke out in April.", "corridors"),
        ("The wounded were carried out for the first time since the war began.", "corridors"),
    ],
)
def test_a_siege_or_a_war_that_sets_the_scene_is_not_the_topic(
    classifier: LineClassifier, line: str, topic: str
) -> None:
    assert topics_of(classifier, line) == {topic}


@pytest.mark.parametrize(
    "line",
    [
        "Dozens of people have been killed in the province this week.",
        "At least 30 people, including children, have been killed since Monday.",
        "We know of thousands of people killed in the valley, she said.",
        "Half the houses were destroyed during the war.",
    ],
)
def test_the_dead_counted_and_the_ruins_of_war_are_military(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"military"}


def test_prisoners_killed_after_torture_are_a_crime_not_a_battle(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "They were tortured before they were killed, the adviser said.") == {"war_crimes"}


def test_relief_felt_is_not_relief_delivered(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "The news came as a huge relief for the families.") == set()
    assert topics_of(classifier, "Relief reached the valley on Sunday.") == {"humanitarian_aid"}


def test_trucks_after_a_line_about_aid_are_aid(classifier: LineClassifier) -> None:
    lines = ["Aid deliveries resumed at the Nolo crossing.", "About 90 trucks entered on Monday."]
    assert topics_of(classifier, *lines) == {"humanitarian_aid"}
    assert topics_of(classifier, lines[-1]) == set()


@pytest.mark.xfail(
    strict=True,
    reason="labels.md: two envoys meeting over a question is an official meeting (diplomacy) as well as "
    "humanitarian_aid; the classifier finds only humanitarian_aid",
)
def test_humanitarian_problems_are_humanitarian(classifier: LineClassifier) -> None:
    line = "The two envoys went over humanitarian problems in the north."
    assert topics_of(classifier, line) == {"humanitarian_aid", "diplomacy"}


def test_breaches_of_the_law_of_war_are_war_crimes(classifier: LineClassifier) -> None:
    line = "Those responsible for breaches of international humanitarian law must face justice."
    assert topics_of(classifier, line) == {"war_crimes"}


@pytest.mark.parametrize(
    "line",
    [
        "The two ministers discussed the crisis on the phone.",
        "The minister told Korvia's Anna Lind that the border would stay shut.",
        "The chancellor assured President Petrov of continued support.",
        "We urge all states to respect the principle of non-refoulement.",
        "We will keep working with our partners on the question.",
        "Ruritania offered to set up a commission under the auspices of the UN.",
    ],
)
def test_governments_addressing_one_another_are_diplomacy(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"diplomacy"}


def test_a_lower_case_word_after_a_possessive_is_not_an_official_named(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "The mayor told Lorsk's residents to stay indoors.") == set()


@pytest.mark.parametrize(
    "line",
    [
        "Dozens of families were crossing the front line on foot.",
        "Buses carried the wounded, civilians and fighters out of the district.",
    ],
)
def test_a_front_line_crossed_and_fighters_carried_out_are_a_way_out_not_a_battle(
    classifier: LineClassifier, line: str
) -> None:
    assert topics_of(classifier, line) == {"corridors"}


@pytest.mark.parametrize(
    "line",
    [
        "A line of buses was seen leaving the eastern districts.",
        "Buses filled with the elderly drove south.",
        "Medics will take the wounded to a clinic 30km away, across the border.",
        "Officials guaranteed the safety of those who wish to leave.",
    ],
)
def test_buses_on_the_move_and_people_taken_out_are_corridors(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"corridors"}


def test_a_truce_that_takes_fighters_out_is_a_way_out_and_a_truce(classifier: LineClassifier) -> None:
    line = "The truce is meant to exit the fighters from the old city."
    assert topics_of(classifier, line) == {"corridors", "peace_talks"}


def test_military_activity_is_military(classifier: LineClassifier) -> None:
    line = "The army said it would scale back military activity in the north."
    assert topics_of(classifier, line) == {"military"}


@pytest.mark.parametrize(
    "line",
    ["Talks between the two sides will resume next week.", "Both armies agreed to reduce hostilities along the river."],
)
def test_talks_between_the_parties_and_less_fighting_are_peace_talks(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"peace_talks"}


def test_bound_hands_and_crimes_committed_by_troops_are_war_crimes_not_battles(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "Six bodies were found with their hands tied behind their backs.") == {"war_crimes"}
    line = "She described abuses committed by government troops in the valley."
    assert topics_of(classifier, line) == {"war_crimes"}


def test_agreements_named_by_their_term_and_a_declaration_under_review_are_peace_talks(
    classifier: LineClassifier,
) -> None:
    assert topics_of(classifier, "Both armies hope to reach a near-term agreement by Friday.") == {"peace_talks"}
    lines = ["The ceasefire talks resumed on Sunday.", "Delegates began a review of the proposed declaration."]
    assert topics_of(classifier, *lines) == {"peace_talks"}


@pytest.mark.parametrize(
    "line", ["The children will get the care they need in Lorsk.", "Many patients need lifesaving care."]
)
def test_care_for_the_sick_is_humanitarian(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"humanitarian_aid"}


@pytest.mark.parametrize(
    ("line", "topics"),
    [
        pytest.param(
            "Some 900 patients need treatment abroad.",
            {"corridors", "humanitarian_aid"},
            marks=pytest.mark.xfail(
                strict=True,
                reason="labels.md: patients in need of treatment are medical care for civilians "
                "(humanitarian_aid) besides a way out (corridors); the classifier finds only corridors",
            ),
        ),
        ("Families were boarding the buses at the school gate.", {"corridors"}),
    ],
)
def test_treatment_abroad_and_boarding_buses_are_ways_out(
    classifier: LineClassifier, line: str, topics: set[str]
) -> None:
    assert topics_of(classifier, line) == topics


def test_a_war_dated_by_the_attack_that_began_it_is_the_setting(classifier: LineClassifier) -> None:
    line = "Some 500 patients have been evacuated since the war erupted after the militia's attack on the capital."
    assert topics_of(classifier, line) == {"corridors"}


@pytest.mark.parametrize(
    "line",
    [
        "Prosecutors are looking into the forced deportation of children.",
        "He said children enjoy special protection under the Geneva Conventions.",
    ],
)
def test_deportations_and_the_geneva_conventions_are_war_crimes(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"war_crimes"}


def test_an_allegation_of_killing_civilians_is_a_war_crime_not_a_battle(classifier: LineClassifier) -> None:
    line = "Korvia denied allegations of its soldiers killing civilians in Tarvo."
    assert topics_of(classifier, line) == {"war_crimes"}


@pytest.mark.parametrize(
    "lines",
    [
        ["Investigators documented war crimes in the town.", "They spoke to dozens of witnesses."],
        ["The court is looking into war crimes in the region.", "The arrest warrant is sealed."],
    ],
)
def test_witnesses_and_warrants_after_a_line_about_war_crimes_are_war_crimes(
    classifier: LineClassifier, lines: list[str]
) -> None:
    assert topics_of(classifier, *lines) == {"war_crimes"}
    assert topics_of(classifier, lines[-1]) == set()


def test_stopping_military_operations_is_peace_talks_and_still_military(classifier: LineClassifier) -> None:
    line = "Both envoys urged the parties to stop military operations."
    assert topics_of(classifier, line) == {"peace_talks", "military"}


def test_an_army_that_speaks_is_not_fighting(classifier: LineClassifier) -> None:
    assert "military" not in topics_of(classifier, "The Ukrainian army announced it would send envoys to Lorsk.")


@pytest.mark.parametrize(
    "line",
    [
        "A convoy of ambulances reached the border at noon.",
        "The medevac was delayed for a day.",
        "The patients will travel by road to the coast.",
    ],
)
def test_convoys_of_ambulances_medevacs_and_patients_travelling_are_corridors(
    classifier: LineClassifier, line: str
) -> None:
    assert topics_of(classifier, line) == {"corridors"}


def test_the_capture_of_a_base_is_military(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "The capture of the base would be a setback.") == {"military"}


@pytest.mark.parametrize(
    "line", ["Rebels seized the airport on Sunday.", "The army continued operations against the rebels."]
)
def test_seizures_and_operations_against_a_foe_are_military(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"military"}


def test_displaced_people_weigh_towards_aid_without_carrying_it_alone(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "Aid groups are helping displaced families in the north.") == {"humanitarian_aid"}
    assert topics_of(classifier, "Displaced families said they wanted to go home.") == set()


@pytest.mark.xfail(
    strict=True,
    reason="labels.md: troops on the move are military, besides being moved out of a place (corridors); "
    "the classifier finds only corridors",
)
def test_people_being_moved_from_a_place_are_corridors(classifier: LineClassifier) -> None:
    line = "The soldiers are being moved from the base to the capital."
    assert topics_of(classifier, line) == {"corridors", "military"}


@pytest.mark.parametrize(
    "line",
    [
        "The charity began relocating its staff to the capital.",
        "We had to move out non-essential staff on Sunday.",
        "The embassy pulled out its diplomats overnight.",
    ],
)
def test_aid_groups_and_embassies_taking_their_people_out_are_evacuating(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"corridors"}


def test_humanitarian_services_are_aid(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "It was no longer safe to provide humanitarian services.") == {"humanitarian_aid"}


@pytest.mark.parametrize(
    ("line", "topics"),
    [
        ("The deal ensures the withdrawal of civilians from the old town.", {"corridors"}),
        ("The minister urged the military to stop firing.", {"peace_talks"}),
        ("They must cease fire until nine.", {"peace_talks"}),
        ("A silence mode was agreed for Saturday.", {"peace_talks"}),
        ("Both sides held direct talks in Minsk.", {"peace_talks"}),
        ("We will try to bring food to the town today.", {"humanitarian_aid"}),
        ("He called the shelling of the market mass murder.", {"war_crimes", "military"}),
    ],
)
def test_withdrawals_of_civilians_silence_modes_direct_talks_and_food_brought(
    classifier: LineClassifier, line: str, topics: set[str]
) -> None:
    assert topics_of(classifier, line) == topics


@pytest.mark.parametrize(
    ("line", "topic"),
    [
        ("Aid reached the besieged or occupied cities on Friday.", "humanitarian_aid"),
        ("Two million people have fled since Korvia launched its invasion.", "corridors"),
        ("We are here to help civilians caught in the fighting.", "humanitarian_aid"),
        ("She urged Russian forces to fulfil their commitment to the truce.", "peace_talks"),
    ],
)
def test_sieges_invasions_fighting_and_forces_named_in_passing_are_not_the_topic(
    classifier: LineClassifier, line: str, topic: str
) -> None:
    assert topics_of(classifier, line) == {topic}


def test_a_bomb_shelter_is_not_relief(classifier: LineClassifier) -> None:
    line = "Residents left the bomb shelters where they had been hiding."
    assert "humanitarian_aid" not in topics_of(classifier, line)


@pytest.mark.parametrize(
    "line",
    [
        "Korvia is sending a senior delegation to Lorsk.",
        "The two presidents said they would be in contact over the coming hours.",
    ],
)
def test_delegations_and_leaders_in_contact_are_diplomacy(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"diplomacy"}


@pytest.mark.xfail(
    strict=True,
    reason="labels.md: diplomacy is diplomatic activity that is not itself peace negotiation, and a mediator "
    "meeting both sides' negotiators is the negotiation; the classifier adds diplomacy",
)
def test_a_mediator_meeting_the_negotiators_is_the_negotiation(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "The mediator met negotiators from both sides on Tuesday.") == {"peace_talks"}


@pytest.mark.parametrize(
    "lines",
    [
        ["The first phase of the deal would last 42 days."],
        ["They urged both sides to implement the agreement."],
        ["The armed group is expected to release 33 hostages on Sunday."],
        ["Hundreds of prisoners are set to be released."],
        ["The ceasefire talks resumed on Monday.", "Both leaders stressed the need for a deal soon."],
    ],
)
def test_phases_implementation_releases_and_a_deal_in_talks_are_peace_talks(
    classifier: LineClassifier, lines: list[str]
) -> None:
    assert topics_of(classifier, *lines) == {"peace_talks"}


def test_a_troop_withdrawal_is_military(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "The plan includes a partial troop withdrawal.") == {"military"}


def test_convoys_run_by_aid_agencies_are_aid(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "WFP-led convoys are back on the road.") == {"humanitarian_aid"}


@pytest.mark.parametrize(
    ("lines", "topic"),
    [
        (["Fighters went door to door, executing civilians."], "war_crimes"),
        (["MSF suspended its operations in the camp in February."], "humanitarian_aid"),
        (["Children were dying of thirst on the road."], "humanitarian_aid"),
        (["Some 1,600 people have needed emergency treatment."], "humanitarian_aid"),
        (["It was the largest documented swap of troops so far."], "peace_talks"),
        (
            ["Both sides carried out a prisoner exchange on Friday.", "The exchange was arranged by Qatar."],
            "peace_talks",
        ),
        (["The ministry expressed its appreciation to the governments of both countries."], "diplomacy"),
        (["Thousands of families continue to flood into the border town."], "corridors"),
    ],
)
def test_executions_aid_operations_thirst_swaps_thanks_and_people_flooding_out(
    classifier: LineClassifier, lines: list[str], topic: str
) -> None:
    assert topics_of(classifier, *lines) == {topic}


@pytest.mark.parametrize(
    "line",
    [
        "Korvia said 115 soldiers were freed in return for 115 Korvian troops captured in the north.",
        "Both sides have held many prisoner swaps since the early months of the invasion.",
    ],
)
def test_soldiers_exchanged_and_a_war_dated_by_its_first_months_are_not_fighting(
    classifier: LineClassifier, line: str
) -> None:
    assert topics_of(classifier, line) == {"peace_talks"}


def test_thanking_leaders_is_diplomacy_and_thanks_to_is_not(classifier: LineClassifier) -> None:
    line = "I thank the leaders in Kyiv and Moscow for ensuring the pauses."
    assert topics_of(classifier, line) == {"diplomacy", "peace_talks"}
    line = "The children got care thanks to cooperation between partners and countries."
    assert "diplomacy" not in topics_of(classifier, line)


@pytest.mark.xfail(
    strict=True,
    reason="labels.md: care the children got is relief for civilians (humanitarian_aid), as in "
    "test_care_for_the_sick_is_humanitarian; the classifier finds no topic",
)
def test_care_got_thanks_to_partners_is_aid(classifier: LineClassifier) -> None:
    line = "The children got care thanks to cooperation between partners and countries."
    assert topics_of(classifier, line) == {"humanitarian_aid"}


@pytest.mark.parametrize(
    "line",
    [
        "Canada has extracted its diplomats.",
        "Saudi Arabia took 91 people out from the port by ship.",
        "Western countries rushed to get their diplomatic staff out.",
    ],
)
def test_foreigners_taken_out_of_a_country_are_evacuated(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"corridors"}


@pytest.mark.parametrize(
    ("line", "topics"),
    [
        ("The four-day break in fighting begins on Friday.", {"peace_talks"}),
        # Only absence: whether "the missions" leaving are foreigners getting out (corridors) the line
        # alone does not say.
        ("In Lorsk, the spokesperson for the Sudanese army, Brig Gen Ali Noor, said the missions would leave.", None),
        ("Weeks of talks involved the fighting group and three mediators.", {"peace_talks"}),
    ],
)
def test_a_break_in_fighting_an_army_speaking_and_a_fighting_group_are_not_battles(
    classifier: LineClassifier, line: str, topics: set[str] | None
) -> None:
    found = topics_of(classifier, line)
    assert "military" not in found
    assert topics is None or found == topics


def test_reaching_people_in_need_is_aid(classifier: LineClassifier) -> None:
    line = "The pause lets us reach the people who need us."
    assert topics_of(classifier, line) == {"humanitarian_aid", "peace_talks"}


def test_nationals_brought_home_from_a_war_are_evacuated(classifier: LineClassifier) -> None:
    line = "Some of the 40 nationals in the capital asked to be repatriated."
    assert topics_of(classifier, line) == {"corridors"}


@pytest.mark.parametrize(
    ("line", "topics"),
    [
        pytest.param(
            "We are working through diplomacy to bring the two governments back to the table.",
            {"diplomacy", "peace_talks"},
            marks=pytest.mark.xfail(
                strict=True,
                reason="labels.md: bringing the two sides back to the table is negotiation towards a "
                "diplomatic solution (peace_talks) besides diplomacy; the classifier finds only diplomacy",
            ),
        ),
        ("Thank you, Mr. President.", {"diplomacy"}),
        ("I regret that some members of this Council still refuse to condemn the raid.", {"diplomacy"}),
        ("As I said in the Chamber this morning, we will not give up.", {"diplomacy"}),
    ],
)
def test_diplomacy_by_name_and_speaking_in_the_council(classifier: LineClassifier, line: str, topics: set[str]) -> None:
    assert topics_of(classifier, line) == topics


def test_an_address_that_only_names_a_president_is_not_the_council(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "The crowd waited to thank you, said the mayor of Lorsk.") == set()


@pytest.mark.parametrize(
    "line",
    [
        "Two submarines joined the fleet in the gulf.",
        "A carrier strike group reached the gulf on Monday.",
        "The ministry announced a change in force posture along the border.",
        "The security situation is deteriorating in the capital.",
        "Civilians have borne the brunt of a conflict between the two generals.",
        "Officials said the plan would reduce civilian deaths.",
    ],
)
def test_force_posture_and_the_toll_of_a_conflict_are_military(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"military"}


def test_sexual_assault_in_the_ranks_is_not_fighting(classifier: LineClassifier) -> None:
    line = "The department reported fewer cases of sexual assault in the military this year."
    assert topics_of(classifier, line) == set()


def test_an_insult_is_not_an_offensive(classifier: LineClassifier) -> None:
    for line in (
        "It's offensive, she said.",
        "The proposal is offensive, Lind said.",
        "The remark was offensive, she said.",
        "Such remarks are offensive to the families.",
    ):
        assert topics_of(classifier, line) == set()
    assert topics_of(classifier, "The army launched an offensive near Lorsk.") == {"military"}


def test_a_summary_execution_is_a_war_crime_whoever_reports_it(classifier: LineClassifier) -> None:
    line = "Residents said the militia had summarily executed a dozen men in the village."
    assert topics_of(classifier, line) == {"war_crimes"}


def test_convoys_moving_out_are_an_evacuation(classifier: LineClassifier) -> None:
    line = "The minister said the shelling had stopped and convoys were moving out."
    # Only presence: whether shelling named as over makes the line military is a call labels.md leaves open.
    assert "corridors" in topics_of(classifier, line)


@pytest.mark.parametrize(
    ("line", "topics"),
    [
        ("Korvia denied arming the rebels in the north.", {"military"}),
        # People fleeing are corridors (labels.md), whatever they flee.
        ("Thousands have fled the town since the militia's takeover.", {"military", "corridors"}),
    ],
)
def test_arming_a_side_and_a_takeover_are_military(classifier: LineClassifier, line: str, topics: set[str]) -> None:
    assert topics_of(classifier, line) == topics


def test_taking_children_away_is_a_war_crime(classifier: LineClassifier) -> None:
    for line in (
        "Officials said the deportation of hundreds of children had been recorded.",
        "The court said the army deported 200 children from the region.",
    ):
        assert topics_of(classifier, line) == {"war_crimes"}


def test_not_a_single_civilian_has_come_out(classifier: LineClassifier) -> None:
    assert topics_of(classifier, "The general said not a single civilian has come out.") == {"corridors"}


@pytest.mark.parametrize(
    "line",
    [
        "Only a handful of Americans crossed on Wednesday.",
        "Several Korvian citizens have also left Lorsk.",
        "Forty passport holders reached Tarvo on Monday.",
        "About 30 foreigners made it to Tarvo.",
        "Two Britons arrived in Tarvo late on Friday.",
        "The first group of Korvian nationals had entered Ruritania by nightfall.",
        "All 12 international staff members of the agency have also left the city.",
        "Those cleared to leave included passport holders from nine countries.",
        "Dozens are on their way to the capital, where some will catch flights back to their home countries.",
    ],
)
def test_foreigners_and_staff_getting_out_are_an_evacuation(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"corridors"}


def test_water_and_power_shortages_are_the_aid_story(classifier: LineClassifier) -> None:
    line = "She said water and electricity shortages were the least of it."
    assert topics_of(classifier, line) == {"humanitarian_aid"}


def test_the_path_of_diplomacy_out_of_a_war_is_the_peace_process(classifier: LineClassifier) -> None:
    line = "There is a clear off-ramp: Korvia must agree to a ceasefire and choose the path of diplomacy."
    assert topics_of(classifier, line) == {"peace_talks"}


def test_member_states_named_in_passing_are_not_the_council(classifier: LineClassifier) -> None:
    assert "diplomacy" not in topics_of(classifier, "He excoriated the three Member States overseeing the brutality.")


@pytest.mark.parametrize(
    "line",
    [
        "The agency is working on an operation to move people out of the plant.",
        "Partners have helped about 900 Korvians leave Tarvo.",
        "Those eligible to join the convoy were told to bring their papers.",
    ],
)
def test_moving_people_out_and_helping_them_leave_are_an_evacuation(classifier: LineClassifier, line: str) -> None:
    assert topics_of(classifier, line) == {"corridors"}
