"""Student pages show the status a test has now (an open test past its expiry is expired, before
the expiry sweep records it), and the search keeps typed names out of the browser's history."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from students.models import TestStatus
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(tree):
    """An online PT opened 20 days ago, still stored as in progress: its 10 days ran out."""
    student = StudentFactory(school=tree.school_a1, first_name="Ines", last_name="Alder-One")
    opened = timezone.now() - timezone.timedelta(days=20)
    return make_event(student, test="SB_ELA", part="PT", status=TestStatus.IN_PROGRESS,
                      opened_at=opened)  # fmt: skip


def _status_cells(body: str) -> list[str]:
    # Each status is a tag (templates/includes/status_tag.html) in its table cell.
    return re.findall(
        r'<span class="status-tag[^"]*">(In progress|Expired|Paused|Submitted)</span>', body
    )


def test_the_tests_tab_and_score_status_show_a_lapsed_test_as_expired(client, lapsed, colleague):
    # rule T-1
    client.force_login(colleague)
    for tab in ("students:tests", "students:score_status"):
        body = client.get(reverse(tab, args=[lapsed.student.ssid])).content.decode()
        assert _status_cells(body) == ["Expired"], tab
    lapsed.refresh_from_db()
    assert lapsed.status == TestStatus.IN_PROGRESS  # a page reads, the sweep writes


def test_the_event_page_shows_a_lapsed_test_as_expired_with_its_effects(client, lapsed, colleague):
    # rule T-1; an effect catches up the expiry first, so Re-open and Invalidate apply.
    client.force_login(colleague)
    url = reverse("students:test_event", args=[lapsed.student.ssid, lapsed.pk])
    body = client.get(url).content.decode()
    cell = re.search(r"<dt[^>]*>Status</dt><dd[^>]*>(.*?)</dd>", body, re.S).group(1)
    status = " ".join(re.sub(r"<[^>]+>", "", cell).split())
    assert status.startswith("Expired (its expiry passed;")
    assert "Reset, Re-open, Invalidate" in body


def test_an_open_test_before_its_expiry_shows_its_stored_status(client, tree, colleague):
    student = StudentFactory(school=tree.school_a1)
    make_event(student, status=TestStatus.PAUSED)
    client.force_login(colleague)
    body = client.get(reverse("students:tests", args=[student.ssid])).content.decode()
    assert _status_cells(body) == ["Paused"]


def test_the_status_now_costs_no_query_per_row(
    client, lapsed, lea_coordinator, django_assert_num_queries
):
    student = lapsed.student
    for test, part in [("SB_ELA", "NON_PT"), ("SB_MATH", "NON_PT"), ("SB_MATH", "PT")]:
        make_event(student, test=test, part=part, status=TestStatus.IN_PROGRESS,
                   opened_at=timezone.now() - timezone.timedelta(days=50))  # fmt: skip
    client.force_login(lea_coordinator)
    client.get(reverse("students:detail", args=[student.ssid]))  # writes the session stamp
    # user, grants, student, events (+ their notations): as in test_views (the session comes
    # from the cache). Score Status adds the recent STAIRS appeals (incidents/profile_appeals.py):
    # the grants that scope the cases, and the appeals. Each page adds the bell's unread count.
    for tab, queries in (("students:tests", 5), ("students:score_status", 8)):
        with django_assert_num_queries(queries):
            body = client.get(reverse(tab, args=[student.ssid])).content.decode()
        assert _status_cells(body) == ["Expired"] * 4
    with django_assert_num_queries(6):
        client.get(reverse("students:test_event", args=[student.ssid, lapsed.pk]))


def test_search_as_you_type_keeps_names_out_of_the_history(client, tree, colleague):
    client.force_login(colleague)
    body = client.get(reverse("students:search")).content.decode()
    start = body.index('<form method="post" action="/students/"')
    form = body[start : body.index("</form>", start)]
    assert 'hx-post="' in form  # htmx swaps in the results as the user types ...
    assert "hx-push-url" not in form and "hx-replace-url" not in form  # ... not into the URL
    assert 'type="submit"' in form  # and the plain POST form still works without JavaScript
