"""Patterns of agency copy, each with sentences written for the project: who speaks, and which
proposals and mentions an editor must be told about."""

from __future__ import annotations

import pytest

from pipeline.domain.classifier import LineClassifier
from tests.unit.helpers import alerts_of, speakers_of, verdicts_of


def kinds(classifier: LineClassifier, *lines: str) -> list[str]:
    return [kind for _, kind, _ in alerts_of(classifier, *lines)]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("The decision came after Mayor Ivan Sorok said the town was surrounded.", "Ivan Sorok"),
        ("The convoy left while Governor Anna Petrova said more buses were on the way.", "Anna Petrova"),
    ],
)
def test_a_clause_opened_by_a_conjunction_has_its_own_subject(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_a_full_stop_ends_the_subject_phrase(classifier: LineClassifier) -> None:
    line = "The first convoy reached the port on Monday. Anna Petrova said more would follow."
    assert speakers_of(classifier, line) == ["Anna Petrova"]


def test_known_as_keeps_the_name_before_it(classifier: LineClassifier) -> None:
    line = "Pavel Kalnin, better known as Vasko, accused the army of shelling the port."
    assert speakers_of(classifier, line) == ["Pavel Kalnin"]


@pytest.mark.parametrize(
    "line",
    [
        "The army has not confirmed the loss of the airport, but videos show fighters inside it.",
        "The interior ministry offered no further details about the convoy.",
        "The governor declined to comment on the shelling.",
    ],
)
def test_a_negated_verb_attributes_nothing(classifier: LineClassifier, line: str) -> None:
    assert speakers_of(classifier, line) == [None]


def test_said_no_is_still_a_statement(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "Anna Petrova said no decision had been taken.") == ["Anna Petrova"]


def test_we_outside_a_quotation_is_nobody_named(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "We announced new measures against the regime today.") == [None]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("On Monday, health authorities there said dozens of people were wounded.", "health authorities"),
        ("State television reported that the first convoy had left.", "State television"),
        ("More than 300 people have died in the region, according to UN experts.", "UN experts"),
    ],
)
def test_authorities_broadcasters_and_experts_are_bodies(classifier: LineClassifier, line: str, speaker: str) -> None:
    assert speakers_of(classifier, line) == [speaker]


@pytest.mark.parametrize(
    "line",
    [
        "The first buses left the city on Monday, Reuters reported.",
        "Fighting resumed near the airport overnight, AFP reported.",
    ],
)
def test_a_wire_agency_carrying_the_story_is_not_its_speaker(classifier: LineClassifier, line: str) -> None:
    assert speakers_of(classifier, line) == [None]


def test_the_source_an_outlet_cites_gives_way_to_a_speaker_named_first(classifier: LineClassifier) -> None:
    line = "The deputy mayor said buses would leave at noon, the agency reported citing local media."
    assert speakers_of(classifier, line) == ["deputy mayor"]


