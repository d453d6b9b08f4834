"""B4: a name searched for never reaches a URL (address bar, history, pagination links, the
``next=`` of an idle sign-out) nor a log line; B13: what the search matches is what it shows."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

NAME = "Quintanilla"


@pytest.fixture
def many(tree):
    """More students called Quintanilla than fit on one page."""
    return [
        StudentFactory(school=tree.school_a1, last_name=f"{NAME}{n:02d}", first_name="Ana")
        for n in range(30)
    ]


def _urls_in(response) -> list[str]:
    body = response.content.decode()
    urls = [response.request["PATH_INFO"] + "?" + response.request.get("QUERY_STRING", "")]
    urls += [u for u in body.split('href="')[1:]]
    return [u.split('"')[0] for u in urls]


def test_a_name_search_puts_the_name_in_no_url_nor_log(client, many, lea_coordinator, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(lea_coordinator)
    url = reverse("students:search")
    posted = client.post(url, {"q": NAME.lower()})
    assert posted.status_code == 302
    results_url = posted["Location"]
    assert NAME.lower() not in results_url.lower() and "search=" in results_url

    first = client.get(results_url)
    assert "30 students matching “quintanilla”" in first.content.decode()
    assert all(NAME.lower() not in u.lower() for u in _urls_in(first))
    next_page = next(u for u in _urls_in(first) if "page=2" in u)
    assert next_page.startswith("?search=")
    second = client.get(url + next_page.replace("&amp;", "&"))
    assert len(second.context["page"].object_list) == 5
    assert all(NAME.lower() not in u.lower() for u in _urls_in(second))

    # Idle past the limit: the sign-out sends the browser to sign in with next= of this page.
    later = timezone.now() + timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 120)
    with time_machine.travel(later):
        idled = client.get(url + next_page.replace("&amp;", "&"))
    assert idled.status_code == 302 and "next=" in idled["Location"]
    assert NAME.lower() not in idled["Location"].lower()

    # Signed in again, the old key leads nowhere: the search ended with the session.
    client.force_login(lea_coordinator)
    ended = client.get(url + next_page.replace("&amp;", "&"))
    assert "That search has ended" in ended.content.decode()
    assert NAME not in ended.content.decode()
    assert all(NAME.lower() not in r.getMessage().lower() for r in caplog.records)


def test_a_name_typed_into_the_address_is_refused_not_searched(client, many, lea_coordinator):
    client.force_login(lea_coordinator)
    response = client.get(reverse("students:search"), {"q": NAME})
    body = response.content.decode()
    assert "names are never searched from a web address" in body
    assert f"{NAME}00" not in body


def test_an_ssid_search_stays_a_plain_get(client, many, lea_coordinator):
    client.force_login(lea_coordinator)
    posted = client.post(reverse("students:search"), {"q": many[0].ssid})
    assert posted["Location"].endswith(f"?q={many[0].ssid}")
    assert f"{NAME}00" in client.get(posted["Location"]).content.decode()


def test_a_search_that_is_not_valid_stores_nothing(client, lea_coordinator):
    client.force_login(lea_coordinator)
    response = client.post(reverse("students:search"), {"q": "x"})
    assert response.status_code == 200
    assert "Type at least two letters of a name." in response.content.decode()
    assert not client.session.get("student_searches")


def test_only_the_last_few_searches_are_kept(client, many, lea_coordinator):
    client.force_login(lea_coordinator)
    for word in ("qa", "qb", "qc", "qd", "qe", "qf", "qg"):
        client.post(reverse("students:search"), {"q": word})
    assert list(client.session["student_searches"].values()) == ["qc", "qd", "qe", "qf", "qg"]


def test_a_middle_name_match_is_shown_and_the_help_says_so(client, tree, lea_coordinator):
    # B13: the search matched middle names without showing them.
    StudentFactory(school=tree.school_a1, first_name="Ana", middle_name="Zenaida", last_name="Ruiz")
    client.force_login(lea_coordinator)
    response = client.post(reverse("students:search"), {"q": "zena"}, follow=True)
    body = response.content.decode()
    assert "Ruiz, Ana Zenaida" in body
    assert "the start of a first, middle or last name" in body
