"""In-app notices (issue 10, item 2): the services, the header bell's count, and the Notices
page (list, mark as read, mark all as read, open). A notice is its recipient's alone: anyone
else's is a 404, like one that does not exist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.context_processors import notices as notices_context
from notifications.models import Notice
from notifications.services import notices_create, notices_mark_read

pytestmark = pytest.mark.django_db

LIST = "/notices/"


def _make(user, n: int, *, url: str = "/cases/1/", read: bool = False) -> list[Notice]:
    start = timezone.now() - timedelta(hours=n)
    return [
        Notice.objects.create(
            recipient=user,
            text=f"STAIRS case 2027-{i:06d} was submitted.",
            url=url,
            created_at=start + timedelta(hours=i),
            read_at=timezone.now() if read else None,
        )
        for i in range(n)
    ]


# --- services ---------------------------------------------------------------------------------


def test_notices_create_writes_one_unread_notice_per_recipient(lea_coordinator, colleague):
    created = notices_create(
        recipients=[lea_coordinator.pk, colleague.pk, lea_coordinator.pk],
        text="STAIRS case 2027-000001 was submitted.",
        url="/cases/1/",
    )
    assert len(created) == 2
    assert sorted(Notice.objects.values_list("recipient_id", "read_at")) == sorted(
        [(lea_coordinator.pk, None), (colleague.pk, None)]
    )


def test_notices_mark_read_changes_only_the_users_own(lea_coordinator, colleague):
    mine = _make(lea_coordinator, 3)
    theirs = _make(colleague, 2)
    assert notices_mark_read(user=lea_coordinator, notice_ids=[mine[0].pk, theirs[0].pk]) == 1
    assert Notice.objects.filter(read_at__isnull=False).get() == mine[0]
    assert notices_mark_read(user=lea_coordinator, notice_ids=None) == 2
    assert not Notice.objects.filter(recipient=lea_coordinator, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=colleague, read_at__isnull=True).count() == 2
    assert notices_mark_read(user=lea_coordinator) == 0  # already read: nothing changes


# --- the header bell --------------------------------------------------------------------------


def test_the_bell_counts_the_unread_notices_in_one_query(lea_coordinator, colleague):
    _make(lea_coordinator, 3)
    _make(lea_coordinator, 2, read=True)
    _make(colleague, 4)
    request = RequestFactory().get("/")
    request.user = lea_coordinator
    with CaptureQueriesContext(connection) as queries:
        bell = notices_context(request)["unread_notices"]
        assert (bell.count, bell.count) == (3, 3)
    assert len(queries) == 1


def test_the_bell_costs_nothing_for_an_anonymous_visitor():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert notices_context(request) == {}
    assert len(queries) == 0


def test_the_header_names_the_unread_count(client, lea_coordinator):
    client.force_login(lea_coordinator)
    body = client.get(reverse("home")).content.decode()
    assert ">Notices</a>" in body  # no badge while nothing is unread
    _make(lea_coordinator, 3)
    body = client.get(reverse("home")).content.decode()
    assert 'aria-label="Notices, 3 unread">Notices<span' in body
    assert 'aria-hidden="true">3</span>' in body


def test_the_sign_in_page_has_no_bell(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Notices" not in body


# --- the Notices page -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lea_coordinator", "test_administrator", "caltac_agent"])
def test_each_user_sees_only_their_own_notices_newest_first(request, client, persona, colleague):
    user = request.getfixturevalue(persona)
    mine = _make(user, 3)
    _make(colleague, 2)
    notices_mark_read(user=user, notice_ids=[mine[0].pk])
    client.force_login(user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"]] == [n.pk for n in reversed(mine)]
    body = response.content.decode()
    assert body.count(">Unread</span>") == 2
    assert body.count(">Mark as read<") == 2
    assert "Mark all as read" in body
    assert body.count("<h1") == 1


def test_the_list_needs_a_signed_in_user(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_empty_list_says_what_will_appear(client, lea_coordinator):
    client.force_login(lea_coordinator)
    body = client.get(LIST).content.decode()
    assert "No notices yet" in body
    assert "appeal decision" in body
    assert "Mark all as read" not in body


def test_the_list_is_paginated_by_25(client, lea_coordinator):
    _make(lea_coordinator, 30)
    client.force_login(lea_coordinator)
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 25
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 5


def test_the_list_costs_the_same_queries_for_3_and_30_notices(client, lea_coordinator):
    client.force_login(lea_coordinator)
    client.get(LIST)  # the first request after signing in saves the session once
    counts = []
    for total in (3, 30):
        Notice.objects.all().delete()
        _make(lea_coordinator, total)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert len(response.context["page"].object_list) == min(total, 25)
        counts.append(len(queries))
    # user, the paginator's count, the user's grants (the navigation), one page of notices, the
    # bell's unread count (the session comes from the cache)
    assert counts == [5, 5]


def test_mark_as_read_marks_one_and_returns_to_the_page(client, lea_coordinator):
    first, second = _make(lea_coordinator, 2)
    client.force_login(lea_coordinator)
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), {"page": "2"})
    assert response.status_code == 302 and response["Location"] == LIST + "?page=2"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_read and not second.is_read
    assert client.get(reverse("notifications:mark_read", args=[first.pk])).status_code == 405


def test_mark_all_as_read_marks_only_the_users_own(client, lea_coordinator, colleague):
    _make(lea_coordinator, 3)
    _make(colleague, 2)
    client.force_login(lea_coordinator)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "3 notices marked as read." in response.content.decode()
    assert not Notice.objects.filter(recipient=lea_coordinator, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=colleague, read_at__isnull=True).count() == 2


def test_opening_a_notice_marks_it_read_and_goes_to_its_case(client, lea_coordinator):
    (notice,) = _make(lea_coordinator, 1, url="/cases/42/")
    client.force_login(lea_coordinator)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/42/"
    notice.refresh_from_db()
    assert notice.is_read


@pytest.mark.parametrize("url", ["https://evil.example.org/", "//evil.example.org/cases/1/"])
def test_a_notice_never_opens_another_site(client, lea_coordinator, url):
    (notice,) = _make(lea_coordinator, 1, url=url)
    client.force_login(lea_coordinator)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == LIST


@pytest.mark.parametrize("persona", ["colleague", "outsider", "cde_reviewer"])
def test_another_users_notice_is_a_404(request, client, lea_coordinator, persona):
    (notice,) = _make(lea_coordinator, 1)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert not notice.is_read
    assert client.get(reverse("notifications:open", args=[notice.pk + 999])).status_code == 404
