"""Student pages, scoped through accounts/access.py (U-4, F-10), with the three personas, the
test administrators of two schools, and the state roles."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from students import effects
from students.models import TestStatus
from students.queries import students_for
from tests.factories import UserFactory
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db

TABS = ("students:detail", "students:tests", "students:score_status")


@pytest.fixture
def pupils(tree):
    """One student at each school: A1 and A2 in LEA A, B1 in LEA B."""
    return {
        "a1": StudentFactory(school=tree.school_a1, first_name="Ines", last_name="Alder-One"),
        "a2": StudentFactory(school=tree.school_a2, first_name="Ivan", last_name="Alder-Two"),
        "b1": StudentFactory(school=tree.school_b1, first_name="Bea", last_name="Birch"),
    }


def _signed_in(client, user):
    client.force_login(user)
    return client


def _profile_statuses(client, student):
    return [client.get(reverse(tab, args=[student.ssid])).status_code for tab in TABS]


# Who sees which school's student: U-4.
VISIBILITY = {
    "lea_coordinator": {"a1", "a2"},
    "colleague": {"a1"},
    "outsider": {"b1"},
    "test_administrator": {"a1"},
    "other_school_test_administrator": {"a2"},
    "cde_reviewer": {"a1", "a2", "b1"},
    "caltac_agent": {"a1", "a2", "b1"},
}


@pytest.mark.parametrize("persona", VISIBILITY)
def test_each_persona_sees_exactly_the_students_of_their_scope(persona, request, client, pupils):
    user = request.getfixturevalue(persona)
    assert {k for k, s in pupils.items() if students_for(user).filter(pk=s.pk).exists()} == (
        VISIBILITY[persona]
    )
    _signed_in(client, user)
    for key, student in pupils.items():
        expected = 200 if key in VISIBILITY[persona] else 404
        assert _profile_statuses(client, student) == [expected] * 3, (persona, key)


def test_a_test_administrator_of_another_school_gets_a_404_with_no_name(
    client, pupils, other_school_test_administrator
):
    # rule U-4: test administrators see only their school.
    event = make_event(pupils["a1"])
    _signed_in(client, other_school_test_administrator)
    response = client.get(reverse("students:test_event", args=[pupils["a1"].ssid, event.pk]))
    assert response.status_code == 404
    assert b"Alder-One" not in response.content


def test_a_foreign_ssid_gets_exactly_the_answer_of_an_unknown_one(client, pupils, outsider):
    # rule F-10
    _signed_in(client, outsider)
    foreign = client.get(reverse("students:detail", args=[pupils["a1"].ssid]))
    unknown = client.get(reverse("students:detail", args=["9999999999"]))
    assert foreign.status_code == unknown.status_code == 404
    assert _without_nonces(foreign) == _without_nonces(unknown)


def test_searching_a_foreign_ssid_finds_nothing_like_an_unknown_one(client, pupils, outsider):
    # rule F-10
    _signed_in(client, outsider)
    foreign = client.get(reverse("students:search"), {"q": pupils["a1"].ssid})
    unknown = client.get(reverse("students:search"), {"q": "9999999999"})
    assert b"Alder-One" not in foreign.content
    foreign_results = _results(foreign).replace(pupils["a1"].ssid, "9999999999")
    assert foreign_results == _results(unknown)
    assert "No student found" in foreign_results


def search_by_name(client, name: str, **extra):
    """POST a name as the Search button does, and follow to the results page."""
    return client.post(reverse("students:search"), {"q": name}, follow=True, **extra)


def test_search_by_ssid_and_by_name_within_scope(client, pupils, lea_coordinator):
    _signed_in(client, lea_coordinator)
    by_ssid = client.get(reverse("students:search"), {"q": pupils["a2"].ssid})
    assert "Alder-Two, Ivan" in _results(by_ssid)
    by_name = _results(search_by_name(client, "alder"))
    assert "Alder-One, Ines" in by_name and "Alder-Two, Ivan" in by_name
    assert "Birch" not in _results(search_by_name(client, "Bea"))
    both_words = _results(search_by_name(client, "iv ald"))
    assert "Alder-Two, Ivan" in both_words and "Alder-One" not in both_words


def test_a_partial_ssid_is_explained(client, lea_coordinator):
    _signed_in(client, lea_coordinator)
    response = client.get(reverse("students:search"), {"q": "12345"})
    assert response.status_code == 200
    assert "An SSID is exactly 10 digits." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_htmx_search_returns_only_the_results(client, pupils, lea_coordinator):
    _signed_in(client, lea_coordinator)
    response = client.post(reverse("students:search"), {"q": "alder"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "<table" in body and "Alder-One" in body


def test_search_page_costs_a_fixed_number_of_queries(
    client, tree, lea_coordinator, django_assert_num_queries
):
    for n in range(40):
        school = tree.school_a1 if n % 2 else tree.school_a2
        StudentFactory(school=school, last_name=f"Garcia{n:02d}")
    _signed_in(client, lea_coordinator)
    url = reverse("students:search")
    results = client.post(url, {"q": "garcia"})["Location"]
    client.get(url)  # the first request of a session writes the idle-timeout stamp
    # user, grants (scope), the matches' ids in name order (up to the cap: the page counts and
    # pages through them), the page's rows joined to school and LEA, the bell's unread notices;
    # the session comes from the cache.
    with django_assert_num_queries(5):
        response = client.get(results)
    assert response.context["page"].paginator.count == 40
    assert len(response.context["page"].object_list) == 25
    with django_assert_num_queries(5):
        client.get(results + "&page=2")


def test_a_dense_search_counts_only_up_to_the_cap_and_asks_for_more_letters(
    client, tree, lea_coordinator, monkeypatch
):
    monkeypatch.setattr("students.views.SEARCH_RESULT_CAP", 30)
    for n in range(40):
        StudentFactory(school=tree.school_a1, last_name=f"Garcia{n:02d}")
    _signed_in(client, lea_coordinator)
    response = search_by_name(client, "garcia")
    paginator = response.context["page"].paginator
    assert paginator.capped and paginator.count == 30 and paginator.num_pages == 2
    body = response.content.decode()
    assert (
        "More than 30 students match “garcia”. 30 of them are listed by name. Add letters" in body
    )
    last = client.get(response.redirect_chain[-1][0] + "&page=2")
    assert len(last.context["page"].object_list) == 5


def test_a_search_below_the_cap_shows_the_exact_count(client, tree, lea_coordinator, monkeypatch):
    monkeypatch.setattr("students.views.SEARCH_RESULT_CAP", 40)
    for n in range(40):
        StudentFactory(school=tree.school_a1, last_name=f"Garcia{n:02d}")
    _signed_in(client, lea_coordinator)
    response = search_by_name(client, "garcia")
    assert not response.context["page"].paginator.capped
    assert "40 students matching" in response.content.decode()


def test_profile_pages_cost_a_fixed_number_of_queries(
    client, pupils, lea_coordinator, django_assert_num_queries
):
    student = pupils["a1"]
    for test, part in [("SB_ELA", "NON_PT"), ("SB_ELA", "PT"), ("SB_MATH", "NON_PT"), ("CAST", "")]:
        event = make_event(student, test=test, part=part, status=TestStatus.SUBMITTED)
        effects.event_add_notation(event=event, actor=None, text="Noted.")
    _signed_in(client, lea_coordinator)
    client.get(reverse("students:detail", args=[student.ssid]))  # writes the session stamp
    # user, grants, student, events (+ their notations); the session comes from the cache.
    # Score Status adds the recent STAIRS appeals (incidents/profile_appeals.py): the
    # grants that scope the cases, and the appeals. Each page adds the bell's unread count.
    for tab, queries in (("students:tests", 5), ("students:score_status", 8)):
        with django_assert_num_queries(queries):
            client.get(reverse(tab, args=[student.ssid]))
    # user, grants, event with student, its timeline, its notations, the bell.
    with django_assert_num_queries(6):
        client.get(reverse("students:test_event", args=[student.ssid, event.pk]))


def test_tabs_mark_the_current_page(client, pupils, colleague):
    _signed_in(client, colleague)
    body = client.get(reverse("students:score_status", args=[pupils["a1"].ssid])).content.decode()
    tabs = body[body.index('<nav aria-label="Student profile">') :]
    current = re.findall(r'<a class="nav-link active" href="([^"]+)" aria-current="page">', tabs)
    assert current == [reverse("students:score_status", args=[pupils["a1"].ssid])]
    assert body.count("<h1") == 1


def test_tests_tab_and_score_status_show_the_events(client, pupils, lea_coordinator):
    student = pupils["a1"]
    make_event(student, status=TestStatus.PAUSED, questions_completed=7)
    invalid = make_event(student, test="SB_ELA", part="NON_PT", status=TestStatus.SUBMITTED)
    effects.event_invalidate(event=invalid, actor=None, reason="Cheating", reference="A-9")
    _signed_in(client, lea_coordinator)
    tests_tab = client.get(reverse("students:tests", args=[student.ssid])).content.decode()
    assert "Smarter Balanced Mathematics non-PT (CAT)" in tests_tab and "Paused" in tests_tab
    score = client.get(reverse("students:score_status", args=[student.ssid])).content.decode()
    assert "INV" in score and "irregularity occurred" in score and "A-9" in score


def test_the_event_page_shows_the_timeline_and_the_allowed_effects(client, pupils, caltac_agent):
    event = make_event(pupils["b1"], status=TestStatus.SUBMITTED)
    effects.event_reset(event=event, actor=caltac_agent, reason="Wrong SSID used")
    _signed_in(client, caltac_agent)
    body = client.get(
        reverse("students:test_event", args=[pupils["b1"].ssid, event.pk])
    ).content.decode()
    assert "Wrong SSID used" in body and "Carl Help" in body
    assert "Submitted → Reset" in body
    assert "Restore" in body  # the table allows only a Restore from Reset


def _effects_line(body: str) -> str:
    return body.split("Effects an approved appeal can have now", 1)[1].split("</dd>", 1)[0]


def test_the_event_page_offers_only_effects_the_event_itself_allows(
    client, pupils, lea_coordinator
):
    # rule C-2: an ELPAC test is never invalidated; rule A-RESCORE-1: Rescore is for Initial
    # ELPAC Writing only
    student = pupils["a1"]
    elpac = make_event(student, test="SUMMATIVE_ELPAC", part="READING", status=TestStatus.SUBMITTED)
    math = make_event(student, test="SB_MATH", part="NON_PT", status=TestStatus.SUBMITTED)
    _signed_in(client, lea_coordinator)
    elpac_effects = _effects_line(
        client.get(reverse("students:test_event", args=[student.ssid, elpac.pk])).content.decode()
    )
    math_effects = _effects_line(
        client.get(reverse("students:test_event", args=[student.ssid, math.pk])).content.decode()
    )
    assert "Invalidate" not in elpac_effects and "Rescore" not in elpac_effects
    assert "Reset" in elpac_effects
    assert "Invalidate" in math_effects and "Rescore" not in math_effects


def test_an_event_of_another_student_is_a_404(client, pupils, lea_coordinator):
    other = make_event(pupils["a2"])
    _signed_in(client, lea_coordinator)
    url = reverse("students:test_event", args=[pupils["a1"].ssid, other.pk])
    assert client.get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, pupils):
    response = client.get(reverse("students:detail", args=[pupils["a1"].ssid]))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_the_nav_shows_students_only_to_users_with_a_role(client, tree, colleague):
    nobody = UserFactory()
    _signed_in(client, nobody)
    home = client.get(reverse("home")).content.decode()
    assert reverse("students:search") not in home
    _signed_in(client, colleague)
    assert reverse("students:search") in client.get(reverse("home")).content.decode()


def test_a_user_without_a_role_finds_no_student(client, pupils):
    nobody = UserFactory()
    _signed_in(client, nobody)
    response = client.get(reverse("students:search"), {"q": pupils["a1"].ssid})
    assert "No student found" in _results(response)
    assert client.get(reverse("students:detail", args=[pupils["a1"].ssid])).status_code == 404


def _results(response) -> str:
    body = response.content.decode()
    return body[body.index('<div id="results">') : body.index("</main>")]


def _without_nonces(response) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())
