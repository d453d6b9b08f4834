"""Personal information in a case's description (incidents/pii.py, rule F-4): what is found,
where, never repeated in the message, and ordinary incident text left alone."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from incidents.pii import Finding, PiiKind, find_personal_information

TODAY = date(2026, 12, 1)


def found(text: str, **kwargs) -> list[tuple[PiiKind, str]]:
    """The kinds found and the text each covers (tests may look at it; messages never do)."""
    kwargs.setdefault("today", TODAY)
    return [(f.kind, text[f.start : f.end]) for f in find_personal_information(text, **kwargs)]


def test_a_10_digit_number_is_an_ssid():
    # rule F-4
    assert found("Student 1234567890 saw the screen.") == [(PiiKind.SSID, "1234567890")]


@pytest.mark.parametrize("text", ["CDS 19647336017313", "code 12345678901", "id 123456789"])
def test_other_digit_runs_are_not_ssids(text):
    # A 14-digit CDS code names a school, not a student: decided not personal information.
    assert found(text) == []


@pytest.mark.parametrize(
    "birth_date",
    ["4/30/2015", "04-30-2015", "4.30.2015", "4/30/15", "2015-04-30", "2015/4/30",
     "April 30, 2015", "Apr. 30 2015", "april 30th, 2015", "30 April 2015", "30th of April, 2015"],
)  # fmt: skip
def test_dates_in_a_students_birth_years_are_dates_of_birth(birth_date):
    # rule F-4
    text = f"The student, born {birth_date}, left."
    assert found(text.replace("born ", "")) == [(PiiKind.BIRTH_DATE, birth_date)]
    assert found(text) == [(PiiKind.BIRTH_DATE, birth_date)]


@pytest.mark.parametrize("incident_date", ["11/30/2026", "2026-11-30", "November 30, 2026"])
def test_the_incidents_own_date_is_not_a_date_of_birth(incident_date):
    assert found(f"On {incident_date} at 10:30 the proctor paused the test.") == []


def test_any_date_after_born_or_dob_is_a_date_of_birth():
    # 1990 is outside the students' birth years, but the text says what it is.
    assert found("DOB: 1/2/1990") == [(PiiKind.BIRTH_DATE, "1/2/1990")]
    assert found("date of birth 1990-01-02") == [(PiiKind.BIRTH_DATE, "1990-01-02")]
    assert found("hired 1/2/1990") == []


def test_impossible_dates_are_not_dates():
    assert found("Scores 13/45/2015 and 2/30/2015.") == []


def test_birth_years_follow_today():
    # Without ``today``, the years are counted from California's date (pinned here).
    with time_machine.travel("2040-06-01T12:00-07:00", tick=False):
        assert [f.kind for f in find_personal_information("Born in 1/2/2030.")] == [
            PiiKind.BIRTH_DATE
        ]
        assert find_personal_information("On 1/2/2014.") == []  # 26 years before 2040


@pytest.mark.parametrize(
    "email", ["maria.garcia@example.org", "m_g+1@mail.school.k12.ca.us", "A1@B.CO"]
)
def test_an_email_address(email):
    # rule F-4
    assert found(f"Write to {email}.") == [(PiiKind.EMAIL, email)]


@pytest.mark.parametrize(
    "phone",
    ["(916) 555-0100", "916-555-0100", "916.555.0100", "916 555 0100", "+1 916 555 0100",
     "1-916-555-0100", "(916)555-0100"],
)  # fmt: skip
def test_a_us_phone_number(phone):
    # rule F-4
    assert found(f"Parent called from {phone} today.") == [(PiiKind.PHONE, phone)]


def test_ten_digits_without_punctuation_are_reported_once_as_an_ssid():
    assert found("Call 9165550100") == [(PiiKind.SSID, "9165550100")]


def test_an_email_with_digits_is_one_finding():
    assert found("Mail 1234567890@example.org") == [(PiiKind.EMAIL, "1234567890@example.org")]


@pytest.mark.parametrize(
    "text",
    [
        "A grade 10 student skipped question 7 at 10:30.",
        "During the 2026-27 school year, session 3 of 4 ended at 9:45 a.m.",
        "Test ID 2026-000123; 25 of 40 items; 100% complete; room 12-B.",
        "The proctor read items 1-5 aloud; scores were 2,450 and 2,501.",
        "Case 2026-000123 was filed on 11/30/2026 by the site coordinator.",
        "The student will retest; the teacher may call the LEA.",
    ],
)
def test_ordinary_incident_text_passes(text):
    assert found(text, student_names=["Will May"]) == []


def test_a_students_first_or_last_name_is_found_in_any_case():
    # rule F-4
    names = ["Maria Garcia", "Lee Ng"]
    assert found("maria opened a browser; GARCIA saw it; ng too.", student_names=names) == [
        (PiiKind.STUDENT_NAME, "maria"),
        (PiiKind.STUDENT_NAME, "GARCIA"),
        (PiiKind.STUDENT_NAME, "ng"),
    ]


def test_names_match_whole_words_only():
    assert found("Marianne used a Garcias-brand calculator.", student_names=["Maria Garcia"]) == []
    assert found("Leeway was given.", student_names=["Lee"]) == []


def test_names_match_ignoring_accents_either_way():
    assert found("Jose and Zoë left.", student_names=["José Zoe"]) == [
        (PiiKind.STUDENT_NAME, "Jose"),
        (PiiKind.STUDENT_NAME, "Zoë"),
    ]
    assert found("MUÑOZ left.", student_names=["Munoz"]) == [(PiiKind.STUDENT_NAME, "MUÑOZ")]


def test_hyphenated_and_apostrophe_names():
    names = ["Ana García-López", "Sean O\u2019Brien"]  # a typographic apostrophe
    assert found("García-López, Lopez and O'Brien", student_names=names) == [
        (PiiKind.STUDENT_NAME, "García-López"),
        (PiiKind.STUDENT_NAME, "Lopez"),
        (PiiKind.STUDENT_NAME, "O'Brien"),
    ]


def test_a_name_that_is_also_a_word_matches_only_capitalized():
    assert found("Will said he will stop.", student_names=["Will Smith"]) == [
        (PiiKind.STUDENT_NAME, "Will")
    ]


def test_an_initial_is_not_a_name():
    assert found("J. was in room A.", student_names=["J Smith"]) == []


def test_messages_say_what_and_where_never_the_text():
    text = "Lee was upset. His mother wrote from lee.ng@example.org. Born 4/30/2015."
    findings = find_personal_information(text, student_names=["Lee Ng"], today=TODAY)
    assert [f.message for f in findings] == [
        "a student's name in sentence 1",
        "an email address in sentence 2",
        "a date of birth in sentence 3",
    ]
    assert not any("Lee" in f.message or "lee" in f.message for f in findings)


def test_sentences_are_counted_across_lines():
    text = "The test paused\nThe proctor called 916-555-0100! Then left."
    (finding,) = find_personal_information(text, today=TODAY)
    assert finding == Finding(PiiKind.PHONE, 35, 47, 2)
    assert text[finding.start : finding.end] == "916-555-0100"


def test_everything_is_found_in_order():
    text = "Ana (1234567890, 3/3/2016) phoned (916) 555-0100 and wrote ana@example.org."
    assert [kind for kind, _ in found(text, student_names=["Ana Ruiz"])] == [
        PiiKind.STUDENT_NAME,
        PiiKind.SSID,
        PiiKind.BIRTH_DATE,
        PiiKind.PHONE,
        PiiKind.EMAIL,
    ]


def test_empty_text_and_no_names():
    assert find_personal_information("", today=TODAY) == []
    assert found("Nothing here.", student_names=["", "  ", "-"]) == []
