"""The coordinators' dashboard from the cache (issue 10, "Speed"): a second visit reads no case,
note or appeal, and any committed change to what the dashboard shows (a draft submitted, a note
by someone else, a decision, an announcement) is on the next visit; another LEA's changes leave
the cached page alone."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals import decisions
from incidents import dashboard_cache, services
from incidents.announcement_models import Announcement, Audience
from tests.incidents.conftest import draft
from tests.incidents.test_case_page import students_of, submitted

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture(autouse=True)
def cached(settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cases(tree, colleague, lea_coordinator, outsider, windows, submitted_students):
    return {
        "a1": submitted(colleague, tree.school_a1, submitted_students),
        "a2_draft": draft(lea_coordinator, tree.school_a2, incident_date=date(2027, 2, 1)),
        "b1": submitted(outsider, tree.school_b1, students_of(tree.school_b1, 1)),
    }


def _visit(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _settle() -> None:
    """Move what the fixtures' writes gathered: in a test nothing commits, so their hooks only
    run inside django_capture_on_commit_callbacks."""
    dashboard_cache._flush(connection)


def _glance(body: str) -> str:
    """The cached part: from the to-do list to the end of the chart."""
    return body.split('id="todo-heading"')[1].split("</section>\n</div>")[0]


def _drafts(body: str) -> int:
    return int(re.search(r'data-count="DRAFT">(\d+)<', body).group(1))


def _reads_cases(queries: list[str]) -> bool:
    return any(
        re.search(r'FROM "(incidents_case|incidents_casenote|appeals_appeal)"', q) for q in queries
    )


def test_a_second_visit_reads_the_page_from_the_cache(client, cases, lea_coordinator):
    client.force_login(lea_coordinator)
    first, first_queries = _visit(client)
    second, second_queries = _visit(client)
    assert _reads_cases(first_queries)
    assert not _reads_cases(second_queries)
    assert len(second_queries) < len(first_queries)
    assert _glance(second) == _glance(first)


def test_a_submitted_draft_leaves_the_dashboard_at_once(
    client, cases, lea_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(lea_coordinator)
    assert _drafts(_visit(client)[0]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.case_submit(case=cases["a2_draft"], actor=lea_coordinator)
    body, queries = _visit(client)
    assert _reads_cases(queries)
    assert _drafts(body) == 0
    assert 'id="draft-notice"' not in body


def test_a_note_by_someone_else_and_a_decision_show_on_the_next_visit(
    client, cases, lea_coordinator, colleague, caltac_agent, django_capture_on_commit_callbacks
):
    client.force_login(lea_coordinator)
    body, _ = _visit(client)
    assert 'id="todo-notes"' not in body and 'id="todo-rejected"' not in body
    case = cases["a1"]
    with django_capture_on_commit_callbacks(execute=True):
        services.case_note_add(case=case, actor=colleague, body="Called the site.")
    assert f'href="/cases/{case.pk}/#notes"' in _visit(client)[0]
    appeal = case.appeals.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.appeal_reject(appeal=appeal, actor=caltac_agent, reason="Not an accident.")
    body, _ = _visit(client)
    assert 'id="todo-rejected"' in body and appeal.student.ssid in body


def test_another_leas_change_keeps_the_cached_page(
    client, cases, lea_coordinator, outsider, tree, django_capture_on_commit_callbacks
):
    client.force_login(lea_coordinator)
    _settle()
    key = dashboard_cache.glance_for(lea_coordinator).key
    with django_capture_on_commit_callbacks(execute=True):
        draft(outsider, tree.school_b1)
    assert dashboard_cache.glance_for(lea_coordinator).key == key
    with django_capture_on_commit_callbacks(execute=True):
        draft(lea_coordinator, tree.school_a1)
    assert dashboard_cache.glance_for(lea_coordinator).key != key


def test_a_change_rolled_back_moves_nothing(client, cases, lea_coordinator, tree):
    key = dashboard_cache.glance_for(lea_coordinator).key
    # No commit (the test's transaction is rolled back): the on-commit move never runs.
    draft(lea_coordinator, tree.school_a1)
    assert dashboard_cache.glance_for(lea_coordinator).key == key


def test_announcements_are_read_afresh_on_a_cached_visit(client, cases, lea_coordinator, cde_admin):
    client.force_login(lea_coordinator)
    _visit(client)
    Announcement.objects.create(
        created_by=cde_admin,
        title="Window extended",
        body="The CAASPP window is extended by a week.",
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 3, 31),
        audience=Audience.LEA_COORDINATORS,
    )
    body, queries = _visit(client)
    assert not _reads_cases(queries)
    assert "Window extended" in body


def test_an_evicted_version_comes_back_as_a_number_never_used(lea_coordinator, tree):
    key = dashboard_cache._version_key(tree.lea_a.pk)
    dashboard_cache._bump([key])
    first = cache.get(key)
    dashboard_cache._bump([key])
    assert cache.get(key) == first + 1
    cache.delete(key)
    dashboard_cache._bump([key])
    assert cache.get(key) not in (None, 0, 1, first, first + 1)


def test_one_transaction_moves_each_version_once(
    lea_coordinator, tree, django_capture_on_commit_callbacks
):
    keys = [dashboard_cache._version_key(pk) for pk in (tree.lea_a.pk, tree.school_a1.pk)]
    _settle()
    dashboard_cache._bump(keys)
    before = cache.get_many(keys)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            draft(lea_coordinator, tree.school_a1)
    assert cache.get_many(keys) == {key: value + 1 for key, value in before.items()}


def _reads_tally(queries: list[str]) -> bool:
    return any('FROM "appeals_decisiontally"' in q for q in queries)


def _decided_today(body: str) -> str:
    """The decisions chart's table: the days and their counts."""
    return body.split('id="decisions-heading"')[1].split("</section>")[0]


def test_the_reviewers_charts_come_from_the_cache_until_their_team_decides(
    client, cases, caltac_agent, cde_reviewer, django_capture_on_commit_callbacks
):
    cde = type(client)()
    cde.force_login(cde_reviewer)
    _visit(cde)
    client.force_login(caltac_agent)
    first, first_queries = _visit(client)
    second, second_queries = _visit(client)
    assert _reads_tally(first_queries) and not _reads_tally(second_queries)
    assert _decided_today(second) == _decided_today(first)
    # The queue counts are read on every visit.
    assert any('FROM "appeals_appeal"' in q for q in second_queries)
    appeal = cases["a1"].appeals.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.appeal_reject(appeal=appeal, actor=caltac_agent, reason="Not an accident.")
    third, third_queries = _visit(client)
    assert _reads_tally(third_queries)
    assert _decided_today(third) != _decided_today(second)
    # CalTAC's decision leaves CDE's charts as they were cached.
    assert not _reads_tally(_visit(cde)[1])
