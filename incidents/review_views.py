"""The reviewers' pages (issue 9, items 1 to 4 and 10): the review queues, an appeal's decision
page, and the POST actions that call the services of appeals/decisions.py.

Only CDE reviewers and administrators and CalTAC agents use these pages; anyone else gets a 403
that says so (LEA and site users follow their appeals on the case page). Every appeal is read
through ``queries.appeals_for``; the services check the move, the team and the filer, and their
refusal comes back next to its field (400) or above the actions (409). A success is a message
and a redirect (PRG) to a safe ``next`` or the decision page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.access import scope_for
from accounts.models import Role, User
from appeals import decisions, transitions
from appeals.assignment import reviewer_set_away
from appeals.models import Appeal
from appeals.transitions import Action
from incidents import queries, review_queries
from incidents.listing import CountedPaginator, appeal_status_tone
from incidents.review_forms import (
    ApproveForm,
    BulkForm,
    PreapproveForm,
    QueueFilterForm,
    RejectForm,
)
from incidents.review_queries import COUNT_CAP, TAB_LABELS, Tab
from stairs.vocabulary import AppealStatus, Reviewer, TestStatus

APPEALS_PER_PAGE = 25
NO_QUEUE = (
    "The review queues are for CDE reviewers and administrators and for CalTAC agents. Your "
    "school's or LEA's appeals, with their decisions, are on each case's page in Search STAIRS."
)


def _teams(request: HttpRequest) -> frozenset[str]:
    """The user's reviewer teams; a 403 with the reason for anyone on none."""
    teams = decisions.reviewer_teams(request.user)
    if not teams:
        raise PermissionDenied(NO_QUEUE)
    return teams


def _next(request: HttpRequest, default: str) -> str:
    """The form's ``next`` when it is a local URL of this site; ``default`` otherwise."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_tones(appeals: list[Appeal]) -> None:
    for appeal in appeals:
        appeal.status_tone = appeal_status_tone(appeal.status)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: keyed ones by their field, the rest above it."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# --- the queues --------------------------------------------------------------------------------


def _tabs(params: QueryDict, current: Tab, counts: dict[Tab, int] | None) -> list[dict[str, Any]]:
    kept = {k: v for k, v in params.items() if k not in ("view", "page") and v}
    tabs = []
    for tab in Tab:
        count = None if counts is None else counts[tab]
        tabs.append(
            {
                "key": tab.value,
                "label": TAB_LABELS[tab],
                "count": None if count is None else min(count, COUNT_CAP),
                "capped": count is not None and count > COUNT_CAP,
                "url": "?" + urlencode({"view": tab.value, **kept}),
                "current": tab == current,
            }
        )
    return tabs


def _queue_page(
    request: HttpRequest,
    params: QueryDict,
    *,
    bulk_form: BulkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    teams = _teams(request)
    user = request.user
    view = params.get("view", "")
    tab = Tab(view) if view in Tab._value2member_map_ else Tab.MINE
    filter_data = params.copy()
    for name in ("view", "page"):
        filter_data.pop(name, None)
    form = QueueFilterForm(filter_data or None)
    clock = review_queries.queue_clock(timezone.now())
    context: dict[str, Any] = {
        "form": form,
        "tab": tab.value,
        "tab_label": TAB_LABELS[tab],
        "page": None,
        "teams": ", ".join(Reviewer(team).label for team in sorted(teams)),
        "closure_days": clock.closures,
        "now": clock.now,
        "bulk_form": bulk_form or BulkForm(),
        "ticked": {str(pk) for pk in (bulk_form.data.getlist("appeal") if bulk_form else [])},
        "queue_url": reverse("review:queue") + ("?" + params.urlencode() if params else ""),
    }
    if form.is_bound and not form.is_valid():
        context["tabs"] = _tabs(params, tab, None)
        return render(request, "appeals/queue.html", context, status=400)
    filters = form.filters()
    counts = review_queries.queue_counts(user, teams, filters, clock)
    paginator = CountedPaginator(
        review_queries.queue_appeals(user, teams, tab, filters, clock),
        APPEALS_PER_PAGE,
        cap=COUNT_CAP,
        count=lambda: counts[tab],
    )
    page = paginator.get_page(params.get("page"))
    page.object_list = list(page.object_list)
    _with_tones(page.object_list)
    context.update(
        page=page,
        tabs=_tabs(params, tab, counts),
        filtered=filters.in_use,
        # Decide in bulk where something waits for a decision.
        bulk=tab != Tab.DECIDED and bool(page.object_list),
    )
    return render(request, "appeals/queue.html", context, status=status)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The review queues: Mine, Unclaimed, Due within one business day, Overdue, Decided."""
    return _queue_page(request, request.GET)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve or reject the ticked appeals with one reason; back to the queue it came from."""
    _teams(request)
    next_url = _next(request, reverse("review:queue"))
    params = QueryDict(urlsplit(next_url).query)
    form = BulkForm(request.POST)
    if not form.is_valid():
        return _queue_page(request, params, bulk_form=form, status=400)
    ids = list(
        queries.appeals_for(request.user)
        .filter(pk__in=form.cleaned_data["appeal"])
        .values_list("pk", flat=True)
    )
    try:
        result = decisions.appeals_decide_bulk(
            appeal_ids=ids,
            actor=request.user,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _queue_page(request, params, bulk_form=form, status=400)
    _bulk_messages(request, result)
    return redirect(next_url)


def _bulk_messages(request: HttpRequest, result: decisions.BulkResult) -> None:
    def appeals(n: int) -> str:
        return "1 appeal was" if n == 1 else f"{n} appeals were"

    for status, verb in (
        (AppealStatus.APPROVED, "approved"),
        (AppealStatus.REJECTED_BY_CDE, "rejected"),
        (AppealStatus.REJECTED_BY_CALTAC, "rejected"),
    ):
        if n := result.count(status):
            messages.success(request, f"{appeals(n)} {verb}; the coordinators are emailed.")
    for outcome in result.outcomes:
        if outcome.status == AppealStatus.REJECTED_BY_SYSTEM:
            messages.warning(
                request,
                f"SSID {outcome.appeal.student.ssid} was rejected by the system: {outcome.message}",
            )
    for appeal, why in result.skipped:
        messages.warning(request, f"SSID {appeal.student.ssid} was left as it was: {why}")
    if not result.outcomes and not result.skipped:
        messages.warning(request, "None of the ticked appeals could be found.")


@login_required
@require_POST
def away(request: HttpRequest) -> HttpResponse:
    """Mark me away / I'm back: away, no new appeal is assigned and held ones go back."""
    _teams(request)
    user: User = request.user
    if user.is_away:
        reviewer_set_away(user=user, away=False)
        messages.success(
            request, "Welcome back: new appeals are assigned to you again by workload."
        )
    else:
        handed_back = reviewer_set_away(user=user, away=True)
        held = "1 appeal you held" if handed_back == 1 else f"{handed_back} appeals you held"
        messages.success(
            request,
            f"You are marked away: no new appeal is assigned to you, and {held} went back to "
            "your team's Unclaimed queue.",
        )
    return redirect(_next(request, reverse("review:queue")))


