from __future__ import annotations

import pytest

from pipeline.domain import phrases
from pipeline.domain.classifier import LineClassifier
from tests.unit.helpers import speakers_of, verdicts_of


def test_a_named_subject_of_said_is_the_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "Sergei Lavrov said Moscow was ready.") == ["Sergei Lavrov"]


def test_a_surname_resolves_to_the_configured_full_name(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "Lavrov told the news conference he was ready.") == ["Sergei Lavrov"]


@pytest.mark.parametrize(
    "verb",
    [
        "says",
        "told reporters",
        "adds",
        "added",
        "warned",
        "insisted",
        "denied",
        "stressed",
        "has proposed",
        "acknowledged",
        "called for",
        "spoke on",
    ],
)
def test_reporting_verbs_in_any_tense_attribute(classifier: LineClassifier, verb: str) -> None:
    assert speakers_of(classifier, f"Antonio Guterres {verb} the matter.") == ["Antonio Guterres"]


@pytest.mark.parametrize("stamp", ["09:25", "14.05", "2", "1/3"])
def test_a_time_heading_a_live_entry_is_not_part_of_the_speaker_or_its_evidence(
    classifier: LineClassifier, stamp: str
) -> None:
    (verdict,) = verdicts_of(classifier, f"{stamp} Guterres said the corridor must open.")
    assert verdict.speaker is not None
    assert (verdict.speaker.name, verdict.speaker.evidence) == ("Antonio Guterres", "Guterres said")


def test_he_refers_to_the_last_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Sergei Lavrov met Antonio Guterres in Moscow.",
        "Lavrov said the talks went well.",
        "He said Moscow wanted peace.",
    )[1:] == ["Sergei Lavrov", "Sergei Lavrov"]


def test_a_pronoun_inside_the_line_refers_to_its_subject(classifier: LineClassifier) -> None:
    line = "UN chief Antonio Guterres has been meeting Sergei Lavrov, where he has been pushing for peace."
    assert speakers_of(classifier, line) == ["Antonio Guterres"]


def test_she_skips_a_male_last_speaker(classifier: LineClassifier) -> None:
    assert (
        speakers_of(
            classifier,
            "Iryna Vereshchuk said buses were ready.",
            "Dmitry Peskov said Moscow would respond.",
            "She said the buses would leave at noon.",
        )[2]
        == "Iryna Vereshchuk"
    )


def test_a_quotation_closed_by_a_descriptor_goes_to_the_person_it_denotes(classifier: LineClassifier) -> None:
    assert (
        speakers_of(
            classifier,
            "Antonio Guterres arrived in Kyiv.",
            "“Peace is possible,” the UN chief says.",
        )[1]
        == "Antonio Guterres"
    )


def test_a_descriptor_learnt_from_the_article_resolves(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Kharkiv's regional governor Oleh Synehubov said shelling continued overnight.",
        "The governor said two people were wounded.",
    ) == ["Oleh Synehubov", "Oleh Synehubov"]


def test_a_person_nobody_configured_is_found_and_remembered(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Ukraine's deputy defence minister Hanna Maliar said the front held.",
        "Maliar added that reinforcements had arrived.",
    ) == ["Hanna Maliar", "Hanna Maliar"]


def test_said_after_a_closing_quote_takes_the_following_name(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "“We will not give up,” said Volodymyr Zelensky.") == ["Volodymyr Zelenskyy"]


def test_a_name_and_colon_before_a_quote_is_the_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "Zelenskiy: “We need weapons, not sympathy.”") == ["Volodymyr Zelenskyy"]


def test_according_to_names_the_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "Three buses left Mariupol, according to Vadym Boychenko.") == ["Vadym Boychenko"]


def test_asked_about_opening_does_not_hide_the_speaker(classifier: LineClassifier) -> None:
    line = "Asked about reports of shelling near Kyiv, Dmitry Peskov said he had no information."
    assert speakers_of(classifier, line) == ["Dmitry Peskov"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("The Kremlin said the talks were constructive.", "Kremlin"),
        ("Ukraine's foreign ministry said the claims were false.", "Ukraine's foreign ministry"),
        ("Moscow says the convoy was not attacked.", "Moscow"),
    ],
)
def test_organisations_and_governments_speak(classifier: LineClassifier, line: str, expected: str) -> None:
    assert speakers_of(classifier, line) == [expected]


