"""The reviewers' journey (issue 9, "Done when"): a CalTAC agent opens the review queue and
approves a Reset, and the test becomes Reset; a CDE reviewer rejects an Invalidate, first without
a reason (told by the field), then with one, and resolves a manual review by choosing Reset. Axe
clean on the queue and the decision page, at desktop and phone width. The coordinator who filed
the cases then reads each outcome, with its reason, at the top of the case page and on the
student's Score Status.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect

from appeals.models import Appeal
from stairs.vocabulary import AppealStatus, AppealType, Reviewer, TestStatus
from students import dates
from students.models import TestEvent, TestingWindow
from tests.e2e.conftest import assert_axe_clean, assert_fits_the_width, sign_in, sign_out
from tests.incidents.review.conftest import file_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FILING_MOMENT = datetime(2027, 3, 10, 10, 0, tzinfo=dates.PACIFIC)  # a Wednesday


@pytest.fixture
def appeals(tree, lea_coordinator) -> Iterator[dict[str, Appeal]]:
    """A Reset for CalTAC, an Invalidate and a manual review for CDE, filed by the LEA."""
    TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )
    with time_machine.travel(FILING_MOMENT, tick=True):
        reset = file_case(
            lea_coordinator,
            tree.school_a1,
            status=TestStatus.IN_PROGRESS,
            incident_code="INCORRECT_SSID",
        )
        invalidate = file_case(
            lea_coordinator, tree.school_a1, questions=15, incident_code="NONALLOWABLE_MATERIALS"
        )
        manual = file_case(
            lea_coordinator, tree.school_a1, questions=10, incident_code="NONALLOWABLE_MATERIALS"
        )
        found = {
            "reset": reset.appeals.get(),
            "invalidate": invalidate.appeals.get(),
            "manual": manual.appeals.get(),
        }
        assert found["reset"].appeal_type == AppealType.RESET
        assert found["invalidate"].appeal_type == AppealType.INVALIDATE
        assert found["manual"].manual_review and found["manual"].reviewer == Reviewer.CDE
        yield found


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_fits_the_width(page)


def _open(page: Page, live_server, appeal: Appeal) -> None:
    page.goto(f"{live_server.url}/review/?view=unclaimed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    _checked(page)
    page.get_by_role("link", name=appeal.student.ssid).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.student.ssid)
    _checked(page)


def _event_status(appeal: Appeal) -> str:
    return TestEvent.objects.get(pk=appeal.test_event_id).status


def test_reviewers_approve_reject_and_resolve_a_manual_review(
    page: Page, live_server, caltac_agent, cde_reviewer, lea_coordinator, appeals
):
    reset, invalidate, manual = appeals["reset"], appeals["invalidate"], appeals["manual"]

    # A CalTAC agent approves the Reset: the test is reset.
    sign_in(page, live_server, caltac_agent)
    _open(page, live_server, reset)
    expect(page.get_by_role("main")).to_contain_text("Approve the Reset")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Approved. Reset applied to the test.")
    _checked(page)
    reset.refresh_from_db()
    assert reset.status == AppealStatus.APPROVED
    assert _event_status(reset) == TestStatus.RESET
    sign_out(page)

    # A CDE reviewer rejects the Invalidate: first without a reason, then with one.
    sign_in(page, live_server, cde_reviewer)
    _open(page, live_server, invalidate)
    page.get_by_role("button", name="Reject", exact=True).click()
    reason = page.get_by_label("Reason for the rejection")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text("Give the reason for the rejection")
    _checked(page)
    reason.fill("The materials were allowed under the student's IEP.")
    page.get_by_role("button", name="Reject", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Rejected. The coordinators are emailed")
    invalidate.refresh_from_db()
    assert (invalidate.status, invalidate.decision_reason) == (
        AppealStatus.REJECTED_BY_CDE,
        "The materials were allowed under the student's IEP.",
    )
    assert _event_status(invalidate) == TestStatus.SUBMITTED

    # ...and resolves the manual review by choosing Reset.
    _open(page, live_server, manual)
    expect(page.get_by_role("radio")).to_have_count(2)
    page.get_by_label("Approve a Reset").check()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Approved. Reset applied to the test.")
    _checked(page)
    manual.refresh_from_db()
    assert (manual.status, manual.appeal_type) == (AppealStatus.APPROVED, AppealType.RESET)
    assert _event_status(manual) == TestStatus.RESET
    page.goto(f"{live_server.url}/review/?view=decided")
    expect(page.get_by_role("table")).to_contain_text(manual.student.ssid)
    _checked(page)
    sign_out(page)

    # The coordinator who filed the cases sees each outcome, with its reason, at the top of the
    # case page and on the student's Score Status.
    sign_in(page, live_server, lea_coordinator)
    for appeal, heading, words in (
        (reset, "An appeal was approved", "the Reset was applied to the test"),
        (invalidate, "An appeal was rejected", "The materials were allowed under the student's"),
        (manual, "An appeal was approved", "Approved by CDE after a manual review"),
    ):
        page.goto(f"{live_server.url}/cases/{appeal.case_id}/")
        top = page.get_by_role("heading", name=heading)
        expect(top).to_be_visible()
        outcome = page.locator("main section", has=top).first
        expect(outcome).to_contain_text(appeal.student.ssid)
        expect(outcome).to_contain_text(words)
        _checked(page)
        page.goto(f"{live_server.url}/students/{appeal.student.ssid}/score-status/")
        recent = page.locator("main section", has_text="Recent STAIRS appeals").last
        expect(recent).to_contain_text(appeal.case.number)
        if appeal is invalidate:
            expect(recent).to_contain_text("The materials were allowed under the student's IEP.")
        _checked(page)
