"""Search Appeals and the STAIRS and Appeals Report (issue 9, item 8).

Both start from ``incidents.queries.appeals_for``: LEA and site coordinators see the appeals of
their program's cases at their LEA or school, CDE and CalTAC every appeal, test administrators
none. Read-only pages: GET forms, no action.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from incidents import appeal_report, listing
from incidents.appeal_forms import AppealSearchForm
from incidents.appeal_search import appeals_matching, capped_count, search_rows

APPEALS_PER_PAGE = 25
# Past this many matches the list stops counting ("more than 1,000"), as Search STAIRS does: a
# count scans every match, and CDE's unfiltered search matches the state's 400,000.
SEARCH_CAP = 1_000
# One report holds up to 100,000 appeals (a whole large LEA's year); past that the user narrows
# the search first, rather than wait minutes for a file no one reads whole.
REPORT_MAX_APPEALS = 100_000
REPORT_TOO_BIG = (
    f"A report holds at most {REPORT_MAX_APPEALS:,} appeals. Narrow the search (a status, an "
    "appeal type, a school, a test) and download it again."
)
# The sortable columns of the results table: (sort key, heading, a first click sorts
# ascending). Dates start with the newest, the due date with the soonest; numbers from the
# lowest; words from A.
SORTABLE_COLUMNS = (
    ("number", "Case", True),
    ("ssid", "SSID", True),
    ("type", "Appeal", True),
    ("status", "Status", True),
    ("due", "Due or decided", True),
    ("received", "Received", False),
)


def _search_form(request: HttpRequest) -> AppealSearchForm:
    data = request.GET.copy()
    data.pop("page", None)
    return AppealSearchForm(data or None, schools=listing.school_choices(request.user))


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search Appeals: every appeal in scope, newest received first, narrowed by GET filters.
    An invalid filter shows its message by the field and no list."""
    form = _search_form(request)
    context: dict[str, object] = {"form": form, "page": None}
    if form.is_bound and not form.is_valid():
        return render(request, "appeals/search.html", context)
    filters = form.filters()
    now = timezone.now()
    appeals = appeals_matching(request.user, filters, now=now)
    paginator = listing.CountedPaginator(
        search_rows(appeals),
        APPEALS_PER_PAGE,
        cap=SEARCH_CAP,
        count=lambda: capped_count(appeals, cap=SEARCH_CAP),
    )
    page = paginator.get_page(request.GET.get("page"))
    for appeal in page.object_list:
        appeal.status_tone = listing.appeal_status_tone(appeal.status)
    context.update(
        page=page,
        filtered=form.in_use(),
        columns=listing.sort_columns(request, filters.order, SORTABLE_COLUMNS),
        report_query=urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        report_limit=REPORT_MAX_APPEALS if paginator.capped else None,
        now=now,
    )
    return render(request, "appeals/search.html", context)


@login_required
def report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The STAIRS and Appeals Report of Search Appeals's filtered result, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = _search_form(request)
    back = f"{reverse('appeals:search')}?{request.GET.urlencode()}"
    if form.is_bound and not form.is_valid():
        # The search page shows what is wrong with the filters, by each field.
        return redirect(back)
    appeals = appeals_matching(request.user, form.filters())
    if capped_count(appeals, cap=REPORT_MAX_APPEALS) > REPORT_MAX_APPEALS:
        messages.error(request, REPORT_TOO_BIG)
        return redirect(back)
    if fmt == "csv":
        return appeal_report.csv_response(appeals)
    return appeal_report.xlsx_response(appeals)
