"""In-app notices in the browser (issue 10, item 2): CalTAC decides an appeal of the LEA
coordinator's case; the coordinator sees the count on the header's Notices link, opens the
list, opens the notice to land on the case page, and the count is gone. Axe clean on every
page, at desktop and phone width (where the link sits in the folded menu).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import Page, expect

from appeals import decisions
from incidents.case_models import Case
from notifications.services import notices_mark_read
from students import dates
from students.models import TestingWindow
from tests.e2e.conftest import assert_axe_clean, assert_fits_the_width, main_menu, sign_in
from tests.incidents.review.conftest import appeals_of, file_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FILING_MOMENT = datetime(2027, 3, 10, 10, 0, tzinfo=dates.PACIFIC)  # a Wednesday


@pytest.fixture
def decided_case(tree, lea_coordinator, caltac_agent) -> Iterator[Case]:
    """The coordinator's case with two Re-open appeals, one approved by CalTAC since the
    coordinator last read their notices."""
    TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )
    with time_machine.travel(FILING_MOMENT, tick=True):
        case = file_case(lea_coordinator, tree.school_a1, count=2)
        notices_mark_read(user=lea_coordinator)  # the submission's notice, read already
        decisions.appeal_approve(
            appeal=appeals_of(case)[0], actor=caltac_agent, reason="Seating chart checked."
        )
        yield case


def _checked(page: Page) -> None:
    assert_axe_clean(page)
    assert_fits_the_width(page)


def test_the_coordinator_opens_the_decision_notice_from_the_header(
    page: Page, live_server, lea_coordinator, decided_case: Case
):
    approved = appeals_of(decided_case)[0]
    sign_in(page, live_server, lea_coordinator)
    bell = main_menu(page).get_by_role("link", name="Notices, 1 unread")
    expect(bell).to_be_visible()
    _checked(page)
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    notice = page.get_by_role(
        "link",
        name=f"Appeal decision on STAIRS case {decided_case.number}: "
        f"SSID {approved.student.ssid} approved.",
    )
    expect(notice).to_be_visible()
    expect(page.get_by_text("Unread", exact=True)).to_have_count(1)
    _checked(page)

    notice.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {decided_case.number}")
    expect(main_menu(page).get_by_role("link", name="Notices", exact=True)).to_be_visible()

    main_menu(page).get_by_role("link", name="Notices", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    expect(page.get_by_text("Unread", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    _checked(page)


def test_an_empty_notices_page_says_what_will_appear(page: Page, live_server, colleague):
    sign_in(page, live_server, colleague)
    main_menu(page).get_by_role("link", name="Notices", exact=True).click()
    expect(page.get_by_role("heading", name="No notices yet")).to_be_visible()
    _checked(page)