def test_cited_as_saying_names_the_speaker_not_the_outlet(classifier: LineClassifier) -> None:
    line = "Defence Minister Pavel Orlov was cited by the state news agency as saying the truce would hold."
    assert speakers_of(classifier, line) == ["Pavel Orlov"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("PORT LAGOS, Ruritania - The Ruritanian Red Crescent said it was there.", "Ruritanian Red Crescent"),
        ("KORVIA\u2014The Ruritanian Red Crescent said it had reached the camp.", "Ruritanian Red Crescent"),
        ("PORT LAGOS, Ruritania: Aid will reach the camp on Friday, officials said.", "officials"),
        ("LAGOS/KORVIA: Aid will reach the camp on Friday, officials said.", "officials"),
    ],
)
def test_a_dateline_with_a_country_or_a_closed_up_dash_is_not_read(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("The Special Tribunal (STR) in Geneva on Monday issued an arrest warrant.", "Special Tribunal"),
        ("The Ruritanian Defence Forces (RDF) have announced a truce in the north.", "Ruritanian Defence Forces"),
    ],
)
def test_the_subject_stands_before_its_acronym_and_adjuncts(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_two_bodies_that_agree_together_are_neither_the_speaker(classifier: LineClassifier) -> None:
    line = "The Ruritanian Army (RA) and the People's Front (PF) have agreed to a truce from midnight."
    assert speakers_of(classifier, line) == [None]


def test_the_rebels_refers_back_to_the_body_named_before(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "The Ruritanian Liberation Front said it had seized the bridge on Sunday.",
        "The rebels said the crossing would stay shut.",
    ) == ["Ruritanian Liberation Front", "Ruritanian Liberation Front"]


@pytest.mark.parametrize(
    "line",
    [
        "Officials said a corridor for civilians will be reopened from the port on Friday.",
        'Orlov said the president had ordered the creation of a "humanitarian corridor" out of the town.',
        "The army had offered windows for civilians to evacuate earlier in the week, the spokesman said.",
        "The ministry said a daily pause will be established, giving residents a chance to leave.",
        "The army said it had agreed to help evacuate foreign nationals from the capital.",
        "The militia said it was ready to open the airports to allow evacuations.",
        "The envoy said the truce would provide safe passage for the wounded.",
    ],
)
def test_announcements_and_offers_of_new_ways_out_fire(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        "The centre said the number of people evacuated through the corridor had reached 9,000.",
        "Residents were leaving through safe passages set up as part of the truce, the ministry said.",
        "The Red Crescent said it was asked to help with the evacuation of the wounded.",
        "The president urged the army to allow the evacuation to continue.",
    ],
)
def test_passages_already_in_use_and_requests_received_do_not_fire(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == []


def test_a_crime_under_the_courts_statute_is_a_war_crimes_mention(classifier: LineClassifier) -> None:
    line = "The prosecutor warned that blocking relief convoys could be a crime under the court's statute."
    assert kinds(classifier, line) == ["war_crimes"]


def test_a_verb_in_a_subordinate_clause_gives_way_to_the_main_one(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Governor Ivan Sorok said the road was open.",
        "Buses left after the Red Cross agreed on the route, the governor said on Monday,"
        " and more would follow in the morning.",
    ) == ["Ivan Sorok", "Ivan Sorok"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("On Monday, Ruritanian officials turned down the offer as unacceptable.", "Ruritanian officials"),
        ("There is no date yet for the next convoy, a source familiar with the plan said.", "source"),
        ("An official briefed on the talks said the deal was close.", "official"),
        (
            "The crossing will open on Friday, an official at the Korvia border post told reporters.",
            "official",
        ),
        ("LAGOS/KORVIA - The Korvian Red Crescent said it was ready.", "Korvian Red Crescent"),
    ],
)
def test_refusals_sources_with_modifiers_officials_at_a_place_and_double_datelines(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


@pytest.mark.parametrize(
    "line",
    [
        "The governor said the new routes are set to operate from Friday.",
        "The minister said a first group of patients is to be allowed to leave on Monday.",
        "Troops would hold fire to ensure safe passage for civilians, the general said.",
    ],
)
def test_routes_set_to_operate_and_people_to_be_allowed_out_fire(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        "More than 2,000 people have been rescued in the first evacuation, the governor said.",
        "Buses left the town after both sides agreed on the corridor, the governor said.",
        "It is unclear whether the proposed routes would pass through the capital.",
    ],
)
def test_rescues_done_agreements_reported_and_lines_with_nobody_proposing_do_not_fire(
    classifier: LineClassifier, line: str
) -> None:
    assert kinds(classifier, line) == []


@pytest.mark.parametrize(
    ("line", "topic"),
    [
        ("Witnesses described execution-style killings in the suburb.", "war_crimes"),
        ("She said effective accountability was essential.", "war_crimes"),
        ("Nobody knows where the proposed routes would lead.", "corridors"),
        ("Civilians are being prevented from leaving the city.", "corridors"),
        ("Two dozen buses went north to pick up civilians.", "corridors"),
    ],
)
def test_cues_of_agency_copy(classifier: LineClassifier, line: str, topic: str) -> None:
    (verdict,) = verdicts_of(classifier, line)
    assert set(verdict.topic_ids) == {topic}


