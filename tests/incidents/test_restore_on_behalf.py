"""CalTAC files a Restore on an LEA's behalf (issue 9, item 6; A-RESTORE-1, F-7) through the same
wizard as a coordinator: the school typed as its CDS code (found with the school finder), the
Restore incident alone, the rest of the wizard as usual; the case goes to CDE and the LEA's
coordinators read it as their own. Request tests on the real database, the clock pinned."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from appeals.models import Appeal
from incidents.case_models import Case
from notifications.models import Notification
from notifications.renderers import render
from stairs.vocabulary import AppealStatus, AppealType, CaseStatus, Reviewer
from students import effects
from students.models import TestStatus
from tests.factories import SchoolFactory, user_with_role
from tests.incidents.conftest import draft, incident
from tests.incidents.students_step.helpers import NOT_FOUND
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.usefixtures("filing_day", "windows")

NEW = reverse("incidents:new")
PLAN = "The coordinator double-checks the test named in each reset request."


def url(name: str, case: Case) -> str:
    return reverse(f"incidents:wizard_{name}", args=[case.pk])


def reset_by_appeal(school, actor):
    """A grade-5 student of ``school`` whose Math non-PT a Reset Appeal reset (A-RESTORE-1)."""
    student = StudentFactory(school=school, grade=5)
    event = make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
    effects.event_reset(event=event, actor=actor, reason="Reset Appeal approved")
    return student


def step1(school_code: str, **overrides) -> dict:
    data = {
        "school": school_code,
        "incident_date": "2027-03-09",
        "incident_time": "09:30",
        "grade": "5",
        "test_part": "SB_MATH:NON_PT",
        "delivery": "ONLINE",
        "action": "next",
    }
    data.update(overrides)
    return data


def file_restore(client, school, student) -> Case:
    """Every step through the pages, as a CalTAC agent on the phone with the LEA would."""
    response = client.post(NEW, step1(school.cds_code))
    case = Case.objects.latest("pk")
    assert response.url == url("issue", case)
    issue = client.get(url("issue", case))
    assert [i.code for i in issue.context["form"].incidents] == ["RESET_IN_ERROR"]
    response = client.post(
        url("issue", case), {"incident_type": incident("RESET_IN_ERROR").pk, "action": "next"}
    )
    assert response.url == url("details", case)
    response = client.post(
        url("details", case),
        {"description": "The Reset Appeal named the wrong test.", "action": "next"},
    )
    assert response.url == url("students", case)  # rule F-2: a Restore is an appeal
    response = client.post(
        url("students", case), {"ssids": student.ssid, "student_count": 1, "action": "next"}
    )
    assert response.url == url("confirm", case)
    assert client.post(url("confirm", case), {"action": "next"}).url == url("select", case)
    select = client.post(url("select", case), {"selected": [student.ssid], "action": "next"})
    assert select.url == url("plan", case)
    response = client.post(url("plan", case), {"plan_of_action": PLAN, "action": "next"})
    assert response.url == reverse("incidents:submitted", args=[case.pk])
    case.refresh_from_db()
    return case


# --- CalTAC files for any LEA -------------------------------------------------------------------


def test_caltac_files_a_restore_for_two_leas_and_each_goes_to_cde(
    client, caltac_agent, lea_coordinator, outsider, tree
):
    # rule A-RESTORE-1, F-7, A-1: CalTAC files on the LEA's behalf; CDE approves it first
    client.force_login(caltac_agent)
    for school, coordinator in ((tree.school_a1, lea_coordinator), (tree.school_b1, outsider)):
        student = reset_by_appeal(school, caltac_agent)
        Notification.objects.all().delete()
        case = file_restore(client, school, student)
        assert case.filed_on_behalf and case.lea == school.parent and case.program == "CAASPP"
        assert case.created_by == case.submitted_by == caltac_agent
        assert case.status == CaseStatus.PENDING_CDE_APPROVAL
        appeal = Appeal.objects.get(case=case)
        assert (appeal.student, appeal.appeal_type, appeal.reviewer, appeal.status) == (
            student,
            AppealType.RESTORE,
            Reviewer.CDE,
            AppealStatus.PENDING_APPROVAL,
        )
        # rule N-1: the CalTAC submitter and the LEA's program coordinator, SSIDs only
        notes = Notification.objects.all()
        assert sorted(n.recipient for n in notes) == sorted([caltac_agent.email, coordinator.email])
        emails = [render(n.kind, n.payload) for n in notes]  # as the worker writes them
        assert all("by CalTAC on the LEA's behalf" in email.text for email in emails)
        assert all(student.last_name not in email.text + email.html for email in emails)
        page = client.get(reverse("incidents:submitted", args=[case.pk])).content.decode()
        assert "Filed by CalTAC on the LEA's behalf" in page


def test_caltac_is_offered_filing_in_the_navigation_and_on_the_home_page(client, caltac_agent):
    client.force_login(caltac_agent)
    response = client.get(reverse("home"))
    assert ("File a case", NEW) in [
        (item.label, item.url) for item in response.context["nav_items"]
    ]
    assert f'href="{NEW}"' in response.content.decode()
    assert client.get(NEW).status_code == 200


def test_caltac_is_told_whose_testing_window_the_date_is_outside(client, caltac_agent, tree):
    # rule F-8, C-4: the LEA's window, named, since CalTAC has none of its own
    client.force_login(caltac_agent)
    response = client.post(NEW, step1(tree.school_b1.cds_code, incident_date="2027-01-05"))
    assert response.context["form"].errors["incident_date"] == [
        "The incident date is outside Birch Unified's CAASPP testing window (Jan. 11, 2027 to "
        "June 4, 2027). Cases are reported within the window."
    ]


def test_caltac_may_not_file_any_other_incident(client, caltac_agent, tree):
    # rule F-7: CalTAC files only a Restore; the other issues are neither offered nor accepted
    client.force_login(caltac_agent)
    client.post(NEW, step1(tree.school_a1.cds_code))
    case = Case.objects.latest("pk")
    response = client.post(
        url("issue", case), {"incident_type": incident("SUBMITTED_EARLY").pk, "action": "next"}
    )
    assert response.context["form"].errors["incident_type"] == [
        "Choose one of the testing issues listed."
    ]
    case.refresh_from_db()
    assert case.incident_type is None


def test_a_coordinator_is_never_offered_the_restore(client, lea_coordinator, tree):
    # rule A-RESTORE-1: the LEA contacts CalTAC, which files it
    case = draft(lea_coordinator, tree.school_a1)
    client.force_login(lea_coordinator)
    offered = [i.code for i in client.get(url("issue", case)).context["form"].incidents]
    assert "RESET_IN_ERROR" not in offered and "SUBMITTED_EARLY" in offered
    response = client.post(
        url("issue", case), {"incident_type": incident("RESET_IN_ERROR").pk, "action": "next"}
    )
    assert response.context["form"].errors["incident_type"] == [
        "Choose one of the testing issues listed."
    ]
    case.refresh_from_db()
    assert case.incident_type.code == "SUBMITTED_EARLY"


def test_caltac_cannot_put_another_leas_student_on_the_case(client, caltac_agent, tree):
    # rule F-10, U-4: the LEA reads the case as its own, so only its students may be on it
    foreign = reset_by_appeal(tree.school_b1, caltac_agent)
    case = draft(caltac_agent, tree.school_a1, incident_code="RESET_IN_ERROR")
    client.force_login(caltac_agent)
    response = client.post(
        url("students", case), {"ssids": foreign.ssid, "student_count": 1, "action": "next"}
    )
    assert response.context["form"].errors["ssids"] == [f"SSID {foreign.ssid}: {NOT_FOUND}"]
    assert not case.students.exists()


# --- the LEA reads it as its own ----------------------------------------------------------------


@pytest.fixture
def restore_case(client, caltac_agent, tree) -> Case:
    client.force_login(caltac_agent)
    case = file_restore(client, tree.school_a1, reset_by_appeal(tree.school_a1, caltac_agent))
    client.logout()
    return case


@pytest.mark.parametrize("persona", ["lea_coordinator", "colleague"])
def test_the_leas_coordinators_see_the_case_as_their_own(client, request, persona, restore_case):
    # rule A-RESTORE-1: the LEA sees it as its own case (search, case page, log)
    client.force_login(request.getfixturevalue(persona))
    search = client.get(reverse("incidents:search"))
    assert [case.pk for case in search.context["page"]] == [restore_case.pk]
    assert "Filed by CalTAC on the LEA's behalf" in search.content.decode()
    detail = client.get(reverse("incidents:detail", args=[restore_case.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "Filed by CalTAC on the LEA's behalf (Alder Unified)" in body
    assert "contact CalTAC" in body
    assert reverse("incidents:withdraw", args=[restore_case.pk]) not in body
    log = b"".join(client.get(reverse("incidents:log", args=["csv"])).streaming_content)
    assert restore_case.number.encode() in log


def test_the_lea_reads_but_caltac_alone_withdraws_it(
    client, lea_coordinator, caltac_agent, restore_case
):
    # rule A-RESTORE-1: the LEA contacts CalTAC to change a case CalTAC filed for it
    withdraw = reverse("incidents:withdraw", args=[restore_case.pk])
    client.force_login(lea_coordinator)
    response = client.post(withdraw, {"reason": "No longer needed."})
    assert response.status_code == 403
    assert "CalTAC filed this case on your LEA" in response.content.decode()
    client.force_login(caltac_agent)
    assert (
        withdraw in client.get(reverse("incidents:detail", args=[restore_case.pk])).content.decode()
    )
    assert client.post(withdraw, {"reason": "The LEA found the right test."}).status_code == 302
    restore_case.refresh_from_db()
    assert restore_case.status == CaseStatus.COMPLETED


def test_another_lea_does_not_see_it(client, outsider, restore_case):
    # rule U-4: another LEA's case is a 404, like a missing one, and is in no list of theirs
    client.force_login(outsider)
    assert client.get(reverse("incidents:detail", args=[restore_case.pk])).status_code == 404
    assert list(client.get(reverse("incidents:search")).context["page"]) == []
    log = b"".join(client.get(reverse("incidents:log", args=["csv"])).streaming_content)
    assert restore_case.number.encode() not in log


def test_an_elpac_coordinator_of_the_lea_does_not_see_a_caaspp_restore(client, tree, restore_case):
    elpac = user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a)
    client.force_login(elpac)
    assert client.get(reverse("incidents:detail", args=[restore_case.pk])).status_code == 404


# --- the school chooser -------------------------------------------------------------------------


def test_caltac_types_the_school_rather_than_reading_a_select_of_every_school(client, caltac_agent):
    client.force_login(caltac_agent)
    response = client.get(NEW)
    html = response.content.decode()
    assert response.context["form"].typed_school
    assert '<select name="school"' not in html
    assert 'name="school"' in html and "School CDS code" in html
    assert "Find the school" in html and 'name="q"' in html
    assert response.context["school_matches"] is None  # nothing searched yet


def test_the_finder_lists_schools_by_name_or_leas_code(client, caltac_agent, tree):
    client.force_login(caltac_agent)
    by_name = client.get(NEW, {"q": "alder"}).context["school_matches"]
    assert by_name == [tree.school_a1, tree.school_a2]  # the LEA's name matches too
    by_lea_code = client.get(NEW, {"q": "1922222"}).context["school_matches"]
    assert by_lea_code == [tree.school_b1]
    page = client.get(NEW, {"q": "Birch High"})
    assert page.context["school_matches"] == [tree.school_b1]
    assert f'href="?school={tree.school_b1.cds_code}"' in page.content.decode()


@pytest.mark.parametrize(
    "q, error",
    [
        ("", "Type part of the school's or LEA's name, or a CDS code."),
        ("   ", "Type part of the school's or LEA's name, or a CDS code."),
        ("a", "Type at least 2 characters."),
    ],
)
def test_the_finder_says_what_is_wrong_with_the_search(client, caltac_agent, q, error):
    client.force_login(caltac_agent)
    response = client.get(NEW, {"q": q})
    assert response.context["school_finder"].errors["q"] == [error]
    assert response.context["school_matches"] is None


def test_the_finder_says_when_nothing_matches(client, caltac_agent, tree):
    client.force_login(caltac_agent)
    response = client.get(NEW, {"q": "Zebra"})
    assert response.context["school_matches"] == []
    assert "No school matches" in response.content.decode()


def test_a_chosen_school_fills_in_its_code_and_is_named(client, caltac_agent, tree):
    client.force_login(caltac_agent)
    response = client.get(NEW, {"school": tree.school_b1.cds_code})
    form = response.context["form"]
    assert form["school"].value() == tree.school_b1.cds_code
    assert "Birch High, Birch Unified." in response.content.decode()


def test_a_draft_shows_its_school_code_on_step_one(client, caltac_agent, tree):
    case = draft(caltac_agent, tree.school_a2, incident_code="RESET_IN_ERROR")
    client.force_login(caltac_agent)
    response = client.get(url("incident", case))
    assert response.context["form"]["school"].value() == tree.school_a2.cds_code
    assert "Alder Middle, Alder Unified." in response.content.decode()


@pytest.mark.parametrize(
    "typed, error",
    [
        ("", "Give the school's CDS code, or find the school above."),
        ("1911111", "A CDS code is 14 digits, for example 19647336012345."),
        ("1911111600000x", "A CDS code is 14 digits, for example 19647336012345."),
        (
            "19999999999999",
            "No school you file for has the CDS code 19999999999999. "
            "Find the school by name above.",
        ),
        # An LEA's own code is not a school's.
        (
            "19111110000000",
            "No school you file for has the CDS code 19111110000000. "
            "Find the school by name above.",
        ),
    ],
)
def test_a_bad_school_code_is_refused_beside_the_field(client, caltac_agent, tree, typed, error):
    client.force_login(caltac_agent)
    response = client.post(NEW, step1(typed))
    assert response.status_code == 200
    assert response.context["form"].errors["school"] == [error]
    assert not Case.objects.exists()


def test_a_code_written_with_dashes_is_understood(client, caltac_agent, tree):
    client.force_login(caltac_agent)
    response = client.post(NEW, step1("19-11111-6000001"))
    case = Case.objects.get()
    assert response.url == url("issue", case)
    assert case.school == tree.school_a1 and case.filed_on_behalf


def test_a_coordinator_of_a_large_lea_types_the_code_too(client, lea_coordinator, tree):
    # Past SCHOOL_SELECT_MAX schools a select is no help (case_forms.py); outside the LEA, a
    # school's code reads like an unknown one (F-10)
    SchoolFactory.create_batch(60, parent=tree.lea_a)
    client.force_login(lea_coordinator)
    response = client.get(NEW)
    assert response.context["form"].typed_school
    foreign = client.post(NEW, step1(tree.school_b1.cds_code)).context["form"].errors["school"]
    assert foreign == [
        f"No school you file for has the CDS code {tree.school_b1.cds_code}. "
        "Find the school by name above."
    ]
    assert client.get(NEW, {"q": "birch"}).context["school_matches"] == []


def test_the_finder_costs_the_same_queries_for_2_and_30_matches(client, caltac_agent, tree):
    client.force_login(caltac_agent)
    client.get(NEW)  # the session's first request also records the sign-in's activity
    counts = []
    for extra, listed, more in ((0, 2, False), (28, 25, True)):
        SchoolFactory.create_batch(extra, parent=tree.lea_a, name="Alder Annex")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(NEW, {"q": "alder"})
        assert len(response.context["school_matches"]) == listed
        assert response.context["more_schools"] is more
        counts.append(len(queries))
    # The user, the grants, the tests (two), the schools found, the bell's unread notices (the
    # session comes from the cache).
    assert counts[0] == counts[1] == 6