def test_a_continuation_line_keeps_the_previous_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Antonio Guterres said he had proposed a contact group on corridors.",
        "This would involve a pause in the fighting.",
    ) == ["Antonio Guterres", "Antonio Guterres"]


@pytest.mark.parametrize(
    "line",
    [
        "The talks were also expected to focus on humanitarian corridors for Mariupol.",
        "The two men are holding a news conference – we’ll bring you the latest here.",
        "Shelling was reported overnight in the east of the country.",
        "Antonio Guterres was told by officials that the road was closed.",
    ],
)
def test_narration_has_no_speaker(classifier: LineClassifier, line: str) -> None:
    assert speakers_of(classifier, line) == [None]


def test_people_only_mentioned_are_not_speakers(classifier: LineClassifier) -> None:
    line = "Ukrainian officials accused by Sergei Lavrov of stalling met in Istanbul."
    assert speakers_of(classifier, line) != ["Sergei Lavrov"]


def test_narration_after_a_speaker_is_not_a_continuation(classifier: LineClassifier) -> None:
    assert (
        speakers_of(
            classifier,
            "Sergei Lavrov said Moscow was committed to talks.",
            "Sirens sounded across Kyiv on Thursday evening.",
        )[1]
        is None
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Clementine Nkweta-Salami, the UN's humanitarian coordinator for Sudan, said families were hungry.",
            "Clementine Nkweta-Salami",
        ),
        ("The UN envoy for Yemen, Hans Grundberg, said the truce would hold.", "Hans Grundberg"),
        ("Philippe Lazzarini, who heads UNRWA, said fuel would run out within days.", "Philippe Lazzarini"),
        ("Volodymyr Zelensky, in his nightly address, said the line was holding.", "Volodymyr Zelenskyy"),
        ("Samantha Power visited the border and called for monitors to be given access.", "Samantha Power"),
        ("Sudan's army chief Abdel Fattah al-Burhan has said he will not negotiate.", "Abdel Fattah al-Burhan"),
        (
            "Norway's Foreign Minister Espen Barth Eide, who chaired the session, said progress had been made.",
            "Espen Barth Eide",
        ),
    ],
)
def test_appositives_relative_clauses_and_shared_subjects(classifier: LineClassifier, line: str, expected: str) -> None:
    assert speakers_of(classifier, line) == [expected]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "A spokesman for the opposition National Unity Government said its forces would pause.",
            "National Unity Government",
        ),
        (
            "The Institute for the Study of War said Russia was building a buffer zone.",
            "Institute for the Study of War",
        ),
        ("An RSF spokesman said the group was ready to open a corridor.", "Rapid Support Forces"),
        ("Officials in Kherson said the bridge was destroyed.", "Officials in Kherson"),
        ("Ukraine's air force said it had shot down 31 missiles.", "Ukraine's air force"),
        ("GENEVA, June 12 - The United Nations called on Wednesday for safe passage.", "United Nations"),
    ],
)
def test_bodies_speak_under_their_own_names(classifier: LineClassifier, line: str, expected: str) -> None:
    assert speakers_of(classifier, line) == [expected]


def test_his_office_belongs_to_the_person_just_named(classifier: LineClassifier) -> None:
    line = "Zelenskyy cancelled all upcoming foreign trips, his office said."
    assert speakers_of(classifier, line) == ["Volodymyr Zelenskyy's office"]


def test_a_given_name_in_use_refers_back_to_the_full_name(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Getachew Reda, a spokesman for the Tigrayan authorities, said concessions were made.",
        "“We have to build trust,” Getachew said.",
    ) == ["Getachew Reda", "Getachew Reda"]


def test_the_united_states_is_not_a_reporting_verb(classifier: LineClassifier) -> None:
    line = "Mediators from Egypt, Qatar and the United States will monitor the truce."
    assert speakers_of(classifier, line) == [None]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Witnesses who fled Mariupol said the city was in ruins.", "Witnesses"),
        ("Evacuees who reached Zaporizhzhia described days without water.", "Evacuees"),
    ],
)
def test_a_place_inside_a_relative_clause_is_not_the_speaker(
    classifier: LineClassifier, line: str, expected: str
) -> None:
    assert speakers_of(classifier, line) == [expected]


