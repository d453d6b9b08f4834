"""The filing wizard's pages (F-1), except the Students step (students_views.py).

Every step reads its draft from `cases_for` (out of scope: 404), shows the form filled from the
row, and on POST validates and saves through `case_update_draft` (F-5: the draft is the row,
never the session). "Next" goes to `wizard.next_step` (F-2 skips the Students and Select steps
when no appeal is possible); "Save draft" saves the same way and returns to the case page. A
submitted case's wizard pages redirect to the case: a second tab or the Back button after
submitting cannot make a second case.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import LEA_COORDINATOR_ROLES, SITE_COORDINATOR_ROLES, RoleGrant, User
from incidents import filing, services, wizard
from incidents.case_models import Case, CaseStudent
from incidents.models import Severity
from incidents.queries import (
    case_student_names,
    case_to_change,
    cases_for,
    filing_school_search,
    incident_types_for,
    rules_catalog,
)
from incidents.wizard_forms import (
    CDS_CODE,
    ConfirmForm,
    DetailsForm,
    IncidentForm,
    IssueForm,
    PlanForm,
    SchoolFinderForm,
    SelectForm,
)
from incidents.wizard_summary import confirm_summary
from stairs.vocabulary import CaseStatus

DRAFT_SAVED = "Draft saved; continue any time from Search STAIRS."

# Where a problem found at submission is fixed: the step of each of the draft's fields.
FIELD_STEPS = {
    "school": "incident",
    "incident_date": "incident",
    "incident_time": "incident",
    "grade": "incident",
    "test": "incident",
    "part": "incident",
    "delivery": "incident",
    "incident_type": "issue",
    "answers": "details",
    "description": "details",
    "breach_call_record": "details",
    "ssids": "students",
    "student_count": "students",
    "selected": "select",
    "plan_of_action": "plan",
    "comment": "plan",
}


def _require_filer(user: User) -> None:
    """F-7: coordinators of a program file, and CalTAC a Restore on an LEA's behalf
    (A-RESTORE-1); test administrators and CDE reviewers do not."""
    if not filing.filing_programs(user):
        raise PermissionDenied(
            "Only LEA and site CAASPP or ELPAC coordinators file STAIRS cases, and CalTAC a "
            "Restore on an LEA's behalf. A test administrator reports an incident to the site "
            "coordinator."
        )


def _drafts(user: User) -> QuerySet[Case]:
    return cases_for(user).select_related("school__parent", "incident_type", "lea")


def draft_step(*, submitted_to: str = "incidents:detail") -> Callable:
    """A wizard step's view: signed in; the case in the user's scope (else 404) and theirs to
    change (else 403, `queries.case_to_change`); a submitted case goes to ``submitted_to``
    instead of its form."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @require_http_methods(["GET", "POST"])
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int) -> HttpResponse:
            case = case_to_change(request.user, pk)
            if not case.is_draft:
                return redirect(submitted_to, pk=case.pk)
            return view(request, case)

        return wrapper

    return decorate


def _appeal_possible(case: Case) -> bool:
    return filing.appeal_possible(case, rules_catalog())


def _render(
    request: HttpRequest,
    case: Case | None,
    slug: str,
    template: str,
    form: forms.Form,
    *,
    appeal_possible: bool | None = None,
    **extra: Any,
) -> HttpResponse:
    if appeal_possible is None:
        appeal_possible = _appeal_possible(case) if case is not None else True
    context = wizard.step_context(
        case.pk if case is not None else None, slug, appeal_possible=appeal_possible
    )
    context.update(case=case, form=form, appeal_possible=appeal_possible, **extra)
    return render(request, template, context)


def _add_errors(form: forms.Form, err: ValidationError) -> None:
    """A service's refusal onto the form: beside its field when the form has it, else on top."""
    if hasattr(err, "error_dict"):
        for field, errors in err.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, err.messages)


def _still_draft(case: Case) -> bool:
    return Case.objects.filter(pk=case.pk, status=CaseStatus.DRAFT).exists()


def _onwards(request: HttpRequest, case: Case, slug: str) -> HttpResponse:
    """After a step is saved: Save draft returns to the case page, Next goes on (F-2)."""
    if request.POST.get("action") == "save":
        messages.success(request, DRAFT_SAVED)
        return redirect("incidents:detail", pk=case.pk)
    step = wizard.next_step(slug, appeal_possible=_appeal_possible(case))
    assert step is not None  # only the last step (plan) has no next, and it submits instead
    return redirect(step.url(case.pk))


