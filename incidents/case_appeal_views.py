"""The filer side's actions on one appeal of the case page (issue 9, item 5): withdraw an appeal
with a reason, resubmit one the system rejected.

POST only, then back to the case page (PRG). The case comes from ``queries.case_to_change`` (404
outside the user's scope, 403 for a reader such as a reviewer) and the appeal from
``queries.appeals_for``; the services check the move and the actor again under their locks. A
reason left out comes back next to its field; any other refusal is a message at the top.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from appeals import decisions, transitions
from appeals.models import Appeal
from appeals.transitions import Action
from incidents import queries, services
from incidents.case_appeals import AppealWithdrawForm
from incidents.case_models import Case
from incidents.case_views import _detail_page
from stairs.vocabulary import Reviewer


def _case_and_appeal(request: HttpRequest, pk: int, appeal_pk: int) -> tuple[Case, Appeal]:
    case = queries.case_to_change(request.user, pk)
    appeal = get_object_or_404(
        queries.appeals_for(request.user).filter(case=case).select_related("student"),
        pk=appeal_pk,
    )
    return case, appeal


def _back(case: Case) -> HttpResponse:
    return redirect(reverse("incidents:detail", args=[case.pk]) + "#appeals")


@login_required
@require_POST
def appeal_withdraw(request: HttpRequest, pk: int, appeal_pk: int) -> HttpResponse:
    """Withdraw one appeal (field ``reason``): open, or rejected by system and not resubmitted."""
    case, appeal = _case_and_appeal(request, pk, appeal_pk)
    form = AppealWithdrawForm(request.POST, appeal=appeal)
    if form.is_valid():
        try:
            decisions.appeal_withdraw(
                appeal=appeal, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if not (hasattr(error, "error_dict") and "reason" in error.error_dict):
                messages.error(request, " ".join(error.messages))
                return _back(case)
            form.add_error("reason", error.error_dict["reason"])
        else:
            messages.success(request, f"The appeal for SSID {appeal.student.ssid} was withdrawn.")
            return _back(case)
    return _detail_page(request, pk, status=400, withdraw_form=form, withdraw_pk=appeal.pk)


@login_required
@require_POST
def appeal_resubmit(request: HttpRequest, pk: int, appeal_pk: int) -> HttpResponse:
    """Resubmit an appeal the system rejected: the rules decide it again on the test as it is
    now, and it is due four business days from now (A-2)."""
    case, appeal = _case_and_appeal(request, pk, appeal_pk)
    if not transitions.action_allowed(Action.RESUBMIT, appeal.status):
        # Said before the rules decide again, whose answer would be beside the point here (the
        # service checks the move again under its lock).
        messages.error(request, transitions.refusal(Action.RESUBMIT, appeal.status))
        return _back(case)
    try:
        appeal = services.case_appeal_resubmit(case=case, appeal=appeal, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(case)
    team = Reviewer(appeal.reviewer).label
    messages.success(
        request,
        f"The appeal for SSID {appeal.student.ssid} was resubmitted: {appeal.type_label}, "
        f"{appeal.get_status_display().lower()}; {team} decides it.",
    )
    return _back(case)