def test_the_name_after_a_title_and_its_complement_is_the_speaker(classifier: LineClassifier) -> None:
    line = '"We are deeply worried," said Permanent Representative to the United Nations, Anna Lind.'
    assert speakers_of(classifier, line) == ["Anna Lind"]


def test_continues_to_demand_keeps_its_subject(classifier: LineClassifier) -> None:
    line = "The European Union continues to demand that both armies return to the talks."
    assert speakers_of(classifier, line) == ["European Union"]


def test_a_council_speaks_through_the_resolution_it_passes(classifier: LineClassifier) -> None:
    line = "The Security Council passed a resolution on Friday demanding an end to the siege."
    assert speakers_of(classifier, line) == ["Security Council"]


def test_letting_people_move_to_safer_areas_is_a_proposal(classifier: LineClassifier) -> None:
    line = "The envoy said people wishing to move to safer areas must be allowed to do so."
    assert kinds(classifier, line) == ["corridor_proposal"]
    (verdict,) = verdicts_of(classifier, line)
    assert set(verdict.topic_ids) == {"corridors"}


def test_a_war_counted_in_months_is_military(classifier: LineClassifier) -> None:
    (verdict,) = verdicts_of(classifier, "The two-year conflict has emptied the border towns.")
    # Only presence: whether towns emptied are people who fled (corridors) the line alone leaves open.
    assert "military" in verdict.topic_ids


@pytest.mark.parametrize(
    ("lines", "speakers"),
    [
        (
            ["Fighters will leave the town under a truce, a rebel official said Monday, as shelling went on."],
            ["rebel official"],
        ),
        (["Karel Vos said the crossing was shut.", "Mr Vos said he would ask for more buses."], ["Karel Vos"] * 2),
        (["The United Nations and aid agencies have been pleading for a truce."], ["United Nations"]),
        (["Omar Haddad from the political office of the Liberation Front said a deal was close."], ["Omar Haddad"]),
        (["Jordan rejected the claim and said its border would stay shut."], ["Jordan"]),
        (["Jordan defended the move and said that its quarrel was with Hamas."], ["Jordan"]),
        (["Ruritania's UN envoy, Pavel Orlov, took the floor and announced a truce."], ["Pavel Orlov"]),
        (["Let me begin with the talks and then take questions."], [None]),
        (
            ["The International Criminal Court said it had opened a case.", "The tribunal said the file was sealed."],
            ["International Criminal Court"] * 2,
        ),
        (["The ICC is carrying out an investigation into the shelling."], ["International Criminal Court"]),
    ],
)
def test_descriptors_courtesy_titles_second_bodies_and_opening_subjects(
    classifier: LineClassifier, lines: list[str], speakers: list[str | None]
) -> None:
    assert speakers_of(classifier, *lines) == speakers


@pytest.mark.parametrize(
    "line",
    [
        "The army announced a four-hour window for families to flee north along the coast road.",
        "The army said it would allow residents of the valley to move south along two roads.",
        "The ministry confirmed the evacuation deal on Monday.",
        '"An agreement has been reached for the evacuation of the wounded," the rebel spokesman said.',
        "The Red Cross has been pleading for a truce to allow for the evacuation of the wounded.",
        "The foreign ministry said civilians and fighters will be moved to the west under the deal.",
    ],
)
def test_windows_deals_and_pleas_for_evacuations_fire(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


def test_a_crime_within_the_courts_jurisdiction_is_a_war_crimes_mention(classifier: LineClassifier) -> None:
    line = "Blocking food convoys may constitute a crime within the court's jurisdiction, the prosecutor said."
    assert kinds(classifier, line) == ["war_crimes"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("The ministry has not yet confirmed the report.", None),
        ("The ministry has yet to say whether the road is open.", None),
        (
            "The army has not confirmed the capture, but Governor Anna Petrova, who leads the province, "
            "called for calm.",
            "Anna Petrova",
        ),
        ("Foreign governments say the border must stay open.", "Foreign governments"),
        ("The convoy left at dawn, with officials saying more buses would follow.", "officials"),
        ("Some 40,000 people are believed by aid agencies to be trapped.", "aid agencies"),
    ],
)
def test_unconfirmed_reports_clauses_after_but_and_sources_framed_by_with_or_a_passive(
    classifier: LineClassifier, line: str, speaker: str | None
) -> None:
    assert speakers_of(classifier, line) == [speaker]


