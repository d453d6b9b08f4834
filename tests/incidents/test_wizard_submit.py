"""The wizard from end to end through its pages: the typed journey, Confirm Details, the SSID
selection, the plan and Submit, double submission, drafts resumed after signing out, who may
open a draft, and the Confirm page's query count."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals.models import Appeal
from incidents import services
from incidents.case_models import Case
from students.models import TestingWindow, TestStatus
from tests.incidents.conftest import draft, incident
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.usefixtures("filing_day", "windows")

STEP_NAMES = ["incident", "issue", "details", "confirm", "select", "plan"]


def url(name: str, case) -> str:
    return reverse(f"incidents:wizard_{name}", args=[case.pk])


def start(client, school) -> Case:
    """Steps 1 to 3 through the pages, for a student who submitted the Math non-PT early."""
    client.post(
        reverse("incidents:new"),
        {
            "school": school.pk,
            "incident_date": "2027-03-10",
            "incident_time": "08:15",
            "grade": "5",
            "test_part": "SB_MATH:NON_PT",
            "delivery": "ONLINE",
            "action": "next",
        },
    )
    case = Case.objects.latest("pk")
    client.post(url("issue", case), {"incident_type": incident("SUBMITTED_EARLY").pk})
    response = client.post(
        url("details", case),
        {"description": "Submitted by mistake after question 4.", "action": "next"},
    )
    assert response.url == url("students", case)  # rule F-2: an appeal is possible
    return case


def test_the_whole_typed_journey_files_the_selected_appeals(
    client, colleague, tree, submitted_students
):
    # rule F-1, rule F-6: number, appeals for the selected SSIDs, and who decides them
    client.force_login(colleague)
    case = start(client, tree.school_a1)
    # The Students page belongs to another helper: its service stands in for it here.
    ssids = [student.ssid for student in submitted_students]
    services.case_set_students(case=case, actor=colleague, ssids=ssids)

    confirm = client.get(url("confirm", case))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert all(ssid in html for ssid in ssids)
    assert "Re-open" in html and "CalTAC" in html
    assert "Submitted by mistake after question 4." in html
    assert "will be marked late" not in html  # rule S-5: 08:15 today is within 24 hours
    assert client.post(url("confirm", case), {"action": "next"}).url == url("select", case)

    select = client.get(url("select", case))
    assert select.context["form"]["selected"].value() == ssids  # all checked the first time
    response = client.post(url("select", case), {"selected": ssids[:2], "action": "next"})
    assert response.url == url("plan", case)

    plan = client.get(url("plan", case))
    assert "Submit the case" in plan.content.decode()
    response = client.post(
        url("plan", case), {"plan_of_action": "Remind students.", "action": "next"}
    )
    assert response.url == reverse("incidents:submitted", args=[case.pk])
    case.refresh_from_db()
    assert not case.is_draft and case.number and not case.late
    assert case.plan_of_action == "Remind students."
    assert (
        sorted(Appeal.objects.filter(case=case).values_list("student__ssid", flat=True))
        == (ssids[:2])
    )

    page = client.get(response.url).content.decode()
    assert case.number in page
    assert "Appeals filed (2)" in page
    assert ssids[0] in page and ssids[2] in page and "not selected" in page
    assert "decided by CalTAC" in page
    # rule N-1: a site coordinator's case is also sent to the LEA coordinator
    assert "sent to you and to your LEA's coordinator" in page
    assert reverse("incidents:detail", args=[case.pk]) in page
    assert reverse("incidents:new") in page


def test_a_case_without_appeal_skips_students_and_select(client, lea_coordinator, tree):
    # rule F-2: details -> confirm -> plan; the case is filed without students
    client.force_login(lea_coordinator)
    response = client.post(
        reverse("incidents:new"),
        {
            "school": tree.school_a2.pk,
            "incident_date": "2027-03-09",
            "grade": "6",
            "test_part": "SB_ELA:PT",
            "delivery": "ONLINE",
            "action": "next",
        },
    )
    case = Case.objects.get()
    assert response.url == url("issue", case)
    client.post(url("issue", case), {"incident_type": incident("STUDENT_DISRUPTION").pk})
    response = client.post(url("details", case), {"description": "A fire alarm rang."})
    assert response.url == url("confirm", case)
    confirm = client.get(url("confirm", case)).content.decode()
    assert "No appeal can be filed for this testing issue" in confirm
    # rule S-5: no time given on the 9th: not late before the end of the 10th
    assert "will be marked late" not in confirm
    assert client.post(url("confirm", case), {"action": "next"}).url == url("plan", case)
    response = client.post(url("plan", case), {"plan_of_action": "Drill notice.", "action": "next"})
    assert response.url == reverse("incidents:submitted", args=[case.pk])
    page = client.get(response.url).content.decode()
    assert "No appeal was filed" in page
    assert "No appeal can be filed for this testing issue" in page
    assert "sent to you." in page


def test_confirm_warns_when_the_case_would_be_late(client, lea_coordinator, tree):
    # rule S-5: more than 24 hours after the incident
    case = services.case_create_draft(
        actor=lea_coordinator,
        school=tree.school_a1,
        incident_date="2027-03-08",
        grade=5,
        test="SB_MATH",
        part="NON_PT",
        delivery="ONLINE",
        incident_type=incident("STUDENT_DISRUPTION"),
        description="A fire alarm rang.",
    )
    client.force_login(lea_coordinator)
    assert "will be marked late" in client.get(url("confirm", case)).content.decode()


def test_double_submission_files_one_case(client, lea_coordinator, tree, submitted_students):
    # issue 8 part 6: a double click, Back then resubmit, or two tabs make one case
    client.force_login(lea_coordinator)
    case = start(client, tree.school_a1)
    services.case_set_students(
        case=case, actor=lea_coordinator, ssids=[s.ssid for s in submitted_students]
    )
    services.case_select_students(
        case=case, actor=lea_coordinator, ssids=[s.ssid for s in submitted_students]
    )
    data = {"plan_of_action": "Remind students.", "action": "next"}
    first = client.post(url("plan", case), data)
    second = client.post(url("plan", case), data)
    submitted = reverse("incidents:submitted", args=[case.pk])
    assert first.url == second.url == submitted
    assert Case.objects.count() == 1
    assert Appeal.objects.filter(case=case).count() == 3
    # Every other step of a submitted case leads to the case page, not its form.
    for name in STEP_NAMES[:-1]:
        response = client.get(url(name, case))
        assert response.url == reverse("incidents:detail", args=[case.pk]), name
    response = client.post(url("details", case), {"description": "changed"})
    assert response.url == reverse("incidents:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.description == "Submitted by mistake after question 4."


def test_a_refused_submission_links_each_problem_to_its_step(client, lea_coordinator, tree):
    # rule F-8: the window closed since the draft was written; rule F-4: a student's name
    client.force_login(lea_coordinator)
    case = start(client, tree.school_a1)
    student = StudentFactory(school=tree.school_a1, grade=5, first_name="Marisol")
    make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
    services.case_set_students(case=case, actor=lea_coordinator, ssids=[student.ssid])
    services.case_update_draft(
        case=case,
        actor=lea_coordinator,
        description=f"{student.first_name} submitted by mistake after question 4.",
    )
    TestingWindow.objects.filter(lea=tree.lea_a, program="CAASPP").delete()
    response = client.post(url("plan", case), {"plan_of_action": "Remind.", "action": "next"})
    assert response.status_code == 200
    problems = {p["url"]: p["message"] for p in response.context["problems"]}
    assert "outside your LEA's testing window" in problems[url("incident", case)]
    assert "a student's name in sentence 1" in problems[url("details", case)]
    html = response.content.decode()
    assert "The case was not submitted" in html and "Fix it in “Details”" in html
    assert student.first_name not in html
    case.refresh_from_db()
    assert case.is_draft and case.plan_of_action == "Remind."


def test_plan_of_action_is_required(client, lea_coordinator, tree):
    client.force_login(lea_coordinator)
    case = start(client, tree.school_a1)
    response = client.post(url("plan", case), {"plan_of_action": " ", "action": "next"})
    assert response.context["form"].errors["plan_of_action"] == ["Give the plan of action."]
    case.refresh_from_db()
    assert case.is_draft


def test_save_draft_on_the_plan_saves_without_submitting(client, lea_coordinator, tree):
    # rule F-5
    client.force_login(lea_coordinator)
    case = start(client, tree.school_a1)
    data = {"plan_of_action": "Remind.", "comment": "Late bus.", "action": "save"}
    response = client.post(url("plan", case), data)
    assert response.url == reverse("incidents:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.is_draft and (case.plan_of_action, case.comment) == ("Remind.", "Late bus.")


def test_select_lists_ssids_without_an_appeal_with_their_reason(
    client, lea_coordinator, tree, submitted_students
):
    client.force_login(lea_coordinator)
    case = start(client, tree.school_a1)
    no_event = StudentFactory(school=tree.school_a1, grade=5)
    ssids = [submitted_students[0].ssid, no_event.ssid]
    services.case_set_students(case=case, actor=lea_coordinator, ssids=ssids)
    page = client.get(url("select", case))
    assert [value for value, _ in page.context["form"].fields["selected"].choices] == [ssids[0]]
    html = page.content.decode()
    assert f'value="{no_event.ssid}"' not in html
    assert no_event.ssid in html and "No Smarter Balanced Mathematics non-PT test event" in html
    response = client.post(url("select", case), {"selected": ssids, "action": "next"})
    assert response.context["form"].errors["selected"] == ["Select only the SSIDs listed."]


def test_a_draft_is_resumed_after_signing_out(client, lea_coordinator, tree):
    # rule F-5, architecture "Drafts are rows": nothing lives in the session
    client.force_login(lea_coordinator)
    case = start(client, tree.school_a1)
    client.post(reverse("accounts:logout"))
    assert client.get(url("details", case)).status_code == 302  # signed out
    fresh = Client()  # another browser, even
    fresh.force_login(lea_coordinator)
    details = fresh.get(url("details", case))
    assert details.context["form"]["description"].value() == (
        "Submitted by mistake after question 4."
    )
    step1 = fresh.get(url("incident", case)).context["form"]
    assert step1["test_part"].value() == "SB_MATH:NON_PT"
    assert step1["school"].value() == tree.school_a1.pk
    issue = fresh.get(url("issue", case)).context["form"]
    assert str(issue["incident_type"].value()) == str(incident("SUBMITTED_EARLY").pk)


@pytest.mark.parametrize("name", STEP_NAMES)
def test_an_outsider_cannot_open_another_leas_draft(client, lea_coordinator, outsider, tree, name):
    # rule U-4: another LEA's case is a 404, like a missing one
    case = services.case_create_draft(actor=lea_coordinator, school=tree.school_a1, test="SB_MATH")
    client.force_login(outsider)
    assert client.get(url(name, case)).status_code == 404
    assert client.post(url(name, case), {"action": "next"}).status_code == 404
    assert client.get(reverse("incidents:submitted", args=[case.pk])).status_code == 404


def test_test_administrator_and_cde_reviewer_cannot_continue_a_draft(
    client, lea_coordinator, test_administrator, cde_reviewer, tree
):
    # rule F-7: they do not file; a test administrator does not even see the case
    case = services.case_create_draft(actor=lea_coordinator, school=tree.school_a1, test="SB_MATH")
    client.force_login(test_administrator)
    assert client.get(url("incident", case)).status_code == 404
    client.force_login(cde_reviewer)
    assert client.get(url("incident", case)).status_code == 403
    assert client.post(url("details", case), {"description": "x"}).status_code == 403


def test_a_colleague_continues_an_lea_draft_they_can_see(client, lea_coordinator, colleague, tree):
    # rule U-4: the site coordinator sees their school's CAASPP cases, drafts included
    client.force_login(lea_coordinator)
    case = start(client, tree.school_a1)
    client.force_login(colleague)
    response = client.post(url("issue", case), {"incident_type": incident("TEST_EXPIRED").pk})
    assert response.url == url("details", case)
    case.refresh_from_db()
    assert case.incident_type.code == "TEST_EXPIRED"


def test_steps_refuse_other_methods_and_posts_without_csrf(client, lea_coordinator, tree):
    case = services.case_create_draft(actor=lea_coordinator, school=tree.school_a1, test="SB_MATH")
    client.force_login(lea_coordinator)
    assert client.delete(url("incident", case)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lea_coordinator)
    assert strict.post(url("plan", case), {"plan_of_action": "x"}).status_code == 403
    assert strict.post(reverse("incidents:new"), {"action": "next"}).status_code == 403


def test_submitted_page_of_a_draft_goes_back_to_the_plan(client, lea_coordinator, tree):
    case = services.case_create_draft(actor=lea_coordinator, school=tree.school_a1, test="SB_MATH")
    client.force_login(lea_coordinator)
    assert client.get(reverse("incidents:submitted", args=[case.pk])).url == url("plan", case)


def _students(school, count):
    students = [StudentFactory(school=school, grade=5) for _ in range(count)]
    for student in students:
        make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
    return students


def test_confirm_costs_the_same_queries_for_3_and_30_ssids(
    client, lea_coordinator, tree, django_assert_num_queries
):
    client.force_login(lea_coordinator)
    cases = []
    for count in (3, 30):
        case = start(client, tree.school_a1)
        services.case_set_students(
            case=case,
            actor=lea_coordinator,
            ssids=[s.ssid for s in _students(tree.school_a1, count)],
            input_type="UPLOAD",
        )
        cases.append(case)
    client.get(url("confirm", cases[0]))  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("confirm", cases[0])).status_code == 200
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url("confirm", cases[1]))
    assert response.content.decode().count('<th scope="row" class="font-monospace">') == 30


def test_case_submit_refuses_a_description_naming_a_student_of_the_case(lea_coordinator, tree):
    # rule F-4: the names are checked again at submission (SSIDs may come after the description)
    student = StudentFactory(school=tree.school_a1, grade=5, first_name="Itzel", last_name="Ruiz")
    make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
    case = draft(
        lea_coordinator,
        tree.school_a1,
        students=[student],
        description="Ruiz-like confusion: itzel pressed submit early.",
    )
    with pytest.raises(ValidationError) as refused:
        services.case_submit(case=case, actor=lea_coordinator)
    assert refused.value.message_dict["description"] == [
        "Remove personal information from the description: a student's name in sentence 1."
    ]
    case.refresh_from_db()
    assert case.is_draft and case.number is None
