"""The decision page (issue 9, items 2, 3 and 10): A-1's approval for filing, a PT's recorded
exception, the test changed since filing, the filer who may not decide, claim and release, the
case's other appeals and the timeline."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, RoleGrant
from appeals.models import Appeal
from appeals.review import EXCEPTION
from stairs.vocabulary import AppealStatus, AppealType, TestStatus
from students.models import TestEvent
from tests.factories import user_with_role
from tests.incidents.review.conftest import add_appeals, appeals_of, file_case

pytestmark = pytest.mark.django_db

GPE = {"incident_code": "TECHNICAL_DISRUPTION", "status": TestStatus.PAUSED}
GPE_ANSWERS = {"pause_expired": True, "student_break": False}


def test_a_grace_period_extension_is_approved_for_filing_then_decided(
    client, cde_reviewer, caltac_agent, lea_coordinator, tree, windows, filing_day
):
    # rule A-1
    case = file_case(lea_coordinator, tree.school_a1, answers=GPE_ANSWERS, **GPE)
    (appeal,) = appeals_of(case)
    assert appeal.status == AppealStatus.PENDING_APPROVAL
    client.force_login(cde_reviewer)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert page.context["may_preapprove"] and not page.context["may_approve"]
    assert "Approve for filing (A-1)" in page.text
    response = client.post(
        reverse("review:preapprove", args=[appeal.pk]), {"reason": "Pause rule confirmed."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.preapproved_by) == (AppealStatus.PENDING, cde_reviewer)
    page = client.get(response["Location"])
    assert "Approved for filing (A-1): it now waits for CDE" in page.text
    assert page.context["may_approve"] and page.context["single_choice"]
    response = client.post(reverse("review:approve", args=[appeal.pk]), {})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.APPROVED
    assert TestEvent.objects.get(pk=appeal.test_event_id).grace_period_extended_at is not None


def test_a_pt_grace_period_extension_is_approved_as_a_recorded_exception(
    client, cde_reviewer, lea_coordinator, tree, windows, filing_day
):
    # rule A-GPE-1: a CAASPP PT has no pause rule; CDE may record an exception.
    case = file_case(lea_coordinator, tree.school_a1, part="PT", answers=GPE_ANSWERS, **GPE)
    (appeal,) = appeals_of(case)
    assert appeal.appeal_type == AppealType.GRACE_PERIOD_EXTENSION
    client.force_login(cde_reviewer)
    # rule A-1: CDE approves it for filing first, like any Grace Period Extension.
    assert appeal.status == AppealStatus.PENDING_APPROVAL
    client.post(reverse("review:preapprove", args=[appeal.pk]))
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    options = page.context["approve_form"].options
    assert [o["code"] for o in options] == [EXCEPTION]
    assert "Nothing changes on the test" in options[0]["effect"]
    before = TestEvent.objects.get(pk=appeal.test_event_id)
    response = client.post(reverse("review:approve", args=[appeal.pk]), {"choice": EXCEPTION})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.exception) == (AppealStatus.APPROVED, True)
    after = TestEvent.objects.get(pk=appeal.test_event_id)
    assert (after.status, after.grace_period_extended_at) == (before.status, None)
    assert "open a new test session" in client.get(response["Location"]).text


def test_a_test_changed_since_filing_is_flagged_and_rejected_by_system(
    client, caltac_agent, reopen_case
):
    appeal = appeals_of(reopen_case)[0]
    TestEvent.objects.filter(pk=appeal.test_event_id).update(questions_completed=9)
    client.force_login(caltac_agent)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert "The test changed since filing" in page.text
    assert "questions completed: 5 → 9" in page.text
    facts = {row["label"]: row for row in page.context["facts"]}
    assert (facts["Questions completed"]["filed"], facts["Questions completed"]["now"]) == (5, 9)
    assert facts["Questions completed"]["changed"] and not facts["Status"]["changed"]
    response = client.post(reverse("review:approve", args=[appeal.pk]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED_BY_SYSTEM
    assert "The system rejected the appeal instead" in client.get(response["Location"]).text


def test_an_unchanged_test_says_so(client, caltac_agent, reopen_case):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert "Nothing changed on the test since filing." in page.text
    assert "The test changed since filing" not in page.text
    # The rule's reason and id, the case's incident, description and plan of action.
    assert appeal.rule and f"Rule {appeal.rule}" in page.text
    assert appeal.reason in page.text
    assert reopen_case.description in page.text
    assert reopen_case.plan_of_action in page.text


def test_a_reviewer_who_filed_the_case_sees_why_they_cannot_decide(
    client, tree, windows, filing_day
):
    # issue 9, item 10: nobody decides an appeal of a case they filed.
    both = user_with_role(Role.LEA_CAASPP_COORDINATOR, tree.lea_a, email="x@alder.example.org")
    RoleGrant.objects.create(user=both, role=Role.CDE_REVIEWER, organization=tree.state)
    case = file_case(
        both,
        tree.school_a1,
        status=TestStatus.PAUSED,
        questions=10,
        incident_code="NONALLOWABLE_MATERIALS",
    )
    (appeal,) = appeals_of(case)
    client.force_login(both)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert "You filed this case, so another reviewer decides its appeals." in page.text
    assert not (page.context["may_approve"] or page.context["may_reject"])
    response = client.post(reverse("review:reject", args=[appeal.pk]), {"reason": "Mine."})
    assert response.status_code == 409
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_claim_and_release_between_colleagues(
    client, caltac_agent, caltac_colleague, cde_admin, reopen_case
):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    assert client.get(reverse("review:appeal", args=[appeal.pk])).context["may_claim"]
    response = client.post(reverse("review:claim", args=[appeal.pk]))
    assert "You hold this appeal now" in client.get(response["Location"]).text
    client.force_login(caltac_colleague)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert "Carl Help holds this appeal" in page.text
    assert not page.context["may_claim"] and not page.context["may_release"]
    response = client.post(reverse("review:claim", args=[appeal.pk]))
    assert response.status_code == 409
    assert "Carl Help is reviewing this appeal" in response.text
    assert client.post(reverse("review:release", args=[appeal.pk])).status_code == 409
    client.force_login(caltac_agent)
    assert client.get(reverse("review:appeal", args=[appeal.pk])).context["may_release"]
    response = client.post(reverse("review:release", args=[appeal.pk]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.claimed_by is None


def test_the_case_s_other_appeals_each_have_their_own_decide_link(
    client, caltac_agent, reopen_case
):
    first, second = appeals_of(reopen_case)
    client.force_login(caltac_agent)
    page = client.get(reverse("review:appeal", args=[first.pk]))
    assert [a.pk for a in page.context["page"].siblings] == [second.pk]
    assert f'href="{reverse("review:appeal", args=[second.pk])}"' in page.text
    assert "Appeal filed" in page.text  # the timeline


def test_the_decision_page_costs_the_same_queries_for_2_and_12_appeals(
    client, caltac_agent, reopen_case
):
    first = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    url = reverse("review:appeal", args=[first.pk])
    client.get(url)
    counts = []
    for extra in (0, 10):
        add_appeals(reopen_case, extra)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert Appeal.objects.filter(case=reopen_case).count() == 12
    assert counts[0] == counts[1]


def test_a_decided_appeal_does_not_warn_of_the_change_its_own_effect_made(
    client, caltac_agent, reopen_case
):
    # The approved Re-open paused the submitted test: that is the decision, not a change that
    # would make an approval fail, so no warning once the appeal is decided.
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    client.post(reverse("review:approve", args=[appeal.pk]))
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert "The test changed since filing" not in page.text
    assert "after the decision and its effect" in page.text
