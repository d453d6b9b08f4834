"""The case page's appeals as the people on each side read them (issue 9, items 4, 5 and 10).

At the top, each decision with its reason in a sentence; in the appeals table, who decided (the
team for coordinators, the person for reviewers), the due phrase while open, a reviewer's
"Decide" link and the filer side's withdraw and resubmit forms. Plain values set on the appeals
the page already read: no query of its own, however many appeals the case has.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.urls import reverse

from accounts.models import User
from appeals import transitions
from appeals.decisions import reviewer_teams
from appeals.models import Appeal
from appeals.transitions import Action
from incidents.case_models import Case
from stairs.vocabulary import AppealStatus, AppealType, Reviewer

# What the system is called where it decided (rejected by system): no person took that decision.
SYSTEM = "STAIRS (automatic check)"
# The default reason of an approval without one (appeals.decisions): not worth repeating.
_PLAIN_APPROVAL = "Approved."


class AppealWithdrawForm(forms.Form):
    """Withdraw one appeal of the case, with the reason kept on its timeline."""

    reason = forms.CharField(
        label="Why is this appeal withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept on the appeal's timeline; the reviewer no longer decides it.",
    )

    def __init__(self, *args, appeal: Appeal, **kwargs) -> None:
        # One form per row of the table: ids of their own, the field's name as the action reads it.
        kwargs.setdefault("auto_id", f"id_withdraw_{appeal.pk}_%s")
        super().__init__(*args, **kwargs)


def decide_url(appeal: Appeal) -> str:
    """The reviewers' decision page of ``appeal``."""
    return reverse("review:appeal", args=[appeal.pk])


def outcome_sentence(appeal: Appeal) -> str:
    """What the decision did, in one sentence for the coordinator (without its reason)."""
    team = Reviewer(appeal.reviewer).label
    kind = AppealType(appeal.appeal_type).label if appeal.appeal_type else "the appeal"
    status = appeal.status
    if status == AppealStatus.APPROVED and appeal.exception:
        return (
            f"Approved by {team} as a recorded exception: nothing changed on the test. Open a new "
            "test session for the student (a CAASPP PT has no pause rule, A-GPE-1)."
        )
    if status == AppealStatus.APPROVED:
        chosen = " after a manual review" if appeal.manual_review else ""
        done = f"Approved by {team}{chosen}: the {kind} was applied to the test."
        if appeal.appeal_type == AppealType.INVALIDATE or appeal.notation:
            done += " An irregularity notation is on the student's Score Status (D-1)."
        return done
    if status == AppealStatus.SWAP_APPROVED:
        return f"Swap approved by {team}."
    if status == AppealStatus.REJECTED_BY_SYSTEM:
        return (
            "Nothing changed on the test. Resubmit the appeal when the reason below no longer "
            "holds, or withdraw it under Appeals."
        )
    return ""  # a reviewer's rejection: its status and reason say it all


def shown_reason(appeal: Appeal) -> str:
    """The decision's reason worth showing: a plain "Approved." says nothing more."""
    reason = appeal.decision_reason.strip()
    return "" if reason == _PLAIN_APPROVAL else reason


def decided_by_label(appeal: Appeal, *, names: bool) -> str:
    """Who decided: the team for coordinators, the person for reviewers (``names``), the system
    for a rejection by system."""
    if appeal.decided_at is None:
        return ""
    if appeal.decided_by is None:
        return SYSTEM
    team = Reviewer(appeal.reviewer).label
    return f"{appeal.decided_by.full_name} ({team})" if names else team


def annotate(
    appeals: Iterable[Appeal],
    *,
    user: User,
    case: Case,
    filer_side: bool,
    withdraw_form: AppealWithdrawForm | None = None,
    withdraw_pk: int | None = None,
) -> None:
    """Set on each appeal what the page shows and offers ``user``: ``outcome``, ``shown_reason``,
    ``decided_by_label``, ``decide_url`` (a reviewer of its team, open, not their own case),
    ``may_resubmit`` and ``withdraw_form`` (the filer side, as the transition table allows).
    ``withdraw_form`` is a refused form to show again on the appeal ``withdraw_pk``."""
    teams = reviewer_teams(user)
    filed_it = user.pk in (case.created_by_id, case.submitted_by_id)
    for appeal in appeals:
        appeal.outcome = outcome_sentence(appeal)
        appeal.shown_reason = shown_reason(appeal)
        appeal.decided_by_label = decided_by_label(appeal, names=bool(teams))
        appeal.decide_url = (
            decide_url(appeal)
            if appeal.is_open and appeal.reviewer in teams and not filed_it
            else ""
        )
        offered = (
            transitions.actions_from(appeal.status, transitions.FILER_ACTIONS) if filer_side else []
        )
        appeal.may_resubmit = Action.RESUBMIT in offered
        appeal.withdraw_form = None
        if Action.WITHDRAW in offered:
            appeal.withdraw_form = (
                withdraw_form if appeal.pk == withdraw_pk else AppealWithdrawForm(appeal=appeal)
            )


def decision_groups(decided: list[Appeal]) -> list[dict[str, object]]:
    """The top of the case page: the decided appeals in groups, what asks for action first
    (rejected by system: resubmit or withdraw), then the reviewers' rejections, then the
    approvals; each group with its alert tone and its heading."""
    system = [a for a in decided if a.status == AppealStatus.REJECTED_BY_SYSTEM]
    rejected = [a for a in decided if a.status in transitions.REJECTED_BY.values()]
    approved = [a for a in decided if a.status not in transitions.REJECTIONS]

    def heading(appeals: list[Appeal], one: str, many: str) -> str:
        return one if len(appeals) == 1 else many.format(n=len(appeals))

    groups = [
        (
            "system",
            "warning",
            system,
            heading(
                system,
                "The system rejected an appeal",
                "The system rejected {n} appeals",
            ),
        ),
        (
            "rejected",
            "danger",
            rejected,
            heading(rejected, "An appeal was rejected", "{n} appeals were rejected"),
        ),
        (
            "approved",
            "success",
            approved,
            heading(approved, "An appeal was approved", "{n} appeals were approved"),
        ),
    ]
    return [
        {"key": key, "tone": tone, "appeals": appeals, "heading": text}
        for key, tone, appeals, text in groups
        if appeals
    ]
