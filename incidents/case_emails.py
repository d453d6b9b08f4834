"""The emails of a STAIRS case, queued through the outbox in the caller's transaction (they leave
after it commits): N-1 on submission, N-2 on a note. SSIDs and the case number only, never a
student's name (a mail server is outside STAIRS's access control).
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import (
    LEA_COORDINATOR_ROLES,
    ROLE_PROGRAM,
    SITE_COORDINATOR_ROLES,
    RoleGrant,
    User,
)
from appeals.models import Appeal
from incidents.case_models import Case
from notifications.services import notices_create, notification_queue
from stairs.vocabulary import AppealType, CaseStatus, Reviewer
from students import dates


def _lea_coordinators(case: Case) -> list[User]:
    role = next(r for r in LEA_COORDINATOR_ROLES if ROLE_PROGRAM[r] == case.program)
    return list(
        User.objects.filter(
            is_active=True,
            grants__role=role,
            grants__organization_id=case.lea_id,
        ).distinct()
    )


def queue_submission_email(case: Case, actor: User, appeals: list[Appeal]) -> None:
    """N-1: the case number to the submitter and, when a site coordinator submitted or CalTAC
    filed on the LEA's behalf (A-RESTORE-1), to the program's LEA coordinator(s). SSIDs and the
    case number only, never a student's name."""
    people = [actor]
    submitter_roles = set(RoleGrant.objects.filter(user=actor).values_list("role", flat=True))
    site_only = bool(submitter_roles & SITE_COORDINATOR_ROLES) and not (
        submitter_roles & LEA_COORDINATOR_ROLES
    )
    if site_only or case.filed_on_behalf:
        people += _lea_coordinators(case)
    recipients = {user.email for user in people}
    if appeals:
        lines = [
            f"- SSID {a.student.ssid}: "
            + (AppealType(a.appeal_type).label if a.appeal_type else "appeal chosen by CDE")
            + f", decided by {Reviewer(a.reviewer).label}"
            for a in appeals
        ]
        appeal_text = "Appeals filed:\n" + "\n".join(lines)
    else:
        appeal_text = "No appeal was filed with this case."
    on_behalf = " by CalTAC on the LEA's behalf" if case.filed_on_behalf else ""
    body = (
        f"STAIRS case {case.number} was submitted{on_behalf} on "
        f"{dates.local_date(case.submitted_at):%B %d, %Y}"  # type: ignore[arg-type]
        f"{' (late: more than 24 hours after the incident)' if case.late else ''}.\n\n"
        f"Status: {CaseStatus(case.status).label}.\n{appeal_text}\n"
    )
    for recipient in sorted(recipients):
        notification_queue(
            recipient=recipient, subject=f"STAIRS case {case.number} submitted", body=body
        )
    notice_case(case, [user.pk for user in people], f"STAIRS case {case.number} was submitted.")


def queue_note_email(case: Case, author: User) -> None:
    """N-2: the case's people (its filer, its submitter and earlier note authors), except the
    note's author. The email names the case, not the note, which could be mistyped with
    personal information: the reader opens it in STAIRS."""
    people = {case.created_by_id, case.submitted_by_id} | set(
        case.notes.values_list("author_id", flat=True)
    )
    people.discard(author.pk)
    people.discard(None)
    label = f"case {case.number}" if case.number else f"draft case {case.pk}"
    recipients = list(User.objects.filter(pk__in=people, is_active=True).values_list("pk", "email"))
    for _, email in recipients:
        notification_queue(
            recipient=email,
            subject=f"STAIRS {label}: a new note",
            body=f"{author.full_name} added a note to STAIRS {label}. Open the case in STAIRS to "
            "read it.\n",
        )
    notice_case(case, [pk for pk, _ in recipients], f"STAIRS {label} has a new note.")


def notice_case(case: Case, user_ids: list[int], text: str) -> None:
    """The in-app notice beside an email (issue 10, item 2): the same people, in the same
    transaction, opening the case page. SSIDs and the case number only."""
    notices_create(recipients=user_ids, text=text, url=reverse("incidents:detail", args=[case.pk]))


def queue_withdrawal_notice(case: Case) -> None:
    """A withdrawn case: an in-app notice to its filer and submitter (active users)."""
    people = {case.created_by_id, case.submitted_by_id} - {None}
    active = User.objects.filter(pk__in=people, is_active=True).values_list("pk", flat=True)
    notice_case(case, list(active), f"STAIRS case {case.number} was withdrawn.")
