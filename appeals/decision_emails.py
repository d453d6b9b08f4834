"""What an appeal decision tells people (A-2): one email per case and recipient through the
outbox, and the in-app notice beside it, both in the deciding service's transaction. The worker
writes the email from templates/appeals/email/ when it sends, from the appeals as they are then.
SSIDs and the case number only, never a student's name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse

from accounts.models import User
from appeals.models import Appeal
from notifications.renderers import EmailKind, NotificationNotNeeded, absolute_url
from notifications.services import emails_queue, notices_create
from stairs.vocabulary import AppealStatus

DECISION = "appeals.decision"


@dataclass
class Outcome:
    """What a decision did to one appeal: its status now, and the sentence for people."""

    appeal: Appeal
    status: str
    message: str


def queue_decision_emails(outcomes: list[Outcome]) -> None:
    """A-2: the submitter is emailed when an appeal is processed: one email per case and
    recipient (the case's submitter and filer), listing each decided appeal by SSID with its
    outcome and reason (held for a digest when they chose one)."""
    by_case: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_case[outcome.appeal.case_id].append(outcome)
    recipients_by_case = _recipients({o.appeal.case for o in outcomes})
    for case_id, case_outcomes in by_case.items():
        case = case_outcomes[0].appeal.case
        people = recipients_by_case.get(case_id, [])
        emails_queue(
            kind=DECISION,
            payload={"case_id": case_id, "appeal_ids": [o.appeal.pk for o in case_outcomes]},
            recipients=people,
        )
        _notice_decisions(case, case_outcomes, [pk for pk, _ in people])


def _notice_decisions(case: models.Model, outcomes: list[Outcome], user_ids: list[int]) -> None:
    """The in-app notice beside the decision email: one per case and recipient, SSIDs only."""
    decided = "; ".join(
        f"SSID {o.appeal.student.ssid} {AppealStatus(o.status).in_sentence}" for o in outcomes
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


def decision_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The decided appeals of one case, each by SSID with its status and the reason given."""
    appeals = list(
        Appeal.objects.filter(pk__in=payload["appeal_ids"], case_id=payload["case_id"])
        .select_related("student", "case")
        .order_by("student__ssid", "pk")
    )
    if not appeals:
        raise NotificationNotNeeded("The appeals were removed before the email was sent.")
    case = appeals[0].case
    return {
        "case": case,
        "case_url": absolute_url(reverse("incidents:detail", args=[case.pk])),
        "appeals": [
            {
                "ssid": appeal.student.ssid,
                "appeal": appeal.type_label,
                "status": AppealStatus(appeal.status).label,
                "status_phrase": AppealStatus(appeal.status).in_sentence,
                "reason": appeal.decision_reason,
                "decided_at": appeal.decided_at,
            }
            for appeal in appeals
        ],
    }


KINDS = (EmailKind(DECISION, "appeals/email/decision", decision_context, digest=True),)