def _save(
    request: HttpRequest, case: Case, slug: str, form: forms.Form, fields: dict[str, Any]
) -> HttpResponse | None:
    """Save the step through the service; None (with the errors on the form) when refused."""
    try:
        case = services.case_update_draft(case=case, actor=request.user, **fields)
    except ValidationError as err:
        if not _still_draft(case):  # submitted in another tab meanwhile
            return redirect("incidents:detail", pk=case.pk)
        _add_errors(form, err)
        return None
    return _onwards(request, case, slug)


def _earlier_step_missing(case: Case, slug: str) -> HttpResponse | None:
    """A step reached by its address before the steps it needs: back to the first missing."""
    order = [step.slug for step in wizard.STEPS]
    step_one = bool(case.test and case.incident_date and case.grade is not None and case.delivery)
    needs = [("incident", step_one), ("issue", case.incident_type is not None)]
    for needed, done in needs:
        if not done and order.index(slug) > order.index(needed):
            return redirect(wizard.BY_SLUG[needed].url(case.pk))
    return None


# --- step 1 -------------------------------------------------------------------------------------


SCHOOL_FINDER_MAX = 25  # matches listed at once; past it, the agent types more


def _incident_page(request: HttpRequest, case: Case | None, form: IncidentForm) -> HttpResponse:
    """Step 1's page; where the school is typed as a CDS code, with the school finder above the
    form (a GET form: ``?q=`` lists matches, each linking back here with ``?school=<code>``)."""
    extra: dict[str, Any] = {"on_behalf": filing.files_on_behalf(request.user)}
    if form.typed_school:
        finder = SchoolFinderForm(request.GET if "q" in request.GET else None)
        matches = None
        if finder.is_bound and finder.is_valid():
            matches = filing_school_search(
                request.user, finder.cleaned_data["q"], limit=SCHOOL_FINDER_MAX
            )
        extra.update(
            school_finder=finder,
            school_matches=matches[:SCHOOL_FINDER_MAX] if matches is not None else None,
            more_schools=matches is not None and len(matches) > SCHOOL_FINDER_MAX,
            finder_max=SCHOOL_FINDER_MAX,
        )
    return _render(request, case, "incident", "incidents/wizard/incident.html", form, **extra)