def test_a_surname_with_an_arabic_article_and_a_nationality_descriptor_find_the_person(
    classifier: LineClassifier,
) -> None:
    assert speakers_of(
        classifier,
        "Blinken arrived in Cairo for talks with Egyptian President Abdel Fattah al-Sisi.",
        "Sisi told Blinken that Egypt would not accept the displacement of Palestinians.",
        "The Egyptian president also warned against an offensive in Rafah.",
    ) == [None, "Abdel Fattah al-Sisi", "Abdel Fattah al-Sisi"]


def test_they_does_not_stand_for_one_person(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Antonio Guterres said the fighting had to stop.",
        "They urged both sides to return to the table.",
    ) == ["Antonio Guterres", None]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("The UN humanitarian office (OCHA) said 2 million people had fled.",), ["UN humanitarian office"]),
        (
            (
                "Stephane Dujarric told a briefing the situation was catastrophic.",
                "He was quoted as saying aid must flow.",
            ),
            ["Stephane Dujarric", "Stephane Dujarric"],
        ),
        (("Aid workers say cholera is spreading in the camps.",), ["Aid workers"]),
        (("Baku rejected the accusation as absurd.",), ["Baku"]),
    ],
)
def test_bracketed_asides_quoted_as_saying_groups_and_capitals(
    classifier: LineClassifier, lines: tuple[str, ...], expected: list[str]
) -> None:
    assert speakers_of(classifier, *lines) == expected
    assert verdicts_of(classifier, *lines)[-1].speaker.kind == (  # type: ignore[union-attr]
        "person" if expected[-1] == "Stephane Dujarric" else "organisation"
    )


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("Defence Minister Ivo Marr on Monday denied that his troops had shelled the school.", "Ivo Marr"),
        ("Foreign Minister Lena Varga late on Tuesday said the border would stay shut.", "Lena Varga"),
        ('"We will rebuild every house," said Mayor Ivan Sorok on Friday.', "Ivan Sorok"),
        ('"The road is open," the deputy minister said on Friday.', "deputy minister"),
    ],
)
def test_a_time_phrase_is_not_part_of_the_speaker(classifier: LineClassifier, line: str, speaker: str) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_where_a_named_person_comes_from_is_not_part_of_the_name(classifier: LineClassifier) -> None:
    line = "President Anna Petrova of Ruritania said her government would send doctors."
    assert speakers_of(classifier, line) == ["Anna Petrova"]
    verdict = verdicts_of(classifier, line)[0]
    assert verdict.speaker is not None and verdict.speaker.kind == "person"


def test_a_body_of_a_place_keeps_its_whole_name(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "The Ministry of Health said 40 people were wounded.") == ["Ministry of Health"]


@pytest.mark.parametrize(
    "line",
    ["GENEVA: The agency on Tuesday urged all sides to let trucks through.", "KHARTOUM: The agency urged calm."],
)
def test_a_dateline_before_a_colon_is_not_a_speaker(classifier: LineClassifier, line: str) -> None:
    assert speakers_of(classifier, line) == ["agency"]


def test_a_configured_acronym_before_a_colon_still_speaks(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "ICRC: civilians must be spared.") == ["ICRC"]


def test_continued_attributes_only_after_a_quotation(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        'Boris Kalnin said the army would hold its positions. "We are ready to talk," Kalnin continued.',
    ) == ["Boris Kalnin"]
    assert speakers_of(classifier, "Fighting continued overnight in the east.") == [None]


def test_the_outlet_that_carried_a_quote_is_not_its_speaker(classifier: LineClassifier) -> None:
    line = "Boris Kalnin was quoted by the state news agency as saying the offensive would go on."
    assert speakers_of(classifier, line) == ["Boris Kalnin"]


def test_a_body_that_issues_something_speaks(classifier: LineClassifier) -> None:
    line = "The International Criminal Court on Friday issued an arrest warrant for the general."
    assert speakers_of(classifier, line) == ["International Criminal Court"]


def test_a_title_stands_for_a_configured_holder_only_once_the_article_named_them(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "The spokesman said no decision had been made.") == ["spokesman"]
    assert speakers_of(classifier, "The Kremlin spokesman said no decision had been made.") == ["Kremlin"]
    assert speakers_of(
        classifier,
        "Dmitry Peskov said the talks would go on.",
        "The Kremlin spokesman said no decision had been made.",
    ) == ["Dmitry Peskov", "Dmitry Peskov"]


def test_the_group_is_the_body_named_before(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "The Syrian Observatory for Human Rights, a monitoring group, said 23 people were killed.",
        "The group said most of the dead were civilians.",
    ) == ["Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights"]


