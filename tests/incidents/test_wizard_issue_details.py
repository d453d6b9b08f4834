"""The wizard's second and third steps: the testing issue (F-1 step 2, F-9) and the follow-up
questions, description and breach record (F-1 step 3, F-4, S-3), and where Next leads (F-2)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents import services
from incidents.models import IncidentType
from tests.incidents.conftest import INCIDENT_DAY, draft, incident
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.usefixtures("filing_day", "windows")


def url(name: str, case) -> str:
    return reverse(f"incidents:wizard_{name}", args=[case.pk])


@pytest.fixture
def early(lea_coordinator, tree):
    """A draft at step 2: school and test chosen, no issue yet."""
    return services.case_create_draft(
        actor=lea_coordinator,
        school=tree.school_a1,
        incident_date=INCIDENT_DAY,
        grade=5,
        test="SB_MATH",
        part="NON_PT",
        delivery="ONLINE",
    )


# --- step 2 -------------------------------------------------------------------------------------


def test_issues_are_grouped_by_severity_with_their_descriptions(client, lea_coordinator, early):
    client.force_login(lea_coordinator)
    response = client.get(url("issue", early))
    html = response.content.decode()
    groups = [group.label for group in response.context["form"].groups()]
    assert groups == ["Breach", "Irregularity", "Impropriety", "Not a STAIRS incident"]
    assert html.count("<legend") == 5  # the radio list's own, and one per group
    assert 'id="id_incident_type_0"' in html
    # Only the issues of this test and part: an ELPAC-only one is not offered.
    listed = {o.incident.code for g in response.context["form"].groups() for o in g.options}
    assert "SUBMITTED_EARLY" in listed and "DESIGNATED_SUPPORT_ELPAC" not in listed
    description = incident("SUBMITTED_EARLY").description
    if description:
        assert description in html


def test_parent_exemption_explains_f9_and_files_nothing(client, lea_coordinator, early):
    # rule F-9: not a STAIRS incident: the wizard explains and does not go on
    client.force_login(lea_coordinator)
    data = {"incident_type": incident("PARENT_EXEMPTION").pk, "action": "next"}
    response = client.post(url("issue", early), data)
    assert response.status_code == 200
    (message,) = response.context["form"].errors["incident_type"]
    assert "is not a STAIRS incident" in message and "cannot be invalidated" in message
    early.refresh_from_db()
    assert early.incident_type is None
    # Save draft is refused the same way.
    response = client.post(url("issue", early), {**data, "action": "save"})
    assert response.status_code == 200


def test_an_issue_not_offered_for_the_test_is_refused(client, lea_coordinator, early):
    client.force_login(lea_coordinator)
    data = {"incident_type": incident("DESIGNATED_SUPPORT_ELPAC").pk, "action": "next"}
    response = client.post(url("issue", early), data)
    assert response.context["form"].errors["incident_type"] == [
        "Choose one of the testing issues listed."
    ]


def test_choosing_an_issue_saves_it_and_goes_to_the_details(client, lea_coordinator, early):
    client.force_login(lea_coordinator)
    data = {"incident_type": incident("TEST_EXPIRED").pk, "action": "next"}
    response = client.post(url("issue", early), data)
    assert response.url == url("details", early)
    early.refresh_from_db()
    assert early.incident_type.code == "TEST_EXPIRED"


def test_changing_the_issue_drops_the_other_issues_answers(client, lea_coordinator, tree):
    case = draft(
        lea_coordinator, tree.school_a1, incident_code="TEST_EXPIRED", answers={"cause": "OTHER"}
    )
    client.force_login(lea_coordinator)
    client.post(url("issue", case), {"incident_type": incident("SUBMITTED_EARLY").pk})
    case.refresh_from_db()
    assert case.incident_type.code == "SUBMITTED_EARLY" and case.answers == {}


def test_the_issue_step_needs_the_date_and_grade_first(client, lea_coordinator, tree):
    case = services.case_create_draft(actor=lea_coordinator, school=tree.school_a1, test="SB_MATH")
    client.force_login(lea_coordinator)
    assert client.get(url("issue", case)).url == url("incident", case)
    assert client.get(url("details", case)).url == url("incident", case)


def test_a_draft_starts_with_its_test(lea_coordinator, tree):
    # F-1: step 1 chooses the test; the draft's program (who may see it) follows from it.
    with pytest.raises(ValidationError) as refused:
        services.case_create_draft(actor=lea_coordinator, school=tree.school_a1)
    assert refused.value.message_dict == {"test": ["Choose the test."]}
    case = services.case_create_draft(actor=lea_coordinator, school=tree.school_a1, test="SB_MATH")
    with pytest.raises(ValidationError):
        services.case_update_draft(case=case, actor=lea_coordinator, test="")


# --- step 3 -------------------------------------------------------------------------------------


def details(case, **answers) -> dict:
    data = {"description": "The test expired over the spring break.", "action": "next"}
    data.update({f"answer_{key}": value for key, value in answers.items()})
    return data


def test_follow_up_questions_are_required(client, lea_coordinator, tree):
    case = draft(lea_coordinator, tree.school_a1, incident_code="TEST_EXPIRED", answers={})
    client.force_login(lea_coordinator)
    response = client.post(url("details", case), details(case))
    assert response.context["form"].errors["answer_cause"] == ["Answer this question."]
    response = client.post(url("details", case), details(case, cause="EXCUSED_ABSENCE"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.answers == {"cause": "EXCUSED_ABSENCE"}


def test_a_conditional_question_counts_only_after_its_answer(client, lea_coordinator, tree):
    # Without JavaScript every question shows; "answer only if ..." ones are ignored otherwise.
    case = draft(
        lea_coordinator,
        tree.school_a1,
        incident_code="INCORRECT_ASSESSMENT",
        answers={"what": "WRONG_GRADE"},
        breach_call_record="CDE, 9:40 on March 9",
    )
    client.force_login(lea_coordinator)
    page = client.get(url("details", case))
    assert "Answer only if you answered" in page.content.decode()
    data = details(case, what="WRONG_GRADE", nonallowable_materials="yes")
    data["breach_call_record"] = "CDE, 9:40 on March 9"
    assert client.post(url("details", case), data).status_code == 302
    case.refresh_from_db()
    assert case.answers == {"what": "WRONG_GRADE"}
    data = details(case, what="SUMMATIVE_INSTEAD_OF_PRACTICE")
    data["breach_call_record"] = "CDE, 9:40 on March 9"
    response = client.post(url("details", case), data)
    assert response.context["form"].errors["answer_nonallowable_materials"] == [
        "Answer this question."
    ]
    data["answer_nonallowable_materials"] = "no"
    assert client.post(url("details", case), data).status_code == 302
    case.refresh_from_db()
    assert case.answers == {
        "what": "SUMMATIVE_INSTEAD_OF_PRACTICE",
        "nonallowable_materials": False,
    }


def test_a_breach_shows_whom_to_phone_and_requires_the_call_record(client, lea_coordinator, tree):
    # rule S-3: phone CDE (and CalTAC for social media) first; the case records the call
    case = draft(lea_coordinator, tree.school_a1, incident_code="SOCIAL_MEDIA_STUDENT")
    client.force_login(lea_coordinator)
    page = client.get(url("details", case)).content.decode()
    assert "916-445-8765" in page and "800-955-2954" in page
    response = client.post(url("details", case), details(case))
    assert response.context["form"].errors["breach_call_record"] == [
        "Record who you called about the breach, and when."
    ]
    case.refresh_from_db()
    assert case.breach_call_record == ""
    data = {**details(case), "breach_call_record": "CDE test security, March 9 at 9:40"}
    assert client.post(url("details", case), data).status_code == 302
    case.refresh_from_db()
    assert case.breach_call_record == "CDE test security, March 9 at 9:40"


def test_no_breach_record_is_asked_for_other_issues(client, lea_coordinator, tree):
    case = draft(lea_coordinator, tree.school_a1, incident_code="SUBMITTED_EARLY")
    client.force_login(lea_coordinator)
    page = client.get(url("details", case))
    assert "breach_call_record" not in page.context["form"].fields
    assert "916-445-8765" not in page.content.decode()


def test_the_description_is_required(client, lea_coordinator, tree):
    # rule F-4: complete
    case = draft(lea_coordinator, tree.school_a1)
    client.force_login(lea_coordinator)
    response = client.post(url("details", case), {"description": "  ", "action": "next"})
    assert response.context["form"].errors["description"] == ["Describe the incident."]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The student said so. Call 916-555-0199 for more.", "a phone number in sentence 2"),
        ("SSID 1234567890 submitted early.", "a 10-digit number (an SSID) in sentence 1"),
        ("Mail jo@example.org.", "an email address in sentence 1"),
    ],
)
def test_personal_information_in_the_description_is_refused(
    client, lea_coordinator, tree, text, found
):
    # rule F-4: no personally identifiable information; the message says what and where
    case = draft(lea_coordinator, tree.school_a1)
    client.force_login(lea_coordinator)
    response = client.post(url("details", case), {"description": text, "action": "next"})
    assert response.context["form"].errors["description"] == [
        f"Remove personal information: {found}."
    ]
    case.refresh_from_db()
    assert case.description == "Submitted by mistake after question 4."


def test_a_students_name_in_the_description_is_refused(client, lea_coordinator, tree, filing_day):
    # rule F-4: the names of the case's students are looked for, and never shown back
    student = StudentFactory(school=tree.school_a1, grade=5, first_name="Marisol", last_name="Q")
    make_event(student, test="SB_MATH", part="NON_PT", status="SUBMITTED")
    case = draft(lea_coordinator, tree.school_a1, students=[student])
    client.force_login(lea_coordinator)
    data = {"description": "It was quiet. Then marisol pressed submit.", "action": "next"}
    response = client.post(url("details", case), data)
    assert response.context["form"].errors["description"] == [
        "Remove personal information: a student's name in sentence 2."
    ]
    assert "arisol" not in response.content.decode().replace(data["description"], "")


# --- where Next leads (F-2) ---------------------------------------------------------------------


def test_without_an_appeal_details_lead_straight_to_confirm(client, lea_coordinator, tree):
    # rule F-2, rule S-1: a student disruption has no appeal: no Students or Select step
    case = draft(lea_coordinator, tree.school_a1, incident_code="STUDENT_DISRUPTION")
    client.force_login(lea_coordinator)
    response = client.post(url("details", case), details(case))
    assert response.url == url("confirm", case)
    page = client.get(url("confirm", case))
    assert "Students" not in page.context["wizard_steps"]
    assert "Appeals" not in page.context["wizard_steps"]
    assert page.context["wizard_back_url"] == url("details", case)
    plan = client.get(url("plan", case))
    assert plan.context["wizard_back_url"] == url("confirm", case)


def test_with_an_appeal_details_lead_to_the_students(client, lea_coordinator, tree):
    # rule F-2: Re-open possible for an early submission: the Students step follows
    case = draft(lea_coordinator, tree.school_a1, incident_code="SUBMITTED_EARLY")
    client.force_login(lea_coordinator)
    response = client.post(url("details", case), details(case))
    assert response.url == url("students", case)
    page = client.get(url("confirm", case))
    assert page.context["wizard_back_url"] == url("students", case)
    assert client.get(url("plan", case)).context["wizard_back_url"] == url("select", case)


def test_back_links_lead_to_the_previous_step(client, lea_coordinator, tree):
    case = draft(lea_coordinator, tree.school_a1)
    client.force_login(lea_coordinator)
    issue = client.get(url("issue", case))
    assert issue.context["wizard_back_url"] == url("incident", case)
    page = client.get(url("details", case))
    assert page.context["wizard_back_url"] == url("issue", case)
    assert f'href="{url("issue", case)}">Back' in page.content.decode()


def test_save_draft_saves_the_step_and_returns_to_the_case(client, lea_coordinator, tree):
    # rule F-5: a draft can be saved at any step
    case = draft(lea_coordinator, tree.school_a1, incident_code="TEST_EXPIRED", answers={})
    client.force_login(lea_coordinator)
    data = {**details(case, cause="SCHOOL_CLOSURE"), "action": "save"}
    response = client.post(url("details", case), data, follow=False)
    assert response.url == reverse("incidents:detail", args=[case.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Draft saved; continue any time from Search STAIRS."
    ]
    case.refresh_from_db()
    assert case.answers == {"cause": "SCHOOL_CLOSURE"}
    assert case.description == "The test expired over the spring break."
    # Save draft runs the same checks: with errors it saves nothing.
    bad = {"description": "", "answer_cause": "OTHER", "action": "save"}
    assert client.post(url("details", case), bad).status_code == 200
    case.refresh_from_db()
    assert case.answers == {"cause": "SCHOOL_CLOSURE"}


def test_incident_type_fixture_has_a_breach_with_questions():
    # Guard for the conditional-question test above: the catalog still gates its question.
    question = IncidentType.objects.get(code="INCORRECT_ASSESSMENT").questions.get(
        key="nonallowable_materials"
    )
    assert (question.asked_when_key, question.asked_when_answer) == (
        "what",
        "SUMMATIVE_INSTEAD_OF_PRACTICE",
    )
