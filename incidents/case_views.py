"""Search STAIRS, the STAIRS log and the case page with its actions (issue 8, parts 7-9).

Every page starts from ``incidents.queries.cases_for``: a case outside the user's scope is a
404, exactly like a case that does not exist. Actions (delete a draft, withdraw, add a note) are
POST-only; their GET shows a confirmation page and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.navigation import may_file_cases
from appeals import transitions as appeal_transitions
from incidents import case_appeals, case_log, filing, listing, queries, services, transitions
from incidents.case_forms import (
    SCHOOL_SELECT_MAX,  # noqa: F401  (the tests read it here)
    CaseSearchForm,
    NoteForm,
    WithdrawForm,
    incident_type_choices,
)
from incidents.case_models import Case
from incidents.models import Severity
from students import dates

CASES_PER_PAGE = 25
# Past this many matches the list stops counting ("more than 1,000"; as Students does): a
# count scans every matching case, and CDE's searches match tens of thousands of the state's
# 150,000. A busy coordinator narrows the search rather than reading page 41.
SEARCH_CAP = 1_000
# One log holds up to 10,000 cases (they stream in about two seconds); past that the
# coordinator narrows the search first.
LOG_MAX_CASES = 10_000
LOG_TOO_BIG = (
    f"A log holds at most {LOG_MAX_CASES:,} cases. Narrow the search (incident dates, a "
    "school, a status) and download it again."
)
# The sortable columns of the results table: (sort key, heading).
SORTABLE_COLUMNS = (
    ("number", "Case"),
    ("status", "Status"),
    ("school", "School"),
    ("incident_date", "Incident date"),
    ("submitted", "Submitted"),
)


# Shared with Search Appeals (incidents/listing.py); the names stay importable from here.
CaseSearchPaginator = listing.CountedPaginator
CASE_STATUS_TONES = listing.CASE_STATUS_TONES
APPEAL_STATUS_TONES = listing.APPEAL_STATUS_TONES


def _with_tones(cases: Iterable[Case]) -> None:
    for case in cases:
        case.status_tone = listing.case_status_tone(case.status)


def _search_form(request: HttpRequest) -> CaseSearchForm:
    # A select for a handful of schools, a CDS code or name box past SCHOOL_SELECT_MAX.
    data = request.GET.copy()
    data.pop("page", None)
    return CaseSearchForm(
        data or None,
        schools=listing.school_choices(request.user),
        incident_types=incident_type_choices(),
    )


def _columns(request: HttpRequest, sort: str) -> list[dict[str, str]]:
    """Each sortable heading with its aria-sort and the link that sorts by it (the other way
    round when it already does). Dates and numbers start with the newest; names from A."""
    return listing.sort_columns(
        request, sort, [(key, label, key == "school") for key, label in SORTABLE_COLUMNS]
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search STAIRS: every case in scope, newest first, narrowed by GET filters (F-5: drafts
    too). An invalid filter shows its message by the field and no list."""
    form = _search_form(request)
    may_file = may_file_cases(request.user)
    context: dict[str, object] = {"form": form, "page": None, "may_file": may_file}
    if form.is_bound and not form.is_valid():
        return render(request, "incidents/search.html", context)
    filters = form.filters()
    cases = queries.case_search(request.user, filters)
    paginator = CaseSearchPaginator(
        cases,
        CASES_PER_PAGE,
        cap=SEARCH_CAP,
        count=lambda: queries.case_search_count(request.user, filters, cap=SEARCH_CAP),
    )
    page = paginator.get_page(request.GET.get("page"))
    _with_tones(page.object_list)
    log_query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    context.update(
        page=page,
        filtered=form.is_bound and any(v for k, v in form.cleaned_data.items() if k != "sort"),
        columns=_columns(request, filters.sort),
        log_query=log_query,
        log_limit=LOG_MAX_CASES if paginator.capped else None,
    )
    return render(request, "incidents/search.html", context)


@login_required
def log(request: HttpRequest, fmt: str) -> HttpResponse:
    """The STAIRS log (D-4) of Search STAIRS's filtered result, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = _search_form(request)
    if form.is_bound and not form.is_valid():
        # The search page shows what is wrong with the filters, by each field.
        return redirect(f"{reverse('incidents:search')}?{request.GET.urlencode()}")
    filters = form.filters()
    if queries.case_search_count(request.user, filters, cap=LOG_MAX_CASES) > LOG_MAX_CASES:
        messages.error(request, LOG_TOO_BIG)
        return redirect(f"{reverse('incidents:search')}?{request.GET.urlencode()}")
    if fmt == "csv":
        return case_log.csv_response(request.user, filters)
    return case_log.xlsx_response(request.user, filters)


def may_act(user: User, case: Case) -> bool:
    """Whether ``user`` may continue, delete or withdraw ``case``: `filing.case_refusal`, the
    rule of `queries.case_to_change` and of the services. CDE reads; CalTAC changes only what it
    filed on an LEA's behalf, and the LEA reads that."""
    return filing.case_refusal(actor=user, case=case) is None


def continue_url(case: Case) -> str:
    """Where "Continue" resumes a draft: Confirm Details once the testing issue is chosen (it
    lists whatever is still missing, with a link to its step); before that, the first step not
    done, the issue's list or the incident's details."""
    if case.incident_type_id is not None:
        name = "incidents:wizard_confirm"
    elif case.test:
        name = "incidents:wizard_issue"
    else:
        name = "incidents:wizard_incident"
    return reverse(name, args=[case.pk])


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "M j, Y, g:i a")