def test_a_statement_with_no_body_before_it_has_no_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "The statement said talks would resume next week.") == [None]


def test_plural_bodies_after_a_clause_speak(classifier: LineClassifier) -> None:
    line = "The two sides signed a commitment to spare hospitals, the mediators said."
    assert speakers_of(classifier, line) == ["mediators"]


def test_a_transcript_gives_the_floor_to_its_labelled_speaker_until_the_next_label(
    classifier: LineClassifier,
) -> None:
    assert speakers_of(
        classifier,
        "MS LENA VARGA: Good afternoon. One item before your questions.",
        "The convoy reached the city this morning with food and medicine.",
        "QUESTION: Will there be a second convoy?",
        "Nobody has confirmed that yet.",
        "MS VARGA: We are working on it.",
    ) == ["Lena Varga", "Lena Varga", None, None, "Lena Varga"]


def test_a_capitalised_place_before_a_colon_starts_no_transcript(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "KHARTOUM: The agency urged calm.", "Fighting went on overnight.") == [
        "agency",
        None,
    ]


@pytest.mark.parametrize(
    ("label", "speaker"),
    [
        ("MAJOR GENERAL LENA VARGA", "Lena Varga"),
        ("NAVY PRESS SECRETARY REAR ADM. PAVEL KALNIN", "Pavel Kalnin"),
        ("DEFENSE DEPARTMENT PRESS SECRETARY AIR FORCE MAJ. GEN. ANNA LIND", "Anna Lind"),
        ("DEFENCE PRESS SECRETARY LIEUTENANT COLONEL ANNA LIND", "Anna Lind"),
        ("ARMY LT. COL. PAVEL KALNIN", "Pavel Kalnin"),
        ("BRIGADIER GENERAL LENA VARGA", "Lena Varga"),
        ("VICE ADMIRAL PAVEL KALNIN", "Pavel Kalnin"),
        ("MARINE CORPS COMMANDER ANNA LIND", "Anna Lind"),
        ("SERGEANT LENA VARGA", "Lena Varga"),
    ],
)
def test_a_rank_or_an_office_before_a_labelled_name_gives_that_person_the_floor(
    classifier: LineClassifier, label: str, speaker: str
) -> None:
    assert speakers_of(
        classifier, f"{label}: Good afternoon, everyone. A few things at the top.", "The pier is in place."
    ) == [speaker, speaker]


def test_office_words_alone_before_a_colon_name_nobody(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "PRESS CORPS: The briefing was delayed.") == [None]


def test_the_title_an_article_gave_a_surname_stands_for_that_person(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "As you have heard Secretary Lind say, the focus is on a ceasefire.",
        "During a phone call on Sunday, the secretary reiterated the commitment to defend the port.",
    ) == ["Lind", "Lind"]


def test_a_configured_person_labelled_in_capitals_is_that_person(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "BLINKEN: We want the pause extended.") == ["Antony Blinken"]


def test_an_attribution_set_into_the_sentence_names_the_speaker(classifier: LineClassifier) -> None:
    line = "The government, said Minister Lena Varga, will reopen the border crossing."
    assert speakers_of(classifier, line) == ["Lena Varga"]


def test_a_verb_inside_a_quotation_does_not_attribute(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Ambassador Lena Varga spoke to the council on Monday.",
        '"The militia, what the UN called "a disgrace," must withdraw," she said.',
    ) == ["Lena Varga", "Lena Varga"]


def test_a_person_named_inside_a_quotation_is_not_the_pronouns_antecedent(classifier: LineClassifier) -> None:
    assert (
        speakers_of(
            classifier,
            "Lena Varga, the envoy, spoke to the council.",
            '"Boris Kalnin must answer for this," she said.',
        )[1]
        == "Lena Varga"
    )


def test_a_person_named_after_the_body_they_serve_is_a_person(classifier: LineClassifier) -> None:
    line = "The Ambassador to the United Nations Lena Varga spoke of the misery in the city."
    verdict = verdicts_of(classifier, line)[0]
    assert verdict.speaker is not None and (verdict.speaker.name, verdict.speaker.kind) == ("Lena Varga", "person")


def test_the_aid_agency_is_the_body_named_earlier_in_the_line(classifier: LineClassifier) -> None:
    line = "Teams from the International Committee of the Red Cross are ready to go in, the aid agency said."
    assert speakers_of(classifier, line) == ["ICRC"]


