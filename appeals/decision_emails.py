"""What an appeal decision tells people (A-2): one email per case and recipient through the
outbox, and the in-app notice beside it, both in the deciding service's transaction. SSIDs and the
case number only, never a student's name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from accounts.models import User
from appeals.models import Appeal
from notifications.services import notices_create, notification_queue
from stairs.vocabulary import AppealStatus


@dataclass
class Outcome:
    """What a decision did to one appeal: its status now, and the sentence for people."""

    appeal: Appeal
    status: str
    message: str


def queue_decision_emails(outcomes: list[Outcome]) -> None:
    """A-2: the submitter is emailed when an appeal is processed: one email per case and
    recipient (the case's submitter and filer), listing each decided appeal by SSID with its
    outcome and reason. SSIDs and the case number only, never a student's name."""
    by_case: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_case[outcome.appeal.case_id].append(outcome)
    recipients_by_case = _recipients({o.appeal.case for o in outcomes})
    for case_id, case_outcomes in by_case.items():
        case = case_outcomes[0].appeal.case
        lines = [
            f"- SSID {o.appeal.student.ssid}, {o.appeal.type_label}: "
            f"{AppealStatus(o.status).label}. {o.message}"
            for o in case_outcomes
        ]
        body = (
            f"Appeal decisions on STAIRS case {case.number}:\n\n" + "\n".join(lines) + "\n\n"
            "Open the case in STAIRS to see its status and what to do next.\n"
        )
        people = recipients_by_case.get(case_id, [])
        for _, recipient in people:
            notification_queue(
                recipient=recipient,
                subject=f"STAIRS case {case.number}: appeal decision",
                body=body,
            )
        _notice_decisions(case, case_outcomes, [pk for pk, _ in people])


def _notice_decisions(case: models.Model, outcomes: list[Outcome], user_ids: list[int]) -> None:
    """The in-app notice beside the decision email: one per case and recipient, SSIDs only."""
    decided = "; ".join(
        f"SSID {o.appeal.student.ssid} {AppealStatus(o.status).label.lower()}" for o in outcomes
    )
    notices_create(
        recipients=user_ids,
        text=f"Appeal decision on STAIRS case {case.number}: {decided}.",  # type: ignore[attr-defined]
        url=reverse("incidents:detail", args=[case.pk]),
    )


def _recipients(cases: set[models.Model]) -> dict[int, list[tuple[int, str]]]:
    people = {case.pk: {case.created_by_id, case.submitted_by_id} - {None} for case in cases}
    emails = dict(
        User.objects.filter(
            pk__in=set().union(*people.values()) if people else [], is_active=True
        ).values_list("pk", "email")
    )
    return {
        case_id: sorted(((pk, emails[pk]) for pk in ids if pk in emails), key=lambda r: r[1])
        for case_id, ids in people.items()
    }