def _school_code(request: HttpRequest) -> str:
    """The CDS code chosen in the school finder (``?school=``), kept only if it looks like one."""
    code = request.GET.get("school", "")
    return code if CDS_CODE.match(code) else ""


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Step 1 without a draft yet: the draft is created on the first valid POST."""
    _require_filer(request.user)
    form = IncidentForm(request.user, request.POST or None, school_code=_school_code(request))
    if request.method == "POST" and form.is_valid():
        fields = form.draft_fields()
        try:
            case = services.case_create_draft(actor=request.user, **fields)
        except ValidationError as err:
            _add_errors(form, err)
        else:
            return _onwards(request, case, "incident")
    return _incident_page(request, None, form)


@draft_step()
def step_incident(request: HttpRequest, case: Case) -> HttpResponse:
    form = IncidentForm(
        request.user, request.POST or None, case=case, school_code=_school_code(request)
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, case, "incident", form, form.draft_fields(case))
        if response is not None:
            return response
    return _incident_page(request, case, form)


# --- step 2 -------------------------------------------------------------------------------------


@draft_step()
def step_issue(request: HttpRequest, case: Case) -> HttpResponse:
    if missing := _earlier_step_missing(case, "issue"):
        return missing
    # F-7, A-RESTORE-1: CalTAC is offered the Restore incident alone, a coordinator never it.
    incidents = [
        incident
        for incident in incident_types_for(case.test, case.part or None, case.delivery)
        if filing.offers_incident(request.user, incident.code)
    ]
    initial = {"incident_type": case.incident_type_id}
    form = IssueForm(incidents, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        incident = form.cleaned_data["incident_type"]
        fields: dict[str, Any] = {"incident_type": incident}
        if incident.pk != case.incident_type_id:
            fields["answers"] = {}  # the answers were another issue's questions
        response = _save(request, case, "issue", form, fields)
        if response is not None:
            return response
    return _render(request, case, "issue", "incidents/wizard/issue.html", form)


# --- step 3 -------------------------------------------------------------------------------------


@draft_step()
def step_details(request: HttpRequest, case: Case) -> HttpResponse:
    if missing := _earlier_step_missing(case, "details"):
        return missing
    assert case.incident_type is not None
    facts = rules_catalog().incidents.get(case.incident_type.code)
    breach = case.incident_type.severity == Severity.BREACH
    form = DetailsForm(
        facts.questions if facts else (),
        request.POST or None,
        breach=breach,
        student_names=case_student_names(case),
        case=case,
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, case, "details", form, form.draft_fields())
        if response is not None:
            return response
    return _render(
        request,
        case,
        "details",
        "incidents/wizard/details.html",
        form,
        breach=breach,
        cde_phone=settings.STAIRS_CDE_PHONE,
        caltac_phone=settings.STAIRS_CALTAC_PHONE,
    )


# --- confirm ------------------------------------------------------------------------------------


def _students(case: Case) -> list[CaseStudent]:
    # One query whatever the number of SSIDs (the page's query count is locked by a test).
    return list(case.students.select_related("student", "test_event").order_by("pk"))


@draft_step()
def step_confirm(request: HttpRequest, case: Case) -> HttpResponse:
    if missing := _earlier_step_missing(case, "confirm"):
        return missing
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _onwards(request, case, "confirm")
    catalog = rules_catalog()
    possible = filing.appeal_possible(case, catalog)
    late = case.incident_date is not None and filing.is_late(
        incident_date=case.incident_date,
        incident_time=case.incident_time,
        submitted_at=timezone.now(),
    )
    return _render(
        request,
        case,
        "confirm",
        "incidents/wizard/confirm.html",
        form,
        appeal_possible=possible,
        summary_rows=confirm_summary(case, catalog, appeal_possible=possible),
        case_students=_students(case),
        late=late,  # S-5
    )


# --- select -------------------------------------------------------------------------------------


@draft_step()
def step_select(request: HttpRequest, case: Case) -> HttpResponse:
    if missing := _earlier_step_missing(case, "select"):
        return missing
    rows = _students(case)
    form = SelectForm(rows, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_select_students(
                case=case, actor=request.user, ssids=form.cleaned_data["selected"]
            )
        except ValidationError as err:
            if not _still_draft(case):
                return redirect("incidents:detail", pk=case.pk)
            _add_errors(form, err)
        else:
            return _onwards(request, case, "select")
    return _render(request, case, "select", "incidents/wizard/select.html", form)


# --- plan and submit ----------------------------------------------------------------------------


def _problems(case: Case, err: ValidationError) -> list[dict[str, str]]:
    """A submission's refusal as a list of problems, each with a link to the step that fixes it."""
    possible = _appeal_possible(case)
    steps = {step.slug for step in wizard.steps_for(appeal_possible=possible)}
    found = err.message_dict.items() if hasattr(err, "error_dict") else [("", err.messages)]
    problems = []
    for field, messages_ in found:
        slug = FIELD_STEPS.get(field, "")
        step = wizard.BY_SLUG[slug] if slug in steps or slug == "students" else None
        for message in messages_:
            problems.append(
                {
                    "message": message,
                    "url": step.url(case.pk) if step else "",
                    "step": step.label if step else "",
                }
            )
    return problems


@draft_step(submitted_to="incidents:submitted")
def step_plan(request: HttpRequest, case: Case) -> HttpResponse:
    if missing := _earlier_step_missing(case, "plan"):
        return missing
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(case))
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if request.POST.get("action") == "save":
            response = _save(request, case, "plan", form, fields)
            if response is not None:
                return response
        else:
            try:
                case = services.case_update_draft(case=case, actor=request.user, **fields)
                case = services.case_submit(case=case, actor=request.user)
            except ValidationError as err:
                # A double click or a second tab: the case was submitted once; show it.
                if not _still_draft(case):
                    return redirect("incidents:submitted", pk=case.pk)
                problems = _problems(case, err)
            else:
                return redirect("incidents:submitted", pk=case.pk)
    return _render(
        request,
        case,
        "plan",
        "incidents/wizard/plan.html",
        form,
        next_label="Submit the case",
        problems=problems,
    )


# --- after submitting ---------------------------------------------------------------------------


@login_required
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """F-6: the case number, whether appeals were filed, for whom and who decides each."""
    case = get_object_or_404(_drafts(request.user), pk=pk)
    if case.is_draft:
        return redirect("incidents:wizard_plan", pk=case.pk)
    appeals = list(case.appeals.select_related("student").order_by("pk"))
    not_filed = [row for row in _students(case) if not row.selected]
    # N-1: the LEA coordinator is copied when a site coordinator submitted, or CalTAC on the
    # LEA's behalf (case_emails.queue_submission_email).
    roles = set(
        RoleGrant.objects.filter(user_id=case.submitted_by_id).values_list("role", flat=True)
    )
    site_only = bool(roles & SITE_COORDINATOR_ROLES) and not roles & LEA_COORDINATOR_ROLES
    lea_copied = site_only or case.filed_on_behalf
    return render(
        request,
        "incidents/submitted.html",
        {
            "case": case,
            "appeals": appeals,
            "not_filed": not_filed,
            "appeal_possible": _appeal_possible(case),
            "lea_copied": lea_copied,
        },
    )