@pytest.mark.parametrize(
    "line",
    [
        "The ministry announced that the crossing would be open for students to leave on Monday.",
        '"They urgently need a safe passage out," the agency said.',
        '"We stand ready to escort the buses along the corridor," the ICRC said.',
    ],
)
def test_openings_announced_needs_stated_and_readiness_to_help_fire(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("A statement from the Korvian foreign ministry said the border was shut.", "Korvian foreign ministry"),
        (
            "The Korvian Centre for Reconciliation in Tarvo, part of the defence ministry, said the road was open.",
            "Korvian Centre for Reconciliation in Tarvo",
        ),
        ("The agency, citing the health ministry, said 40 people had died.", "health ministry"),
    ],
)
def test_a_statement_speaks_for_its_issuer_and_a_citing_clause_inside_the_subject(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


@pytest.mark.parametrize(
    "line",
    [
        "The defence ministry said buses would take the sick and the elderly to the coast.",
        "Dr Ana Vell said her team's plan was to take the wounded across the border to a field clinic.",
        "The ministry said it had guaranteed the safety of all residents who decided to leave.",
        '"Some 2,000 residents will be evacuated on Friday," state television said.',
        "State television said the procedures for the evacuation of the wounded are ready.",
    ],
)
def test_buses_that_will_take_people_plans_guarantees_and_ready_procedures_fire(
    classifier: LineClassifier, line: str
) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


@pytest.mark.parametrize(
    ("lines", "speakers"),
    [
        (['"The road is open," WHO chief Anna Lind said in a statement.'], ["Anna Lind"]),
        (["The clinic will close, the UN health agency said."], ["World Health Organization"]),
        (["Stocks are running low, the UN food agency said."], ["World Food Programme"]),
        (["The UN children's agency said schools were shut."], ["UNICEF"]),
        (["The Red Cross said teams were ready.", "Wednesday's statement said more buses were needed."], ["ICRC"] * 2),
        (
            ["A senior agency official said the road was shut.", "The agency appealed for a new corridor."],
            ["senior agency official", "agency"],
        ),
    ],
)
def test_acronyms_agencies_by_their_work_dated_statements_and_unnamed_officials(
    classifier: LineClassifier, lines: list[str], speakers: list[str]
) -> None:
    assert speakers_of(classifier, *lines) == speakers


@pytest.mark.parametrize(
    ("lines", "speakers"),
    [
        (
            [
                "The International Criminal Court issued a warrant on Friday.",
                "The court in The Hague said it was sure.",
            ],
            ["International Criminal Court"] * 2,
        ),
        (["State television reports said the buses had left."], ["State television"]),
        (["The road is open, SANA reported."], [None]),
        (
            ["Omar Haddad said the road was shut.", "Tal Abyad crossing reopened on Monday, he said."],
            ["Omar Haddad"] * 2,
        ),
        (["Omar Haddad said the road was shut.", "Nasser Medical Complex was cleared, he said."], ["Omar Haddad"] * 2),
        (
            ["Omar Haddad said the road was shut.", "The sick will fly to the Cape Verde Islands, he added."],
            ["Omar Haddad"] * 2,
        ),
        (["Omar Haddad arrived on Monday.", "Saudi Arabia hosted the meeting, he said."], [None, "Omar Haddad"]),
        (
            [
                'In a joint statement, "Saudi Arabia and Korvia urged both armies to return to the talks."',
                "The statement added that the talks would resume.",
            ],
            ["Saudi Arabia"] * 2,
        ),
        (
            [
                "The World Food Programme said stocks were low.",
                "Friday's statement said aid was stuck at a Nolo Relief Agency warehouse.",
            ],
            ["World Food Programme"] * 2,
        ),
    ],
)
def test_bodies_by_their_seat_places_named_like_people_states_and_statements_quoted_from_their_start(
    classifier: LineClassifier, lines: list[str], speakers: list[str | None]
) -> None:
    assert speakers_of(classifier, *lines) == speakers


@pytest.mark.parametrize(
    "line",
    [
        "More than 50 patients, including children, will be evacuated on Monday, a health official said.",
        '"We have requested a sustained medevac for the sick," said Dr Ana Vell.',
        '"We need to reopen the crossing to get these people out," the spokesman said.',
    ],
)
def test_evacuations_of_patients_requests_for_medevacs_and_reopening_to_get_people_out_fire(
    classifier: LineClassifier, line: str
) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


def test_the_courts_statute_named_alone_is_not_a_war_crimes_mention(classifier: LineClassifier) -> None:
    assert kinds(classifier, "Korvia is not a party to the Rome Statute, the ministry said.") == []


@pytest.mark.parametrize(
    ("lines", "speakers"),
    [
        (["The road is shut, Korvia's National News Agency reported."], [None]),
        (["Spokesman Avi Cohen via Telegram warned residents to stay away."], ["Avi Cohen"]),
        (["The sources - a diplomat and an aide - told Reuters the truce would hold."], ["sources"]),
        (["On Monday the UN said the road was shut."], ["United Nations"]),
        (
            [
                "The World Health Organization said 40 children had left.",
                '"It is the tip of the iceberg," Hanna Vell, its regional director, said in the statement.',
            ],
            ["World Health Organization", "Hanna Vell"],
        ),
        (["Officials said the road was open.", "It said more buses would come."], ["Officials", None]),
        (["The Rwanda-backed M23 rebels have declared a ceasefire."], ["M23"]),
    ],
)
def test_agencies_by_name_media_dashed_asides_opening_times_and_groups_by_acronym(
    classifier: LineClassifier, lines: list[str], speakers: list[str | None]
) -> None:
    assert speakers_of(classifier, *lines) == speakers


@pytest.mark.parametrize(
    "line",
    [
        "The army announced evacuation orders for the valley, saying people must move to safer areas.",
        "The army ordered residents to leave the town and announced they must move to safer areas.",
        "The minister said threats announced on Friday to evacuate the valley and move to safer areas were a crime.",
        "The minister condemned the evacuation plan announced for people who wish to move to safer areas.",
    ],
)
def test_orders_threats_and_condemned_evacuations_are_not_proposals(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == []


@pytest.mark.parametrize(
    ("lines", "speakers"),
    [
        (["Anna Lind touched upon the situation in the camps."], ["Anna Lind"]),
        (["Governor Ivan Sorok on Friday informed that the corridor would open."], ["Ivan Sorok"]),
        (
            [
                "According to a report by Reuters, Korvia said it would open two roads for the families who want "
                "to leave the town before the winter comes."
            ],
            ["Korvia"],
        ),
        (["According to news agency AFP, both sides have agreed on the routes."], [None]),
        (
            ["Governor Serhiy Gaiday said the corridor would open.", "Governor Serhiy Gaidai said buses would leave."],
            ["Serhiy Gaiday"] * 2,
        ),
    ],
)
def test_frames_of_agency_copy_reports_carried_by_an_agency_and_names_spelt_two_ways(
    classifier: LineClassifier, lines: list[str], speakers: list[str | None]
) -> None:
    assert speakers_of(classifier, *lines) == speakers


def test_one_person_spelt_two_ways_proposes_once(classifier: LineClassifier) -> None:
    lines = ["Governor Serhiy Gaiday said the corridor would open.", "Governor Serhiy Gaidai said buses would leave."]
    assert kinds(classifier, *lines) == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        "The corridor will be effective from eight to six, the ministry said.",
        "Korvia said it will try to evacuate civilians through two corridors.",
        "The ICRC said it encouraged both armies to hold talks on enabling civilians to flee.",
    ],
)
def test_corridors_in_effect_attempts_to_evacuate_and_encouragement_fire(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


def test_a_hope_that_corridors_will_work_is_not_a_proposal(classifier: LineClassifier) -> None:
    line = "He hopes the effort to establish humanitarian corridors will be successful, the ICRC chief said."
    assert kinds(classifier, line) == []


def test_a_group_named_after_its_kind_speaks_through_its_office(classifier: LineClassifier) -> None:
    lines = [
        "A delegation from the militant group Ansar Korvi arrived on Monday.",
        "The group's media office said talks would resume.",
    ]
    assert speakers_of(classifier, *lines) == [None, "Ansar Korvi"]


@pytest.mark.parametrize(
    ("lines", "speakers"),
    [
        (
            ["Doctors Without Borders (MSF), which runs two clinics in Tawila, said the road was shut."],
            ["Doctors Without Borders"],
        ),
        (
            ["The World Food Programme said stocks were low.", "The agency is urgently calling for a truce."],
            ["World Food Programme"] * 2,
        ),
        (
            ["The ministry said the road was open.", "The crossing will reopen on Monday, the statement read."],
            ["ministry"] * 2,
        ),
    ],
)
def test_a_name_before_its_acronym_and_a_clause_adverbs_after_the_subject_and_statements_that_read(
    classifier: LineClassifier, lines: list[str], speakers: list[str]
) -> None:
    assert speakers_of(classifier, *lines) == speakers


def test_the_author_of_a_statement_holds_the_floor_for_its_first_person_lines(classifier: LineClassifier) -> None:
    lines = [
        "The following statement by Foreign Minister Anna Lind was issued today:",
        "I welcome the arrival of the first convoy.",
        "I urge both parties to secure safe passage for all who wish to leave.",
    ]
    assert speakers_of(classifier, *lines) == ["Anna Lind"] * 3
    assert kinds(classifier, *lines) == ["corridor_proposal"]


@pytest.mark.parametrize(
    ("lines", "speakers"),
    [
        (
            ["The Israeli army said it would open a road.", "The military said the road was open."],
            ["Israel Defense Forces"] * 2,
        ),
        (["Palestinian civil defence said 400 people were trapped."], ["Palestinian civil defence"]),
        (
            ["The ministry said the road was open.", "The ministry in the territory said buses would come."],
            ["ministry"] * 2,
        ),
    ],
)
def test_a_body_by_any_of_its_names_civil_defence_and_a_body_in_its_territory(
    classifier: LineClassifier, lines: list[str], speakers: list[str]
) -> None:
    assert speakers_of(classifier, *lines) == speakers


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("However a statement today by the Korvian army assures that the roads will open.", "Korvian army"),
        ("Aid trucks entered the town, UN humanitarians said.", "UN humanitarians"),
    ],
)
def test_a_dated_statement_by_a_body_and_humanitarians_of_a_body(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_foreigners_to_be_evacuated_is_a_proposal(classifier: LineClassifier) -> None:
    line = "The army said diplomats and nationals will be evacuated by air in the coming hours."
    assert kinds(classifier, line) == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        'Kalnin said, "The ministry has managed to secure buses to evacuate our nationals to the coast."',
        "The ministry said it had arranged buses to take its nationals to the port.",
        "Korvia said it would charter planes to evacuate its citizens from the capital.",
        "Ruritania said it had provided ships to evacuate foreign nationals.",
        "The government said it had deployed aircraft to bring its citizens out of the city.",
        "The embassy said it had dispatched buses to evacuate stranded nationals.",
    ],
)
def test_transport_secured_to_evacuate_nationals_is_a_proposal(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


@pytest.mark.parametrize("verb", ["supports", "endorses"])
def test_a_government_that_supports_calls_for_safe_passage_proposes_it(classifier: LineClassifier, verb: str) -> None:
    line = f"Korvia {verb} many of the provisions: the calls for a pause and for safe passage of civilians."
    assert alerts_of(classifier, line) == [(1, "corridor_proposal", "Korvia")]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        (
            "Ambassador Lind will discuss the determination made by Secretary Pavel Kalnin that both armies "
            "committed war crimes.",
            "Pavel Kalnin",
        ),
        ("The finding by the commission that the strike was deliberate was published on Monday.", "commission"),
    ],
)
def test_a_finding_that_someone_holds_is_their_position(classifier: LineClassifier, line: str, speaker: str) -> None:
    assert speakers_of(classifier, line) == [speaker]