def test_a_specific_unnamed_body_is_not_taken_for_the_last_one_named(classifier: LineClassifier) -> None:
    assert (
        speakers_of(
            classifier,
            "Hamas said the talks would resume.",
            "At least 30 people were killed, according to the territory's civil defence agency.",
        )[1]
        == "territory's civil defence agency"
    )


def test_of_two_subjects_the_first_speaks(classifier: LineClassifier) -> None:
    line = "A warehouse was damaged, the Ruritanian government and the Red Cross said."
    assert speakers_of(classifier, line) == ["Ruritanian government"]


def test_the_source_of_a_readout_is_named_after_attributable_to(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "The below is attributable to Spokesperson Lena Varga:") == ["Lena Varga"]


def test_officials_who_believe_something_speak(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "Officials believe 2,000 fighters remain in the plant.") == ["Officials"]


def test_a_name_set_beside_a_title_after_the_verb_is_the_speaker(classifier: LineClassifier) -> None:
    line = '"This may amount to murder," said the UN human rights chief, Anna Lind, in a statement.'
    assert speakers_of(classifier, line) == ["Anna Lind"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("U.N.-backed investigators say the militia carried out mass killings.", "U.N.-backed investigators"),
        ("The U.N. refugee agency says displacement has passed 10 million.", "U.N. refugee agency"),
    ],
)
def test_dotted_acronyms_stay_whole_in_a_subject(classifier: LineClassifier, line: str, speaker: str) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_one_of_a_group_speaks_for_the_group(classifier: LineClassifier) -> None:
    line = '"They shoot anyone who runs," one of the few eyewitnesses told a television channel.'
    assert speakers_of(classifier, line) == ["eyewitnesses"]


def test_a_title_whose_complement_names_nobody_is_a_descriptor(classifier: LineClassifier) -> None:
    line = "The minister of state for social welfare tells a news agency that women were assaulted."
    assert speakers_of(classifier, line) == ["minister"]


def test_the_head_of_a_title_refers_back_to_its_holder(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Secretary of State Lena Varga spoke with the foreign minister to condemn the attacks.",
        "The Secretary reaffirmed support for the country's sovereignty.",
    ) == ["Lena Varga", "Lena Varga"]


@pytest.mark.parametrize("verb", ["underscored", "reaffirmed", "conveyed", "commended", "denounced", "decried"])
def test_readout_verbs_attribute(classifier: LineClassifier, verb: str) -> None:
    assert speakers_of(classifier, f"Minister Lena Varga {verb} the work of the aid convoys.") == ["Lena Varga"]


def test_a_finding_attributes_to_whoever_found_it(classifier: LineClassifier) -> None:
    line = "The Ruritanian government determined that the militia had committed atrocities."
    assert speakers_of(classifier, line) == ["Ruritanian government"]


def test_a_readout_names_its_source_after_stated_by(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "As stated by Spokesperson Lena Varga:") == ["Lena Varga"]


def test_who_in_capitals_is_the_world_health_organization(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "The WHO said hospitals were short of blood.") == ["World Health Organization"]


def test_an_attribution_closing_the_line_names_who_said_all_of_it(classifier: LineClassifier) -> None:
    line = (
        "Lisk on Monday rejected the offer of corridors into enemy territory, Deputy Prime Minister Anna Petrova said."
    )
    assert speakers_of(classifier, line) == ["Anna Petrova"]


def test_the_one_an_agency_quoted_is_the_speaker(classifier: LineClassifier) -> None:
    line = "The army will hold fire from dawn, the state news agency quoted the defence ministry as saying."
    assert speakers_of(classifier, line) == ["defence ministry"]


def test_abbreviated_ranks_are_titles_not_names(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "Maj. Gen. Ivo Marr said troops had taken the hill.") == ["Ivo Marr"]
    line = "The army's Arabic-language spokesman, Lt. Col. Omar Haddad, says the road will reopen."
    assert speakers_of(classifier, line) == ["Omar Haddad"]