def detail_rows(page: queries.CasePage) -> list[dict[str, str]]:
    """The case's details as summary-list rows, follow-up answers in words (F-1 steps 1-7)."""
    case = page.case
    when = date_format(case.incident_date, "F j, Y") if case.incident_date else ""
    if when and case.incident_time:
        when += ", " + time_format(case.incident_time, "g:i a")
    test = case.get_test_display()
    if case.part:
        test += f", {case.get_part_display()}"
    incident = case.incident_type.label if case.incident_type else ""
    severity = case.incident_type.get_severity_display() if case.incident_type else ""
    school = f"{case.school.name} (CDS {case.school.cds_code})" if case.school else ""
    filed_by = case.created_by.full_name
    if case.filed_on_behalf:
        filed_by += ", CalTAC, on the LEA's behalf"
    rows = [
        ("School", school),
        ("LEA", case.lea.name),
        ("Date and time of the incident" if case.incident_time else "Date of the incident", when),
        ("Grade", dates.grade_label(case.grade) if case.grade is not None else ""),
        ("Test and part", test),
        ("Delivery", case.get_delivery_display()),
        ("Incident type", incident),
        ("Severity", severity),
        *((answer.question, answer.answer) for answer in page.answers),
        ("Number of students", "" if case.student_count is None else str(case.student_count)),
        ("Description", case.description),
        ("Breach call record", case.breach_call_record),
        ("Plan of action", case.plan_of_action),
        ("Comment", case.comment),
        ("Started by" if case.is_draft else "Filed by", f"{filed_by}, {_when(case.created_at)}"),
    ]
    if case.submitted_by and case.submitted_at:
        rows.append(("Submitted", f"{case.submitted_by.full_name}, {_when(case.submitted_at)}"))
    breach = case.incident_type is not None and case.incident_type.severity == Severity.BREACH
    return [
        {"label": label, "value": value}
        for label, value in rows
        if label != "Breach call record" or breach or value
    ]


def _detail_page(
    request: HttpRequest,
    pk: int,
    note_form: NoteForm | None = None,
    status: int = 200,
    *,
    withdraw_form: case_appeals.AppealWithdrawForm | None = None,
    withdraw_pk: int | None = None,
) -> HttpResponse:
    page = queries.case_page(request.user, pk)
    case = page.case
    _with_tones([case])
    for appeal in page.appeals:
        appeal.status_tone = listing.appeal_status_tone(appeal.status)
    actions = may_act(request.user, case)
    case_appeals.annotate(
        page.appeals,
        user=request.user,
        case=case,
        filer_side=actions,
        withdraw_form=withdraw_form,
        withdraw_pk=withdraw_pk,
    )
    return render(
        request,
        "incidents/detail.html",
        {
            "page": page,
            "case": case,
            "may_act": actions,
            "continue_url": continue_url(case) if actions and case.is_draft else "",
            "may_withdraw": actions and case.status in transitions.WITHDRAWABLE,
            "detail_rows": detail_rows(page),
            "note_form": note_form or NoteForm(),
            "decision_groups": case_appeals.decision_groups(page.decided),
            "appeal_actions": any(
                a.decide_url or a.withdraw_form or a.may_resubmit for a in page.appeals
            ),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


def _actionable(request: HttpRequest, pk: int) -> Case:
    """The case for an action: 404 outside scope, 403 for a reader who may not act on it."""
    return queries.case_to_change(request.user, pk)


def _refused(request: HttpRequest, case: Case, error: ValidationError) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect("incidents:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft (F-5): the GET asks for confirmation, the POST deletes."""
    case = _actionable(request, pk)
    if not case.is_draft:
        messages.error(request, f"Case {case.number} is submitted: a submitted case is kept.")
        return redirect("incidents:detail", pk=case.pk)
    if request.method == "POST":
        try:
            services.case_delete_draft(case=case, actor=request.user)
        except ValidationError as error:
            return _refused(request, case, error)
        messages.success(request, f"Draft case {pk} was deleted.")
        return redirect("incidents:search")
    described = case.incident_type.label if case.incident_type else "no testing issue chosen yet"
    return render(
        request,
        "confirm.html",
        {
            "title": f"Delete draft case {case.pk}?",
            "consequences": [
                f"The draft ({described}) and everything entered in it are deleted, its SSIDs "
                "included.",
                "Nothing was submitted, so no appeal and no email is affected.",
                "This cannot be undone.",
            ],
            "action_url": request.path,
            "button_label": "Delete the draft",
            "cancel_url": reverse("incidents:detail", args=[case.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a case waiting for review: the GET asks for a reason, the POST withdraws it and
    its pending appeals (timeline)."""
    case = _actionable(request, pk)
    if case.status not in transitions.WITHDRAWABLE:
        messages.error(
            request, f"{case} is {case.get_status_display().lower()}: it cannot be withdrawn."
        )
        return redirect("incidents:detail", pk=case.pk)
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_withdraw(
                    case=case, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    return _refused(request, case, error)
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, f"{case} was withdrawn.")
                return redirect("incidents:detail", pk=case.pk)
        status = 400
    pending = case.appeals.filter(status__in=appeal_transitions.OPEN).count()
    return render(
        request,
        "incidents/withdraw.html",
        {"case": case, "form": form, "pending_appeals": pending},
        status=status,
    )


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note (N-2: the case's people are emailed). A refused note comes back in its box."""
    case = queries.case_for(request.user, pk)
    form = NoteForm(request.POST, student_names=queries.case_student_names(case))
    if not form.is_valid():
        return _detail_page(request, pk, note_form=form, status=400)
    try:
        services.case_note_add(case=case, actor=request.user, body=form.cleaned_data["body"])
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _detail_page(request, pk, note_form=form, status=400)
    messages.success(request, "Your note was added. The people on this case are emailed.")
    return redirect(reverse("incidents:detail", args=[case.pk]) + "#notes")
