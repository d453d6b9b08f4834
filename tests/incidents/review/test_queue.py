"""The review queues (issue 9, item 4): each tab's content with pinned dates, scoping with the
three personas, filters (bad input included), a fixed query count, empty states, bulk decisions
and the away toggle."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals.models import Appeal, AppealEvent, AppealEventKind, ClosureDay
from incidents.review_queries import Tab
from stairs.vocabulary import AppealStatus, AppealType, Reviewer
from students import dates
from students.dates import end_of_local_day
from tests.incidents.review.conftest import add_appeals, appeals_of, file_case

pytestmark = pytest.mark.django_db


def _listed(client, tab: str, **filters) -> list[int]:
    response = client.get(reverse("review:queue"), {"view": tab, **filters})
    assert response.status_code == 200, response.text
    return [appeal.pk for appeal in response.context["page"].object_list]


def _counts(client, **filters) -> dict[str, int]:
    response = client.get(reverse("review:queue"), filters)
    return {t["key"]: t["count"] for t in response.context["tabs"]}


# --- each tab, with dates pinned ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "next_business_day"),
    [
        # A Friday: the next business day is the Monday after the weekend.
        (datetime(2027, 3, 12, 10, 0, tzinfo=dates.PACIFIC), date(2027, 3, 15)),
        # The day before Cesar Chavez Day (a Wednesday, a California holiday): Thursday.
        (datetime(2027, 3, 30, 10, 0, tzinfo=dates.PACIFIC), date(2027, 4, 1)),
    ],
    ids=["across-a-weekend", "across-a-holiday"],
)
def test_each_tab_lists_what_it_says(
    client, caltac_agent, caltac_colleague, reopen_case, now, next_business_day
):
    # rule A-2, T-2: due within one business day means due by the end of the next business day.
    today = now.date()
    with time_machine.travel(now, tick=False):
        held_by_me, held_by_colleague = appeals_of(reopen_case)
        Appeal.objects.filter(pk=held_by_me.pk).update(
            claimed_by=caltac_agent, due_at=end_of_local_day(today + timedelta(days=20))
        )
        Appeal.objects.filter(pk=held_by_colleague.pk).update(
            claimed_by=caltac_colleague, due_at=end_of_local_day(today + timedelta(days=20))
        )
        (due_today,) = add_appeals(reopen_case, 1, due_at=end_of_local_day(today))
        (due_next,) = add_appeals(reopen_case, 1, due_at=end_of_local_day(next_business_day))
        (due_after,) = add_appeals(
            reopen_case, 1, due_at=end_of_local_day(next_business_day + timedelta(days=1))
        )
        (overdue,) = add_appeals(reopen_case, 1, due_at=now - timedelta(hours=1))
        (decided_old, decided_new) = add_appeals(
            reopen_case,
            2,
            status=AppealStatus.APPROVED,
            decided_by=caltac_agent,
            decided_at=now - timedelta(days=2),
        )
        Appeal.objects.filter(pk=decided_new.pk).update(decided_at=now - timedelta(hours=2))
        # CDE's appeals are never in CalTAC's queues.
        add_appeals(
            reopen_case,
            1,
            reviewer=Reviewer.CDE,
            appeal_type=AppealType.INVALIDATE,
            due_at=end_of_local_day(today),
        )
        client.force_login(caltac_agent)
        assert _listed(client, "mine") == [held_by_me.pk]
        assert _listed(client, "unclaimed") == [overdue.pk, due_today.pk, due_next.pk, due_after.pk]
        assert _listed(client, "due") == [due_today.pk, due_next.pk]
        assert _listed(client, "overdue") == [overdue.pk]
        assert _listed(client, "decided") == [decided_new.pk, decided_old.pk]
        assert _counts(client) == {"mine": 1, "unclaimed": 4, "due": 2, "overdue": 1, "decided": 2}
        page = client.get(reverse("review:queue"), {"view": "unclaimed"}).text
        assert "overdue by 1 business day" in page
        assert "due today" in page
        assert "due in 1 business day" in page


def test_a_closure_day_moves_the_due_horizon(client, caltac_agent, reopen_case):
    # rule T-2: CDE's extra closure days are not business days either.
    now = datetime(2027, 3, 12, 10, 0, tzinfo=dates.PACIFIC)  # a Friday
    ClosureDay.objects.create(date=date(2027, 3, 15), reason="Office move")
    with time_machine.travel(now, tick=False):
        (tuesday,) = add_appeals(reopen_case, 1, due_at=end_of_local_day(date(2027, 3, 16)))
        client.force_login(caltac_agent)
        assert tuesday.pk in _listed(client, "due")


# --- scoping: the three personas ----------------------------------------------------------------


def test_queue_scoping_with_three_personas(
    client, caltac_agent, caltac_colleague, cde_reviewer, lea_coordinator, reopen_case, manual_case
):
    mine, other = appeals_of(reopen_case)
    Appeal.objects.filter(pk=mine.pk).update(claimed_by=caltac_agent)
    (cde_appeal,) = appeals_of(manual_case)
    # The allowed user: their own appeal in Mine, the team's unclaimed one in Unclaimed.
    client.force_login(caltac_agent)
    assert _listed(client, "mine") == [mine.pk]
    assert _listed(client, "unclaimed") == [other.pk]
    # A colleague of the same team: the same Unclaimed queue, but not the agent's Mine.
    client.force_login(caltac_colleague)
    assert _listed(client, "mine") == []
    assert _listed(client, "unclaimed") == [other.pk]
    # Another team: CDE sees its own appeals only.
    client.force_login(cde_reviewer)
    assert _listed(client, "unclaimed") == [cde_appeal.pk]
    # Someone with no queue at all.
    client.force_login(lea_coordinator)
    assert client.get(reverse("review:queue")).status_code == 403


# --- filters ------------------------------------------------------------------------------------


@pytest.fixture
def two_leas(lea_coordinator, outsider, tree, windows, filing_day):
    alder = file_case(lea_coordinator, tree.school_a1)
    birch = file_case(outsider, tree.school_b1, test="SB_ELA")
    return appeals_of(alder)[0], appeals_of(birch)[0]


def test_filters_narrow_every_tab(client, caltac_agent, two_leas):
    alder, birch = two_leas
    client.force_login(caltac_agent)
    assert _listed(client, "unclaimed") == [alder.pk, birch.pk]
    assert _listed(client, "unclaimed", school="Alder Ele") == [alder.pk]
    assert _listed(client, "unclaimed", school="19222226") == [birch.pk]
    assert _listed(client, "unclaimed", lea="birch") == [birch.pk]
    assert _listed(client, "unclaimed", ssid=birch.student.ssid) == [birch.pk]
    assert _listed(client, "unclaimed", case=birch.case.number) == [birch.pk]
    assert _listed(client, "unclaimed", test="SB_ELA") == [birch.pk]
    assert _listed(client, "unclaimed", type=AppealType.REOPEN) == [alder.pk, birch.pk]
    assert _listed(client, "unclaimed", type=AppealType.RESET) == []
    assert _counts(client, school="Alder Ele")["unclaimed"] == 1
    # Filtering keeps the filters on the tabs' links.
    tabs = client.get(reverse("review:queue"), {"lea": "birch"}).context["tabs"]
    assert all("lea=birch" in t["url"] for t in tabs)


def test_manual_reviews_are_found_by_their_type(client, cde_reviewer, manual_case):
    client.force_login(cde_reviewer)
    (appeal,) = appeals_of(manual_case)
    assert _listed(client, "unclaimed", type="MANUAL") == [appeal.pk]
    assert _listed(client, "unclaimed", type=AppealType.INVALIDATE) == []


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"ssid": "12345abcde"}, "An SSID is exactly 10 digits"),
        ({"ssid": "123"}, "An SSID is exactly 10 digits"),
        ({"school": "Nowhere High"}, "No school has a CDS code or a name starting with"),
        ({"school": "99999"}, "No school has a CDS code or a name starting with"),
        ({"lea": "Zzz"}, "No LEA has a CDS code or a name starting with"),
        ({"case": "abc"}, "A case number is the year"),
        ({"type": "NOT_A_TYPE"}, "Select a valid choice"),
    ],
)
def test_bad_filters_say_what_is_wrong_by_the_field(
    client, caltac_agent, two_leas, filters, message
):
    client.force_login(caltac_agent)
    response = client.get(reverse("review:queue"), {"view": "unclaimed", **filters})
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Correct the filters above to see the appeals." in response.text


def test_an_unknown_page_number_shows_the_last_page(client, caltac_agent, two_leas):
    client.force_login(caltac_agent)
    response = client.get(reverse("review:queue"), {"view": "unclaimed", "page": "abc"})
    assert response.status_code == 200


# --- a fixed number of queries ------------------------------------------------------------------


def _fill(case, tab: str, n: int, agent, now) -> None:
    if tab == Tab.MINE:
        add_appeals(case, n, claimed_by=agent, claimed_at=now)
    elif tab == Tab.UNCLAIMED:
        add_appeals(case, n)
    elif tab == Tab.DUE:
        add_appeals(case, n, due_at=end_of_local_day(now.date()))
    elif tab == Tab.OVERDUE:
        add_appeals(case, n, due_at=now - timedelta(days=1))
    else:
        add_appeals(case, n, status=AppealStatus.APPROVED, decided_at=now, decided_by=agent)


# user, the user's grants (scope), the closure days, the five counts (one statement), one page
# of rows, the bell's unread notices; the session comes from the cache
QUEUE_QUERIES = 6


@pytest.mark.parametrize("tab", list(Tab))
def test_each_tab_costs_the_same_queries_for_3_and_30_rows(
    client, caltac_agent, lea_coordinator, tree, windows, filing_day, tab
):
    case = file_case(lea_coordinator, tree.school_a1, count=1)
    Appeal.objects.filter(case=case).delete()
    client.force_login(caltac_agent)
    url = reverse("review:queue")
    client.get(url)  # the first request after signing in saves the session once
    counts = []
    for total in (3, 30):
        _fill(case, tab, total - len(appeals_of(case)), caltac_agent, filing_day)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"view": tab.value})
        assert len(response.context["page"].object_list) == min(total, 25)
        counts.append(len(queries))
    assert counts == [QUEUE_QUERIES, QUEUE_QUERIES]


# --- empty states -------------------------------------------------------------------------------


def test_a_reviewer_with_nothing_sees_what_to_do_next(client, caltac_agent, tree):
    client.force_login(caltac_agent)
    page = client.get(reverse("review:queue")).text
    assert "You hold no appeal yet" in page
    assert "claim one from the Unclaimed queue" in page
    assert (
        "Every open appeal has a reviewer"
        in client.get(reverse("review:queue"), {"view": "unclaimed"}).text
    )
    assert "No appeal is overdue" in client.get(reverse("review:queue"), {"view": "overdue"}).text
    assert (
        "Your team has decided no appeal yet"
        in client.get(reverse("review:queue"), {"view": "decided"}).text
    )


# --- bulk ---------------------------------------------------------------------------------------


def test_bulk_approve_with_one_reason(client, caltac_agent, reopen_case):
    first, second = appeals_of(reopen_case)
    client.force_login(caltac_agent)
    back = reverse("review:queue") + "?view=unclaimed"
    response = client.post(
        reverse("review:bulk"),
        {
            "appeal": [first.pk, second.pk],
            "action": "approve",
            "reason": "Confirmed.",
            "next": back,
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    assert set(Appeal.objects.filter(case=reopen_case).values_list("status", flat=True)) == {
        AppealStatus.APPROVED
    }
    page = client.get(back)
    assert "2 appeals were approved" in page.text


def test_bulk_needs_a_reason_and_keeps_the_ticks(client, caltac_agent, reopen_case):
    first, second = appeals_of(reopen_case)
    client.force_login(caltac_agent)
    back = reverse("review:queue") + "?view=unclaimed"
    response = client.post(
        reverse("review:bulk"),
        {"appeal": [first.pk], "action": "reject", "reason": " ", "next": back},
    )
    assert response.status_code == 400
    assert "Give one reason for the ticked appeals." in response.text
    assert f'value="{first.pk}" id="tick-{first.pk}" checked' in response.text
    assert f'value="{second.pk}" id="tick-{second.pk}">' in response.text
    assert response.context["tab"] == "unclaimed"
    response = client.post(
        reverse("review:bulk"), {"action": "reject", "reason": "No.", "next": back}
    )
    assert response.status_code == 400
    assert "Tick at least one appeal in the list." in response.text
    assert Appeal.objects.filter(case=reopen_case, status=AppealStatus.PENDING).count() == 2


def test_bulk_reject_and_what_it_leaves_alone(client, cde_reviewer, manual_case, reopen_case):
    (manual,) = appeals_of(manual_case)
    caltac_one = appeals_of(reopen_case)[0]
    client.force_login(cde_reviewer)
    response = client.post(
        reverse("review:bulk"),
        {"appeal": [manual.pk, caltac_one.pk], "action": "approve", "reason": "Checked."},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    # A manual review needs a choice; a CalTAC appeal is not CDE's to decide.
    assert f"SSID {manual.student.ssid} was left as it was: Choose how to approve it" in page
    assert f"SSID {caltac_one.student.ssid} was left as it was: This appeal is CalTAC" in page
    response = client.post(
        reverse("review:bulk"), {"appeal": [manual.pk], "action": "reject", "reason": "Too late."}
    )
    manual.refresh_from_db()
    assert (manual.status, manual.decision_reason) == (AppealStatus.REJECTED_BY_CDE, "Too late.")


# --- away ---------------------------------------------------------------------------------------


def test_the_away_toggle_hands_back_held_appeals_and_returns(client, caltac_agent, reopen_case):
    first, _second = appeals_of(reopen_case)
    Appeal.objects.filter(pk=first.pk).update(claimed_by=caltac_agent)
    client.force_login(caltac_agent)
    page = client.get(reverse("review:queue")).text
    assert "Mark me away" in page
    assert "new appeals won't be assigned to you" in page
    response = client.post(reverse("review:away"), {"next": "/review/?view=mine"})
    assert response["Location"] == "/review/?view=mine"
    caltac_agent.refresh_from_db()
    assert caltac_agent.is_away
    first.refresh_from_db()
    assert first.claimed_by is None
    assert AppealEvent.objects.filter(appeal=first, kind=AppealEventKind.RELEASED).count() == 1
    page = client.get(response["Location"]).text
    assert "1 appeal you held went back to your team" in page
    assert "I'm back" in page
    assert "You are marked away, so no new appeal is assigned to you" in page
    client.post(reverse("review:away"))
    caltac_agent.refresh_from_db()
    assert not caltac_agent.is_away