def test_a_name_beside_a_title_with_a_complement_after_the_verb(classifier: LineClassifier) -> None:
    line = '"The occupiers hit the hospital," said the human rights commissioner of the parliament, Lena Varga.'
    assert speakers_of(classifier, line) == ["Lena Varga"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        (
            "Asked whether the army would let civilians leave, the ministry's spokesman said nothing was decided.",
            "ministry's spokesman",
        ),
        ("The town had no water for a week, according to the mayor, Ivan Sorok.", "Ivan Sorok"),
        ('"We will never leave," I was told by one resident.', "resident"),
    ],
)
def test_possessive_descriptors_names_after_according_to_and_agents_of_quotations(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_whoever_opens_an_investigation_is_its_speaker(classifier: LineClassifier) -> None:
    line = "The court's prosecutor, Anna Lind, opened an investigation into alleged war crimes in the region."
    assert speakers_of(classifier, line) == ["Anna Lind"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        (
            "Ruritania's adviser for children's rights, Olga Petrenko, last month reported that 14,000 had gone.",
            "Olga Petrenko",
        ),
        (
            "Boris Kalnin, deputy chairman of the Security Council of Ruritania and a former president and prime"
            " minister, said the court was worthless.",
            "Boris Kalnin",
        ),
        (
            "The court's pre-trial judges assessed there were grounds to believe the charges.",
            "court's pre-trial judges",
        ),
    ],
)
def test_adverbials_before_the_verb_long_appositives_and_judges(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_a_title_with_a_place_after_the_verb_keeps_its_name(classifier: LineClassifier) -> None:
    line = 'More buses arrived "from the hell of the city," said UN humanitarian coordinator in Ruritania Anna Lind.'
    assert speakers_of(classifier, line) == ["Anna Lind"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("Britain, France and Germany said in a joint statement that the road must stay open.", "Britain"),
        (
            "The foreign ministers of Germany, Jordan and Britain issued a joint call for a halt to the fighting.",
            "foreign ministers of Germany",
        ),
        ("Experts and the head of the Red Cross warn that the violence bears the hallmarks of genocide.", "Experts"),
    ],
)
def test_a_list_of_names_ends_the_subject_and_plural_subjects_take_the_base_verb(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_the_source_an_outlet_cites_is_the_speaker(classifier: LineClassifier) -> None:
    line = "A corridor will open on Friday, the state news agency reported, citing the defence ministry."
    assert speakers_of(classifier, line) == ["defence ministry"]
    assert speakers_of(classifier, "The strikes killed 12 people, the army said, citing satellite imagery.") == ["army"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        (
            "The shelling has not stopped, said a spokesperson for the regional administration.",
            "regional administration",
        ),
        ("The official, who spoke on condition of anonymity, said talks would resume next week.", "official"),
    ],
)
def test_a_closing_said_with_no_quotation_and_a_descriptor_before_a_clause(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_the_charity_is_the_body_named_before(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "The Korvian Relief Agency said on Monday it was moving staff out of Lorsk.",
        "Its last team left the city overnight, the charity said.",
    ) == ["Korvian Relief Agency", "Korvian Relief Agency"]


@pytest.mark.parametrize(
    "line",
    [
        "The crossing will stay closed until Friday, the Korvian Press Agency reported.",
        "The Tarvo Press Agency said the first buses had left the city.",
    ],
)
def test_a_press_agency_nobody_configured_only_carries_the_story(classifier: LineClassifier, line: str) -> None:
    # labels.md: agencies quoted as sources are never the speaker. Any "... Press Agency" is one,
    # not only those the lexicon lists by name.
    assert speakers_of(classifier, line) == [None]


def test_the_one_a_press_agency_cites_is_the_speaker(classifier: LineClassifier) -> None:
    line = "The Korvian Press Agency, citing Deputy Mayor Ivo Marek, said the crossing was closed."
    assert speakers_of(classifier, line) == ["Ivo Marek"]


def test_a_statement_quoted_from_its_start_names_its_author_after_a_long_title(classifier: LineClassifier) -> None:
    # The author's title runs to some ninety characters between the opening quotation mark and the verb.
    line = (
        "In a brief statement, \"Korvia's deputy minister for the reintegration of the occupied territories, "
        'Anna Lind, called for a safe route out of Tarvo."'
    )
    assert speakers_of(classifier, line) == ["Anna Lind"]


@pytest.mark.parametrize(
    "line",
    [
        'Foreign Minister Anna Lind: "We will not accept a corridor that leads only north."',
        "Korvia's Deputy Foreign Minister Anna Lind: we will not accept this.",
    ],
)
def test_a_title_and_name_of_up_to_six_words_before_a_colon_is_the_speaker(
    classifier: LineClassifier, line: str
) -> None:
    assert speakers_of(classifier, line) == ["Anna Lind"]


@pytest.mark.xfail(
    strict=True,
    reason="labels.md: the canonical form is the person's name; the classifier gives the name with its "
    "appositive title ('Anna Lind , Korvia's deputy foreign minister')",
)
def test_a_name_and_its_appositive_title_before_a_colon_is_the_person(classifier: LineClassifier) -> None:
    line = "Anna Lind, Korvia's deputy foreign minister: we will not accept this."
    assert speakers_of(classifier, line) == ["Anna Lind"]


@pytest.mark.parametrize(
    "text",
    [
        "A spokesman for the opposition said the talks would resume.",  # a side with no name of its own
        "Separately, said the talks would resume.",  # an opener and no subject at all
    ],
)
def test_a_subject_that_names_nobody_gives_no_error(classifier: LineClassifier, text: str) -> None:
    speakers_of(classifier, text)  # each raised IndexError once: a phrase stripped to nothing was read on


def test_reading_a_phrase_for_its_subject_leaves_the_phrase_as_it_was() -> None:
    phrase = phrases.tokens("and later")
    assert phrases.strip_subject(phrase) == []
    assert [t.group() for t in phrase] == ["and", "later"]


@pytest.mark.parametrize("adverbs", ["", "later ", "has repeatedly "])
def test_a_second_verb_after_and_shares_the_subject_whatever_adverbs_stand_between(
    classifier: LineClassifier, adverbs: str
) -> None:
    assert speakers_of(classifier, f"Russia took the town and {adverbs}said it would hold it.") == ["Russia"]


@pytest.mark.parametrize("unit", ["said, ", "He was told, ", "Told. "])
def test_a_speaker_after_dozens_of_verbs_that_name_nobody_is_still_found(classifier: LineClassifier, unit: str) -> None:
    """The bound on what a line's verbs may read never cuts a line of copy short (under 1,000 characters)."""
    text = unit * 40 + "Anna Lind said the talks would resume."
    assert len(text) < 1_000
    assert speakers_of(classifier, text) == ["Anna Lind"]


def test_a_body_named_after_its_kind_is_an_organisation_however_many_spaces_stand_between(
    classifier: LineClassifier,
) -> None:
    (verdict,) = verdicts_of(classifier, "Korvia's militant group" + " " * 150 + "Tarvo Brigades said it would fight.")
    assert verdict.speaker is not None
    assert (verdict.speaker.name, verdict.speaker.kind) == ("Tarvo Brigades", "organisation")


# Institutions, their rulings and their officials (issue 22): our own sentences, after patterns in real copy.


def test_a_council_named_in_passing_is_the_council_that_speaks_later(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "The Security Council met in emergency session on Tuesday.",
        "The council further called on both parties to respect the ceasefire.",
    ) == [None, "Security Council"]


def test_an_unnamed_official_of_a_named_side_speaks_for_that_side(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "The Tarvo Movement has held the northern province since March.",
        "A senior official of the movement told reporters the group would not disarm.",
        "A senior Tarvo official said the ceasefire proposal was a trap.",
        "An official from the movement said its fighters had withdrawn.",
    ) == [None, "Tarvo Movement", "Tarvo Movement", "Tarvo Movement"]


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Russian officials said the talks had failed.", "Russia"),
        ("A US official said the convoy had left.", "US"),
        ("British officials said the talks had failed.", "UK"),
        ("A Western official said the talks had failed.", "Western official"),  # a region, not a side
        ("Senior officials said the talks had failed.", "Senior officials"),  # a capital opening the line
        ("Korvian officials said the talks had failed.", "Korvian officials"),  # a side nobody named
    ],
)
def test_officials_named_after_their_side_speak_for_it_when_it_is_one(
    classifier: LineClassifier, text: str, side: str
) -> None:
    assert speakers_of(classifier, text) == [side]