# --- the decision page -------------------------------------------------------------------------


def decision_refusal(user: User, teams: frozenset[str], appeal: Appeal) -> str:
    """Why ``user`` may read but not decide ``appeal`` (issue 9, item 10); empty if they may."""
    if appeal.reviewer not in teams:
        team = Reviewer(appeal.reviewer).label
        return f"{team} decides this appeal: you can read it, but only {team} can decide it."
    case = appeal.case
    if user.pk in (case.created_by_id, case.submitted_by_id):
        return "You filed this case, so another reviewer decides its appeals."
    return ""


def _moment(value: str | None) -> str:
    if not value:
        return "None"
    moment = parse_datetime(value)
    return date_format(timezone.localtime(moment), "M j, Y g:i a") if moment else value


def _facts(filed: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    """The test's facts at filing beside now, one row per fact, changed ones flagged."""

    def status(code: str | None) -> str:
        return TestStatus(code).label if code else "None"

    rows = [
        ("Status", status(filed.get("status")), status(now.get("status")), "status"),
        (
            "Questions completed",
            filed.get("questions_completed", ""),
            now.get("questions_completed", ""),
            "questions_completed",
        ),
        ("Expires", _moment(filed.get("expires_at")), _moment(now.get("expires_at")), "expires_at"),
    ]
    return [
        {
            "label": label,
            "filed": before if filed else "Not recorded",
            "now": after,
            "changed": bool(filed) and filed.get(key) != now.get(key),
        }
        for label, before, after, key in rows
    ]


def _when(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "M j, Y g:i a") if value else ""


def _summary(appeal: Appeal) -> list[dict[str, str]]:
    case = appeal.case
    test = case.get_test_display() + (f", {case.get_part_display()}" if case.part else "")
    rows = [
        ("SSID", appeal.student.ssid),
        ("Appeal", appeal.type_label + (" (manual review)" if appeal.manual_review else "")),
        ("Reviewer team", Reviewer(appeal.reviewer).label),
        ("Status", appeal.get_status_display()),
        ("School", f"{case.school.name} (CDS {case.school.cds_code})"),
        ("LEA", case.lea.name),
        ("Test and part", test),
        ("Received", _when(appeal.received_at)),
        ("Due", _when(appeal.due_at)),
        ("Held by", appeal.claimed_by.full_name if appeal.claimed_by else "Nobody"),
    ]
    if appeal.preapproved_at:
        who = appeal.preapproved_by.full_name if appeal.preapproved_by else "CDE"
        rows.append(("Approved for filing", f"{who}, {_when(appeal.preapproved_at)}"))
    if appeal.decided_at:
        who = appeal.decided_by.full_name if appeal.decided_by else "STAIRS (the system)"
        rows.append(("Decided", f"{who}, {_when(appeal.decided_at)}"))
        rows.append(("Decision reason", appeal.decision_reason))
    return [{"label": label, "value": value} for label, value in rows]


def _appeal_page(
    request: HttpRequest,
    pk: int,
    *,
    bound: forms.Form | None = None,
    action_error: str = "",
    status: int = 200,
) -> HttpResponse:
    teams = _teams(request)
    user: User = request.user
    data = review_queries.appeal_page(user, pk, timezone.now())
    appeal = data.appeal
    case = appeal.case
    refusal = decision_refusal(user, teams, appeal)
    actions = [] if refusal else transitions.actions_from(appeal.status)
    choices = decisions.approval_choices(appeal)
    approve_form = ApproveForm(choices=choices)
    preapprove_form, reject_form = PreapproveForm(), RejectForm()
    if isinstance(bound, ApproveForm):
        approve_form = bound
    elif isinstance(bound, PreapproveForm):
        preapprove_form = bound
    elif isinstance(bound, RejectForm):
        reject_form = bound
    held_by_other = appeal.claimed_by_id not in (None, user.pk)
    _with_tones([appeal, *data.siblings])
    return render(
        request,
        "appeals/appeal.html",
        {
            "page": data,
            "appeal": appeal,
            "case": case,
            "summary_rows": _summary(appeal),
            "facts": _facts(appeal.filed_state, data.facts_now),
            "refusal": refusal,
            "may_preapprove": Action.PREAPPROVE in actions,
            "may_approve": Action.APPROVE in actions,
            "may_reject": Action.REJECT in actions,
            "may_claim": not refusal and appeal.is_open and appeal.claimed_by_id is None,
            "may_release": not refusal
            and appeal.is_open
            and appeal.claimed_by_id is not None
            and (not held_by_other or Role.CDE_ADMINISTRATOR in scope_for(user).roles),
            "held_by_other": held_by_other,
            "approve_form": approve_form,
            "preapprove_form": preapprove_form,
            "reject_form": reject_form,
            "action_error": action_error,
            "single_choice": len(choices) == 1,
        },
        status=status,
    )


@login_required
@require_GET
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal's decision page: its facts, its test now and at filing, its case, timeline and
    the case's other appeals, and the actions the transition table allows this user."""
    return _appeal_page(request, pk)


def _appeal_for_action(request: HttpRequest, pk: int) -> Appeal:
    _teams(request)
    return get_object_or_404(queries.appeals_for(request.user), pk=pk)


def _done(request: HttpRequest, appeal: Appeal, message: str, *, warning: bool = False) -> Any:
    (messages.warning if warning else messages.success)(request, message)
    return redirect(_next(request, reverse("review:appeal", args=[appeal.pk])))


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _appeal_for_action(request, pk)
    try:
        decisions.appeal_claim(appeal=appeal, actor=request.user)
    except ValidationError as error:
        return _appeal_page(request, pk, action_error=" ".join(error.messages), status=409)
    return _done(request, appeal, "You hold this appeal now: it is in your Mine queue.")


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _appeal_for_action(request, pk)
    try:
        decisions.appeal_release(appeal=appeal, actor=request.user)
    except ValidationError as error:
        return _appeal_page(request, pk, action_error=" ".join(error.messages), status=409)
    return _done(request, appeal, "The appeal went back to the team's Unclaimed queue.")


def _refused(request: HttpRequest, pk: int, form: forms.Form, error: ValidationError) -> Any:
    """A refusal keyed by field is the user's to correct, by that field (400); any other is the
    appeal's state or the user's team, said above the actions (409), what was typed kept."""
    if hasattr(error, "error_dict"):
        _add_errors(form, error)
        return _appeal_page(request, pk, bound=form, status=400)
    return _appeal_page(request, pk, bound=form, action_error=" ".join(error.messages), status=409)


@login_required
@require_POST
def preapprove(request: HttpRequest, pk: int) -> HttpResponse:
    """A-1: approve a Grace Period Extension or a Restore for filing."""
    appeal = _appeal_for_action(request, pk)
    form = PreapproveForm(request.POST)
    if not form.is_valid():
        return _appeal_page(request, pk, bound=form, status=400)
    try:
        decisions.appeal_preapprove(
            appeal=appeal, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return _refused(request, pk, form, error)
    return _done(request, appeal, "Approved for filing (A-1): it now waits for CDE's decision.")


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _appeal_for_action(request, pk)
    choices = decisions.approval_choices(appeal)
    form = ApproveForm(request.POST, choices=choices)
    if len(choices) == 1:
        form.fields["choice"].required = False
    if not form.is_valid():
        return _appeal_page(request, pk, bound=form, status=400)
    try:
        outcome = decisions.appeal_approve(
            appeal=appeal,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            choice=form.cleaned_data["choice"] or None,
        )
    except ValidationError as error:
        return _refused(request, pk, form, error)
    if outcome.status == AppealStatus.REJECTED_BY_SYSTEM:
        return _done(
            request,
            appeal,
            f"The system rejected the appeal instead: {outcome.message}",
            warning=True,
        )
    return _done(request, appeal, f"Approved. {outcome.message} The coordinators are emailed.")


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _appeal_for_action(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _appeal_page(request, pk, bound=form, status=400)
    try:
        decisions.appeal_reject(
            appeal=appeal, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return _refused(request, pk, form, error)
    return _done(request, appeal, "Rejected. The coordinators are emailed with your reason.")