@pytest.mark.parametrize(
    "line",
    [
        "Twenty buses are en route to Lorsk to collect evacuees, Deputy Minister Anna Lind said on Monday.",
        "A convoy of buses set out for the port to evacuate trapped residents, Governor Pavel Kalnin said.",
        '"We are also providing corridors for families to move south," the army said.',
    ],
)
def test_transport_on_its_way_and_corridors_being_provided_are_announced(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]


@pytest.mark.parametrize(
    "line",
    [
        "No evacuation routes were established out of Lorsk on Sunday, Deputy Minister Anna Lind said.",
        "Most of the agreed corridors are still not holding, adviser Pavel Kalnin said.",
    ],
)
def test_corridors_not_established_or_not_holding_are_no_proposal(classifier: LineClassifier, line: str) -> None:
    assert kinds(classifier, line) == []


def test_a_subject_before_an_aside_speaks_a_clause_with_commas(classifier: LineClassifier) -> None:
    line = "Kalnin, speaking at a news briefing, said Korvia wanted an immediate, verifiable, and durable truce."
    assert speakers_of(classifier, line) == ["Kalnin"]


@pytest.mark.parametrize(
    "line",
    [
        "On Monday, President Pavel Kalnin ordered a daily pause to airstrikes in the north.",
        "President Pavel Kalnin ordered a daily ceasefire around the port.",
        "President Pavel Kalnin ordered a truce in the valley.",
        "President Pavel Kalnin ordered a halt to the shelling.",
    ],
)
def test_a_leader_who_orders_a_pause_takes_a_position(classifier: LineClassifier, line: str) -> None:
    assert speakers_of(classifier, line) == ["Pavel Kalnin"]


