"""Student pages: search, and the profile with its tabs (details, test assignments and events,
Score Status). Every page starts from students.queries.students_for: a student outside the
user's scope is a 404, exactly like an unknown SSID (F-10)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from students import profile_sections, queries
from students.forms import StudentSearchForm
from students.models import Student, TestEvent, TestStatus
from students.queries import effects_for

STUDENTS_PER_PAGE = 25
SEARCH_RESULT_CAP = 1000
# Name searches live in the session under an opaque key, never in a URL (B4): the address bar,
# the history, ``next=`` after an idle sign-out and the proxy's access log see only the key.
SEARCHES_KEY = "student_searches"
SEARCHES_KEPT = 5

# The profile's tabs: (url name, label). Each tab is its own page, so they work without JS.
PROFILE_TABS = (
    ("students:detail", "Details"),
    ("students:tests", "Test assignments and events"),
    ("students:score_status", "Score Status"),
)


def _as_of(events: Iterable[TestEvent], now: datetime) -> list[TestEvent]:
    """The events with the status to show at ``now`` (``status_now`` and its label): an open
    test past its expiry is expired (T-1) before the expiry sweep records it, which may be up to
    its interval later, or never where no worker runs. From the stored expiry: no query."""
    shown = list(events)
    for event in shown:
        event.status_now = event.effective_status(now)
        event.status_now_label = TestStatus(event.status_now).label
    return shown


class CappedPaginator(Paginator):
    """Pages through at most ``cap`` results of a list of at most ``cap`` + 1: past the cap,
    "more than 1,000" tells a coordinator to add letters, where counting and sorting every match
    would cost a dense search ("ma" over an LEA or the state) hundreds of milliseconds
    (bench/RESULTS.md, "Student search at state scale")."""

    def __init__(self, object_list, per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _bounded_count(self) -> int:
        bounded = self.object_list[: self.cap + 1]
        return len(bounded) if isinstance(bounded, list) else bounded.count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def capped(self) -> bool:
        return self._bounded_count > self.cap


def _remember(request: HttpRequest, query: str) -> str:
    """Keep a name query in the session (the last few only) and return its key."""
    searches = dict(request.session.get(SEARCHES_KEY, {}))
    key = next((k for k, q in searches.items() if q == query), None) or secrets.token_urlsafe(9)
    searches.pop(key, None)
    searches[key] = query  # newest last
    request.session[SEARCHES_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return key


def _results_page(request: HttpRequest, query: str, page_number: str | None):
    found = queries.student_search_ids(request.user, query, limit=SEARCH_RESULT_CAP + 1)
    page = CappedPaginator(found, STUDENTS_PER_PAGE, cap=SEARCH_RESULT_CAP).get_page(page_number)
    page.object_list = queries.students_in_order(list(page.object_list))
    return page


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """SSID searches are plain GETs (``?q=``). A name is POSTed, kept in the session, and the
    browser is sent to ``?search=<key>``, so no URL ever holds a name (B4)."""
    page, query, key, notice = None, "", "", ""
    if request.method == "POST":
        form = StudentSearchForm(request.POST)
        if form.is_valid() and form.cleaned_data["q"]:
            query = form.cleaned_data["q"]
            if queries.SSID_RE.match(query):
                target = {"q": query}
            else:
                key = _remember(request, query)
                target = {"search": key}
            if not request.htmx:
                return redirect(f"{reverse('students:search')}?{urlencode(target)}")
            page = _results_page(request, query, None)
    elif "search" in request.GET:
        key = request.GET["search"]
        query = request.session.get(SEARCHES_KEY, {}).get(key, "")
        form = StudentSearchForm(initial={"q": query})
        if query:
            page = _results_page(request, query, request.GET.get("page"))
        else:
            notice = "That search has ended (searches are kept until you sign out). Search again."
    else:
        form = StudentSearchForm(request.GET or None, ssid_only=True)
        if form.is_valid() and form.cleaned_data["q"]:
            query = form.cleaned_data["q"]
            page = _results_page(request, query, request.GET.get("page"))
    # Pagination links carry the key or the SSID, never a name.
    pagination_query = urlencode({"search": key} if key else {"q": query} if query else {})
    # htmx's search-as-you-type swaps in only the results.
    template = "students/search.html#results" if request.htmx else "students/search.html"
    context = {
        "form": form,
        "page": page,
        "query": query,
        "notice": notice,
        "pagination_query": pagination_query,
    }
    return render(request, template, context)


def _profile(request: HttpRequest, student: Student, tab: str, **context: object) -> HttpResponse:
    return render(
        request,
        f"students/profile_{tab}.html",
        {"student": student, "tabs": PROFILE_TABS, "active_tab": f"students:{tab}", **context},
    )


@login_required
def detail(request: HttpRequest, ssid: str) -> HttpResponse:
    student = queries.student_for(request.user, ssid)
    return _profile(request, student, "detail")


@login_required
def tests(request: HttpRequest, ssid: str) -> HttpResponse:
    student = queries.student_for(request.user, ssid)
    events = _as_of(queries.student_test_events(student), timezone.now())
    return _profile(request, student, "tests", events=events)


@login_required
def score_status(request: HttpRequest, ssid: str) -> HttpResponse:
    student = queries.student_for(request.user, ssid)
    events = _as_of(queries.student_score_status(student), timezone.now())
    # The apps above add theirs (incidents: the recent STAIRS appeals, issue 9).
    sections = profile_sections.sections_for("score_status", request.user, student)
    return _profile(request, student, "score_status", events=events, sections=sections)


@login_required
def event_detail(request: HttpRequest, ssid: str, event_id: int) -> HttpResponse:
    event = queries.event_for(request.user, ssid, event_id)
    _as_of([event], timezone.now())
    # An effect catches up a lapsed expiry before it checks the status, so offer what it allows.
    return render(
        request,
        "students/test_event.html",
        {
            "event": event,
            "student": event.student,
            "effects": effects_for(event),
        },
    )
