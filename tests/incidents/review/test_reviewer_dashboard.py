"""The reviewers' dashboard (issue 10, item 4): the start page of CDE reviewers and
administrators and of CalTAC agents. Scope with the personas (each team sees its own queues and
decisions), the queue counts linking to their tabs, decisions per day, the share decided within
four business days with its table, a fixed number of queries, and who gets another page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.announcement_models import Announcement, Audience
from stairs.vocabulary import AppealStatus, Reviewer
from students import dates
from tests.incidents.review.conftest import add_appeals

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _queues(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-queue="([a-z]+)">([\d+]+)<', body))


def _rows(body: str, caption: str) -> dict[str, list[str]]:
    table = re.search(rf"<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>", body, re.S)
    assert table, caption
    return {
        label: re.findall(r'<td class="text-end">([^<]*)</td>', cells)
        for label, cells in re.findall(
            r'<th scope="row" class="text-nowrap">([^<]+)</th>(.*?)</tr>', table.group(1), re.S
        )
    }


@pytest.fixture
def appeals(reopen_case, filing_day):
    """At CalTAC: the two open Re-open appeals of the case, and two decided yesterday, one by its
    due date and one a day late. At CDE: one open manual appeal, overdue."""
    yesterday = filing_day - timedelta(days=1)
    on_time = add_appeals(
        reopen_case, 1, status=AppealStatus.APPROVED, decided_at=yesterday, due_at=filing_day
    )
    late = add_appeals(
        reopen_case,
        1,
        status=AppealStatus.APPROVED,
        decided_at=yesterday,
        due_at=yesterday - timedelta(days=1),
    )
    cde = add_appeals(reopen_case, 1, appeal_type="", reviewer=Reviewer.CDE, due_at=yesterday)
    return {"on_time": on_time, "late": late, "cde": cde}


def test_caltac_sees_caltac_queues_and_decisions(client, caltac_agent, appeals, filing_day):
    body = _page(client, caltac_agent)
    assert "<title>Reviewer dashboard" in body
    assert _queues(body) == {"mine": "0", "unclaimed": "2", "due": "0", "overdue": "0"}
    # Each count links to its tab of the review queue.
    assert f'href="{reverse("review:queue")}?view=unclaimed"' in body
    day = dates.local_date(filing_day - timedelta(days=1))
    decisions = _rows(body, "Decisions per day, last 14 days")
    assert len(decisions) == 14
    assert decisions[f"{day:%b} {day.day}"] == ["2", "2"]
    assert sum(int(values[0]) for values in decisions.values()) == 2
    # One of the two was decided by its due date (A-2: four business days): 50%.
    shares = _rows(body, "Share of decisions made within four business days, per week")
    assert len(shares) == 8
    assert "50%" in [values[0] for values in shares.values()]
    assert "What to do next" in body  # the start page stays below


@pytest.mark.parametrize("persona", ["cde_reviewer", "cde_admin"])
def test_cde_sees_cde_queues_only(request, client, appeals, persona):
    body = _page(client, request.getfixturevalue(persona))
    assert _queues(body) == {"mine": "0", "unclaimed": "1", "due": "0", "overdue": "1"}
    assert "Your team decided no appeal in the last 14 days." in body
    assert "Reviewer dashboard" in body


def test_announcements_for_reviewers_are_shown(client, caltac_agent, cde_admin, filing_day):
    today = dates.local_date(filing_day)
    for title, audience in [
        ("For reviewers", Audience.REVIEWERS),
        ("For LEA coordinators", Audience.LEA_COORDINATORS),
    ]:
        Announcement.objects.create(
            title=title,
            body="Body.",
            audience=audience,
            starts_on=today,
            ends_on=today,
            created_by=cde_admin,
        )
    body = _page(client, caltac_agent)
    assert "For reviewers" in body
    assert "For LEA coordinators" not in body


def test_coordinator_keeps_the_glance_and_test_administrator_the_plain_home(
    client, lea_coordinator, test_administrator, appeals
):
    body = _page(client, lea_coordinator)
    assert "MyTOMS at a Glance" in body
    assert "data-queue" not in body
    body = _page(client, test_administrator)
    assert "Reviewer dashboard" not in body
    assert "MyTOMS at a Glance" not in body
    assert "data-queue" not in body


def test_a_fixed_number_of_queries(client, caltac_agent, reopen_case, filing_day):
    yesterday = filing_day - timedelta(days=1)
    add_appeals(reopen_case, 1, status=AppealStatus.APPROVED, decided_at=yesterday)
    client.force_login(caltac_agent)
    client.get(HOME)  # the session's first write is not what we measure
    with CaptureQueriesContext(connection) as few:
        assert client.get(HOME).status_code == 200
    add_appeals(reopen_case, 15)
    add_appeals(reopen_case, 13, status=AppealStatus.APPROVED, decided_at=yesterday)
    with CaptureQueriesContext(connection) as many:
        assert client.get(HOME).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
