"""The home page is a start page for each role: what to do next, with the state that matters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _headings(body: str) -> list[str]:
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', body)


def test_lea_coordinator_sees_users_forms_and_student_search(
    client, tree, lea_coordinator, colleague
):
    with time_machine.travel(datetime(2026, 9, 14, 17, 0, tzinfo=UTC), tick=False):
        lea_coordinator.affidavit_signed_at = datetime.now(tz=UTC)
        lea_coordinator.save()
    body = _home(client, lea_coordinator)
    assert _headings(body) == [
        "STAIRS cases",
        "Find a student",
        "Users",
        "Test security forms",
        "Your account",
    ]
    # Two active accounts: the coordinator and the colleague at a school of the LEA.
    assert re.search(r'<strong class="fs-4">2</strong> active accounts in your LEA', body)
    assert 'on <time datetime="2026-09-14T10:00:00-07:00">September 14, 2026</time>' in body
    assert f'href="{reverse("accounts:user_create")}"' in body
    assert "telephone CDE at once" in body


def test_the_ssid_box_takes_only_an_ssid(client, colleague):
    # A name must not go into a URL (issue 7, B4): the home box takes 10 digits only.
    body = _home(client, colleague)
    box = re.search(r'<input type="text" name="q" id="home-ssid"[^>]*>', body).group(0)
    assert 'pattern="[0-9]{10}"' in box and "required" in box
    assert f'action="{reverse("students:search")}"' in body


def test_site_coordinator_finds_students_but_manages_no_users(client, colleague):
    body = _home(client, colleague)
    assert _headings(body) == ["STAIRS cases", "Find a student", "Your account"]
    assert reverse("accounts:user_list") not in body
    assert "Questions go to your LEA coordinator" in body  # rule U-6


def test_test_administrator_is_told_to_tell_the_site_coordinator(client, test_administrator):
    body = _home(client, test_administrator)
    assert _headings(body) == ["Find a student", "Your account"]
    assert "Tell your site coordinator the same day" in body


def test_cde_administrator_manages_everyone_and_the_reference_data(client, cde_admin, colleague):
    body = _home(client, cde_admin)
    assert _headings(body) == [
        "STAIRS cases",
        "Find a student",
        "Users",
        "Reference data",
        "Your account",
    ]
    assert re.search(r'<strong class="fs-4">2</strong> active accounts in STAIRS', body)
    assert "Look up any student in California" in body


def test_cde_reviewer_and_caltac_agent_look_students_up(client, cde_reviewer, caltac_agent):
    body = _home(client, cde_reviewer)
    assert _headings(body) == ["STAIRS cases", "Find a student", "Your account"]
    assert reverse("incidents:new") not in body  # CDE reviews; it does not file (F-7)
    body = _home(client, caltac_agent)
    assert _headings(body) == ["STAIRS cases", "Find a student", "Your account"]
    # rule A-RESTORE-1: CalTAC files a Restore on an LEA's behalf through the wizard
    assert reverse("incidents:new") in body
    assert "file the Restore on the LEA's behalf" in body
    assert "On a call with an LEA coordinator" in body


def test_someone_without_a_role_is_told_whom_to_ask(client, tree):
    body = _home(client, UserFactory())
    assert "You have no role yet" in body
    assert _headings(body) == []


@pytest.mark.parametrize("persona", ["lea_coordinator", "cde_admin", "colleague"])
def test_home_costs_the_same_queries_however_many_users(
    request, client, tree, persona, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    client.get(reverse("home"))  # the session's first write is not what we measure
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for n in range(30):
        user_with_role(Role.TEST_ADMINISTRATOR, tree.school_a1, email=f"ta{n}@alder.example.org")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))
    # Coordinators' start page is "MyTOMS at a Glance" (issue 10): its own reads on top, counted
    # in tests/incidents/test_dashboard.py. Every page also reads the header's unread notices.
    # CDE's is the reviewers' dashboard (item 4): announcements, closure days, four queue counts
    # and two grouped counts on top of 7, counted in tests/incidents/review/.
    assert len(few.captured_queries) <= (14 if persona == "cde_admin" else 13)
