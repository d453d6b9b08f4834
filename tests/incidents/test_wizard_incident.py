"""The wizard's first step (F-1 step 1): who may file, which schools and tests are offered, and
each field's validation. Request tests on the real database, the clock pinned to filing_day."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from incidents.case_models import Case
from incidents.models import IncidentType
from tests.factories import user_with_role
from tests.incidents.conftest import draft

pytestmark = pytest.mark.usefixtures("filing_day", "windows")

NEW = reverse("incidents:new")


def step1(school, **overrides) -> dict:
    data = {
        "school": school.pk,
        "incident_date": "2027-03-09",
        "incident_time": "09:30",
        "grade": "5",
        "test_part": "SB_MATH:NON_PT",
        "delivery": "ONLINE",
        "action": "next",
    }
    data.update(overrides)
    return data


def test_coordinator_sees_only_their_schools_and_programs_tests(client, lea_coordinator, tree):
    # rule F-7: an LEA CAASPP coordinator files CAASPP cases for the LEA's schools
    client.force_login(lea_coordinator)
    response = client.get(NEW)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["school"].queryset) == {tree.school_a1, tree.school_a2}
    groups = dict(form.fields["test_part"].choices[1:])
    assert list(groups) == ["CAASPP"]
    values = [value for value, _label in groups["CAASPP"]]
    assert "SB_MATH:NON_PT" in values and "SB_MATH:PT" in values and "CAST" in values
    assert not any("ELPAC" in value for value in values)
    html = response.content.decode()
    assert '<optgroup label="CAASPP">' in html
    assert "Birch High" not in html


def test_elpac_coordinator_sees_elpac_tests_and_domains(client, tree):
    elpac = user_with_role(Role.SITE_ELPAC_COORDINATOR, tree.school_a2)
    client.force_login(elpac)
    form = client.get(NEW).context["form"]
    groups = dict(form.fields["test_part"].choices[1:])
    assert list(groups) == ["ELPAC"]
    assert "SUMMATIVE_ELPAC:LISTENING" in [value for value, _ in groups["ELPAC"]]


def test_site_coordinator_has_their_single_school_preselected(client, colleague, tree):
    client.force_login(colleague)
    response = client.get(NEW)
    assert response.context["form"]["school"].value() == tree.school_a1.pk
    assert list(response.context["form"].fields["school"].queryset) == [tree.school_a1]


def test_first_valid_post_creates_the_draft_and_goes_to_the_issue(client, lea_coordinator, tree):
    client.force_login(lea_coordinator)
    response = client.post(NEW, step1(tree.school_a1))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:wizard_issue", args=[case.pk])
    assert case.is_draft and case.school == tree.school_a1 and case.lea == tree.lea_a
    assert (case.test, case.part, case.delivery, case.grade) == ("SB_MATH", "NON_PT", "ONLINE", 5)
    assert case.program == "CAASPP"
    assert str(case.incident_date) == "2027-03-09" and str(case.incident_time) == "09:30:00"


def test_a_whole_test_has_no_part(client, lea_coordinator, tree):
    client.force_login(lea_coordinator)
    client.post(NEW, step1(tree.school_a1, test_part="CAST", grade="8"))
    case = Case.objects.get()
    assert (case.test, case.part) == ("CAST", "")


def test_a_future_date_is_refused_and_nothing_is_saved(client, lea_coordinator, tree):
    client.force_login(lea_coordinator)
    response = client.post(NEW, step1(tree.school_a1, incident_date="2027-03-11"))
    assert response.status_code == 200
    assert response.context["form"].errors["incident_date"] == [
        "The incident date cannot be in the future."
    ]
    assert not Case.objects.exists()
    # The error summary lists it, linked to its field.
    assert 'href="#id_incident_date"' in response.content.decode()


def test_a_date_outside_the_testing_window_is_refused_with_its_dates(client, lea_coordinator, tree):
    # rule F-8, rule C-4: incidents are reported within the LEA's testing window
    client.force_login(lea_coordinator)
    response = client.post(NEW, step1(tree.school_a1, incident_date="2027-01-08"))
    (message,) = response.context["form"].errors["incident_date"]
    assert "outside your LEA's CAASPP testing window" in message
    assert "Jan. 11, 2027 to June 4, 2027" in message
    assert not Case.objects.exists()


def test_a_test_of_another_program_is_refused(client, lea_coordinator, tree):
    # rule F-7: a CAASPP coordinator files no ELPAC case
    client.force_login(lea_coordinator)
    data = step1(tree.school_a1, test_part="SUMMATIVE_ELPAC:READING")
    response = client.post(NEW, data)
    assert response.context["form"].errors["test_part"] == ["Choose one of the tests listed."]
    assert not Case.objects.exists()


def test_a_school_outside_scope_gets_the_same_answer_as_an_unknown_one(
    client, lea_coordinator, tree
):
    # rule F-10 (and U-4): another LEA's school reads exactly like one that does not exist
    client.force_login(lea_coordinator)
    foreign = client.post(NEW, step1(tree.school_b1)).context["form"].errors["school"]
    unknown = client.post(NEW, {**step1(tree.school_b1), "school": 987654}).context["form"].errors
    assert foreign == unknown["school"] == ["Choose one of the schools listed."]
    assert not Case.objects.exists()


def test_a_grade_the_test_does_not_serve_is_refused(client, lea_coordinator, tree):
    client.force_login(lea_coordinator)
    response = client.post(NEW, step1(tree.school_a1, grade="2"))
    assert response.context["form"].errors["grade"] == [
        "The Smarter Balanced Mathematics is taken in grades 3-8 and 11."
    ]


def test_paper_is_refused_for_an_online_only_test(client, lea_coordinator, tree):
    client.force_login(lea_coordinator)
    response = client.post(NEW, step1(tree.school_a1, test_part="CAA_MATH", delivery="PAPER"))
    assert response.context["form"].errors["delivery"] == [
        "The CAA for Mathematics is given online only."
    ]


def test_required_fields_are_each_named(client, lea_coordinator):
    client.force_login(lea_coordinator)
    response = client.post(NEW, {"action": "next"})
    errors = response.context["form"].errors
    assert set(errors) == {"school", "incident_date", "grade", "test_part", "delivery"}
    assert not Case.objects.exists()


@pytest.mark.parametrize("persona", ["test_administrator", "cde_reviewer"])
def test_who_does_not_file_cannot_open_the_wizard(client, request, persona):
    # rule F-7: test administrators go through their coordinator; CDE reviews
    client.force_login(request.getfixturevalue(persona))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"action": "next"}).status_code == 403
    assert not Case.objects.exists()


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "sign-in" in response.url


def test_editing_step1_fills_the_form_from_the_draft(client, lea_coordinator, tree):
    case = draft(lea_coordinator, tree.school_a1)
    client.force_login(lea_coordinator)
    response = client.get(reverse("incidents:wizard_incident", args=[case.pk]))
    form = response.context["form"]
    assert form["test_part"].value() == "SB_MATH:NON_PT"
    assert str(form["incident_date"].value()) == "2027-03-09"
    assert response.context["wizard_back_url"] is None  # the first step has no Back


def test_changing_the_test_clears_an_issue_that_no_longer_applies(client, lea_coordinator, tree):
    case = draft(lea_coordinator, tree.school_a1, incident_code="SUBMITTED_EARLY")
    client.force_login(lea_coordinator)
    url = reverse("incidents:wizard_incident", args=[case.pk])
    # SUBMITTED_EARLY applies to every test: kept.
    client.post(url, step1(tree.school_a1, test_part="SB_MATH:PT"))
    case.refresh_from_db()
    assert case.part == "PT" and case.incident_type.code == "SUBMITTED_EARLY"
    # A CAASPP-only issue on... LANGUAGE_SUPPORT_CAASPP does not apply to the CAA: cleared.
    case.incident_type = IncidentType.objects.get(code="LANGUAGE_SUPPORT_CAASPP")
    case.save()
    client.post(url, step1(tree.school_a1, test_part="CAA_MATH"))
    case.refresh_from_db()
    assert case.test == "CAA_MATH" and case.incident_type is None and case.answers == {}