def test_an_official_of_a_body_speaks_for_the_body_not_as_an_official(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "An official of the ministry said the crossing would reopen.") == ["ministry"]


def test_an_envoy_introduced_by_title_and_name_is_the_envoy_later(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "The UN envoy for Korvia, Anna Lind, arrived in the capital on Wednesday.",
        "The UN envoy told reporters the talks would resume next week.",
        "The envoy said both sides had agreed to a prisoner exchange.",
    ) == [None, "Anna Lind", "Anna Lind"]


def test_a_court_or_a_person_citing_something_is_the_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "The International Court of Justice heard the case on Monday.",
        "The court cited shortages of food and water in the besieged city.",
        "The court ruled that the blockade must end.",
        "Colonel Erik Berg cited intelligence reports of troops massing at the border.",
    ) == [None, "International Court of Justice", "International Court of Justice", "Erik Berg"]


def test_an_agency_citing_a_source_as_saying_is_not_the_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(classifier, "The agency cited a senior official as saying the talks had failed.") != ["agency"]


# Remarks and statements under a byline: the speech is its speaker's, the headings no one's.


@pytest.mark.parametrize(
    "byline", ["Ambassador Anna Lind", "Anna Lind | Ambassador", "Anna Lind, Foreign Minister of Korvia"]
)
def test_remarks_under_a_byline_are_its_speakers_line_after_line(classifier: LineClassifier, byline: str) -> None:
    assert speakers_of(
        classifier,
        byline,
        "Korvian Representative to the United Nations",
        "New York, New York",
        "March 3, 2026",
        "Thank you, Madam President.",
        "The Security Council must condemn these attacks, as the Secretary-General said on Monday.",
        "We call on both parties to return to the table",
    ) == [None, None, None, None, "Anna Lind", "Anna Lind", "Anna Lind"]


