"""The reviewers' dashboard in a browser (issue 10, items 4 and 5): a CalTAC agent reads the
team's queue counts, the decisions per day and the share decided within four business days with
their tables, then follows a count to its queue tab; a CDE reviewer sees CDE's counts. Axe clean
and no wider than the window, at desktop and phone width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect

from appeals.models import Appeal
from stairs.vocabulary import AppealStatus, Reviewer
from students import dates
from students.models import TestingWindow
from tests.e2e.conftest import assert_axe_clean, assert_fits_the_width, sign_in
from tests.incidents.review.conftest import add_appeals, file_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FILING_MOMENT = datetime(2027, 3, 10, 10, 0, tzinfo=dates.PACIFIC)  # a Wednesday


@pytest.fixture
def appeals(tree, lea_coordinator) -> Iterator[list[Appeal]]:
    """Two open Re-open appeals for CalTAC, two it decided yesterday (one late), one open manual
    review for CDE."""
    TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )
    yesterday = FILING_MOMENT - timedelta(days=1)
    with time_machine.travel(FILING_MOMENT, tick=True):
        case = file_case(lea_coordinator, tree.school_a1, count=2)
        decided = add_appeals(
            case, 1, status=AppealStatus.APPROVED, decided_at=yesterday, due_at=FILING_MOMENT
        ) + add_appeals(
            case,
            1,
            status=AppealStatus.APPROVED,
            decided_at=yesterday,
            due_at=yesterday - timedelta(days=1),
        )
        add_appeals(case, 1, appeal_type="", reviewer=Reviewer.CDE)
        yield decided


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_fits_the_width(page)


def test_caltac_agent_reads_the_dashboard_and_follows_a_count(
    page: Page, live_server, caltac_agent, appeals
):
    sign_in(page, live_server, caltac_agent)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title(re.compile("Reviewer dashboard"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.locator('[data-queue="unclaimed"]')).to_have_text("2")
    decisions = page.get_by_role("table", name="Decisions per day, last 14 days")
    expect(decisions).to_contain_text("Mar 9")
    shares = page.get_by_role(
        "table", name="Share of decisions made within four business days, per week"
    )
    expect(shares).to_contain_text("50%")
    expect(page.locator("svg.bar-chart")).to_have_count(2)
    _checked(page)

    page.locator("#queue-counts").get_by_role("link", name="2 Unclaimed").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")


def test_cde_reviewer_sees_cdes_counts(page: Page, live_server, cde_reviewer, appeals):
    sign_in(page, live_server, cde_reviewer)
    page.goto(f"{live_server.url}/")
    expect(page.locator('[data-queue="unclaimed"]')).to_have_text("1")
    expect(page.get_by_text("Your team decided no appeal in the last 14 days.")).to_be_visible()
    _checked(page)