def test_the_agency_an_account_is_according_to_is_not_the_speaker(classifier: LineClassifier) -> None:
    line = (
        "According to the Korvian media Tass, the decision angered the ministry. "
        "Minister Anna Lind called it unacceptable."
    )
    assert speakers_of(classifier, line) == ["Anna Lind"]


def test_a_title_that_ends_on_a_place_gives_the_name_after_it(classifier: LineClassifier) -> None:
    line = "The head of the UN's humanitarian office in Lebanon Anna Lind said 90 civilians had been evacuated."
    assert speakers_of(classifier, line) == ["Anna Lind"]
    assert speakers_of(classifier, "The Korvian Observatory for Human Rights in Tarvo said 23 were killed.") == [
        "Korvian Observatory for Human Rights in Tarvo"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "A new UN convoy was on Thursday heading to the plant to evacuate civilians, Anna Lind said.",
        '"Today a convoy is proceeding to the plant to take those civilians to safety," Anna Lind said.',
        "The council urged people to gather at the school in order to evacuate them to Tarvo.",
        'The council urged people to gather at 4 p.m. (9 a.m. GMT) near the "Port" mall in order to evacuate them.',
        "Spokesman Pavel Kalnin said citizens eligible to join the convoy would head to Ruritania.",
    ],
)
def test_a_convoy_on_its_way_and_people_told_where_to_go_are_announcements(
    classifier: LineClassifier, line: str
) -> None:
    assert kinds(classifier, line) == ["corridor_proposal"]