@pytest.mark.parametrize(
    "heading",
    [
        "By Erik Berg",  # the reporter's byline
        "Erik Berg",  # a name alone
        "Korvia President, Rebel Chief Reach Truce Deal",  # a headline
    ],
)
def test_a_reporters_byline_a_bare_name_or_a_headline_gives_no_one_the_floor(
    classifier: LineClassifier, heading: str
) -> None:
    assert speakers_of(classifier, heading, "Fighting continued in the north on Friday.") == [None, None]


def test_an_envoy_set_off_after_the_name_with_what_they_are_envoy_for_is_the_envoy_later(
    classifier: LineClassifier,
) -> None:
    assert speakers_of(
        classifier,
        "Anna Lind, the UN envoy for Korvia, arrived in the capital on Monday.",
        "The UN envoy told reporters both sides had agreed to a truce.",
    ) == [None, "Anna Lind"]


def test_a_title_set_off_after_a_name_with_a_lower_case_complement_teaches_nothing(
    classifier: LineClassifier,
) -> None:
    assert speakers_of(
        classifier,
        "Anna Lind, the envoy to the region, arrived on Monday.",
        "The envoy said talks would resume.",
    ) == [None, "envoy"]


def test_a_body_whose_name_holds_a_configured_name_is_the_body_its_head_refers_to(
    classifier: LineClassifier,
) -> None:
    assert speakers_of(
        classifier,
        "The African Union Commission convened an emergency meeting on Korvia.",
        "The commission urged the warring parties to return to talks.",
    ) == [None, "African Union Commission"]


def test_the_bloc_is_the_body_named_before(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "The East African Community held a summit in Arusha.",
        "The bloc urged the rebels to withdraw from the town.",
    ) == [None, "East African Community"]


def test_the_army_is_the_armed_forces_named_before_and_never_a_paramilitary(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier,
        "Fighting between the Korvian Armed Forces and the Coastal Support Forces spread to the port.",
        "The army said it had taken the airport.",
    ) == [None, "Korvian Armed Forces"]
    assert speakers_of(
        classifier,
        "The Coastal Support Forces shelled the port overnight.",
        "The army said it had taken the airport.",
    ) == [None, "army"]


@pytest.mark.parametrize(
    "line",
    [
        "A spokesman read a statement on behalf of the Korvian Armed Forces, denying the claims.",
        "In a statement released by the Korvian Armed Forces, the army denied the claims.",
        "The statement was issued by the Korvian Armed Forces late on Sunday.",
    ],
)
def test_a_statement_speaks_for_its_author_not_for_who_reads_it(classifier: LineClassifier, line: str) -> None:
    assert speakers_of(classifier, line) == ["Korvian Armed Forces"]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("Anna Lind said in a statement from the Korvian presidency that the talks were over.", "Anna Lind"),
        ("The rebels issued a statement from their headquarters in the hills.", "rebels"),
    ],
)
def test_a_statement_after_its_speaker_or_from_a_place_leaves_the_speaker_who_spoke(
    classifier: LineClassifier, line: str, speaker: str
) -> None:
    assert speakers_of(classifier, line) == [speaker]


def test_a_statement_talked_about_mid_sentence_is_not_the_line_s_speaker(classifier: LineClassifier) -> None:
    assert speakers_of(
        classifier, "I must answer, because of the statement by the Korvian representative this morning."
    ) == [None]
