"""The reviewers' pages by role (issue 9, items 1, 2 and 10): who sees the queue and the decision
page, who may act, and what the others are told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appeals.models import Appeal
from stairs.vocabulary import AppealStatus, AppealType, TestStatus
from tests.incidents.review.conftest import appeals_of, file_case

ACTIONS = ("claim", "release", "preapprove", "approve", "reject")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona", ["caltac_agent", "caltac_colleague", "cde_reviewer", "cde_admin"]
)
def test_reviewers_see_the_queue_and_the_decision_page(client, request, reopen_case, persona):
    client.force_login(request.getfixturevalue(persona))
    appeal = appeals_of(reopen_case)[0]
    response = client.get(reverse("review:queue"), {"view": "unclaimed"})
    assert response.status_code == 200
    assert response.context["tab"] == "unclaimed"
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert page.status_code == 200
    assert appeal.student.ssid in page.text
    # Never a student's name on a reviewer's page.
    assert appeal.student.last_name not in page.text


@pytest.mark.parametrize(
    "persona", ["lea_coordinator", "colleague", "outsider", "test_administrator"]
)
def test_lea_and_site_users_get_no_queue_and_no_decision(client, request, reopen_case, persona):
    # issue 9, item 10: LEA and site users see their appeals on the case page, no queue.
    client.force_login(request.getfixturevalue(persona))
    appeal = appeals_of(reopen_case)[0]
    for url in (reverse("review:queue"), reverse("review:appeal", args=[appeal.pk])):
        response = client.get(url)
        assert response.status_code == 403
        assert "The review queues are for CDE reviewers" in response.text
    for name in ACTIONS:
        response = client.post(reverse(f"review:{name}", args=[appeal.pk]), {"reason": "x"})
        assert response.status_code == 403
    assert client.post(reverse("review:bulk"), {"appeal": [appeal.pk]}).status_code == 403
    assert client.post(reverse("review:away")).status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING and appeal.claimed_by is None


def test_anonymous_is_sent_to_sign_in(client, reopen_case):
    appeal = appeals_of(reopen_case)[0]
    for url in (reverse("review:queue"), reverse("review:appeal", args=[appeal.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    posts = [reverse(f"review:{name}", args=[appeal.pk]) for name in ACTIONS]
    for url in [*posts, reverse("review:bulk"), reverse("review:away")]:
        response = client.post(url, {"reason": "x", "appeal": [appeal.pk], "action": "reject"})
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING and appeal.claimed_by is None


def test_actions_are_post_only(client, caltac_agent, reopen_case):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    for name in ACTIONS:
        assert client.get(reverse(f"review:{name}", args=[appeal.pk])).status_code == 405
    assert client.get(reverse("review:bulk")).status_code == 405
    assert client.get(reverse("review:away")).status_code == 405


def test_a_second_caltac_agent_decides_an_appeal_a_colleague_holds(
    client, caltac_agent, caltac_colleague, reopen_case
):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    client.post(reverse("review:claim", args=[appeal.pk]))
    client.force_login(caltac_colleague)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert "Carl Help holds this appeal. You can still decide it; tell them first." in page.text
    response = client.post(reverse("review:reject", args=[appeal.pk]), {"reason": "Duplicate."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == (
        AppealStatus.REJECTED_BY_CALTAC,
        caltac_colleague,
    )


def test_a_cde_reviewer_cannot_decide_a_caltac_appeal(client, cde_reviewer, reopen_case):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(cde_reviewer)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert (
        "CalTAC decides this appeal: you can read it, but only CalTAC can decide it." in page.text
    )
    for name, data in (("approve", {}), ("reject", {"reason": "No."}), ("claim", {})):
        response = client.post(reverse(f"review:{name}", args=[appeal.pk]), data)
        assert response.status_code == 409
        assert "This appeal is CalTAC's to decide" in response.context["action_error"]
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING and appeal.claimed_by is None


def test_only_cde_approves_for_filing(
    client, caltac_agent, cde_reviewer, lea_coordinator, tree, windows, filing_day
):
    # rule A-1: a Grace Period Extension waits for CDE's approval before it is filed.
    case = file_case(
        lea_coordinator,
        tree.school_a1,
        status=TestStatus.PAUSED,
        incident_code="TECHNICAL_DISRUPTION",
        answers={"pause_expired": True, "student_break": False},
    )
    (appeal,) = appeals_of(case)
    client.force_login(caltac_agent)
    response = client.post(reverse("review:preapprove", args=[appeal.pk]))
    assert response.status_code == 409
    client.force_login(cde_reviewer)
    # Approving before the approval for filing is refused with the reason.
    response = client.post(reverse("review:approve", args=[appeal.pk]))
    assert response.status_code == 409
    assert "it must first be approved for filing (A-1)" in response.text
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING_APPROVAL


def test_a_missing_appeal_is_a_404(client, caltac_agent, reopen_case):
    client.force_login(caltac_agent)
    missing = Appeal.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("review:appeal", args=[missing])).status_code == 404
    assert client.post(reverse("review:claim", args=[missing])).status_code == 404


def test_caltac_approves_a_reopen_with_prg_and_safe_next(client, caltac_agent, reopen_case):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert "Approve the Re-open" in page.text
    response = client.post(
        reverse("review:approve", args=[appeal.pk]),
        {"reason": "Checked with the LEA.", "next": "https://evil.example.com/"},
    )
    # An unsafe next is ignored: back to the decision page.
    assert response.status_code == 302
    assert response["Location"] == reverse("review:appeal", args=[appeal.pk])
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.APPROVED
    assert appeal.decided_by == caltac_agent
    page = client.get(response["Location"])
    assert "Approved. Re-open applied to the test." in page.text


def test_a_safe_next_is_followed(client, caltac_agent, reopen_case):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    back = reverse("review:queue") + "?view=unclaimed"
    response = client.post(reverse("review:claim", args=[appeal.pk]), {"next": back})
    assert response["Location"] == back
    appeal.refresh_from_db()
    assert appeal.claimed_by == caltac_agent


def test_a_rejection_without_a_reason_comes_back_by_its_field(client, caltac_agent, reopen_case):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    response = client.post(reverse("review:reject", args=[appeal.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for the rejection" in response.text
    assert 'id="reject_reason"' in response.text
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING
    response = client.post(
        reverse("review:reject", args=[appeal.pk]), {"reason": "Not an accident."}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision_reason) == (
        AppealStatus.REJECTED_BY_CALTAC,
        "Not an accident.",
    )


def test_a_decided_appeal_offers_no_action_and_refuses_one_with_409(
    client, caltac_agent, reopen_case
):
    appeal = appeals_of(reopen_case)[0]
    client.force_login(caltac_agent)
    client.post(reverse("review:reject", args=[appeal.pk]), {"reason": "Duplicate."})
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert not page.context["may_approve"] and not page.context["may_reject"]
    assert reverse("review:approve", args=[appeal.pk]) not in page.text
    response = client.post(reverse("review:approve", args=[appeal.pk]))
    assert response.status_code == 409
    assert "cannot be approved" in response.text


def test_a_caltac_agent_reads_a_cde_appeal_but_cannot_decide_it(
    client, caltac_agent, cde_reviewer, manual_case
):
    appeal = appeals_of(manual_case)[0]
    client.force_login(caltac_agent)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert page.status_code == 200
    assert "CDE decides this appeal: you can read it, but only CDE can decide it." in page.text
    assert not page.context["may_approve"] and not page.context["may_claim"]
    assert reverse("review:approve", args=[appeal.pk]) not in page.text
    response = client.post(
        reverse("review:approve", args=[appeal.pk]), {"choice": AppealType.RESET}
    )
    assert response.status_code == 409
    assert "CDE&#x27;s to decide" in response.text
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_a_manual_review_offers_reset_or_invalidate_and_needs_a_choice(
    client, cde_reviewer, manual_case
):
    appeal = appeals_of(manual_case)[0]
    client.force_login(cde_reviewer)
    page = client.get(reverse("review:appeal", args=[appeal.pk]))
    assert [o["code"] for o in page.context["approve_form"].options] == [
        AppealType.RESET,
        AppealType.INVALIDATE,
    ]
    assert "Approve a Reset" in page.text and "Approve an Invalidate" in page.text
    response = client.post(reverse("review:approve", args=[appeal.pk]), {"reason": "Checked."})
    assert response.status_code == 400
    assert "Choose how to approve it" in response.text
    assert 'id="approve_choice_error"' in response.text
    response = client.post(
        reverse("review:approve", args=[appeal.pk]), {"choice": AppealType.RESET}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.appeal_type) == (AppealStatus.APPROVED, AppealType.RESET)
