"""The emails of a STAIRS case (N-1, N-2, N-3), queued through the outbox in the caller's
transaction and written by the worker from templates/incidents/email/ when it sends, from the
case as it is then. SSIDs and the case number only, never a student's name (a mail server is
outside STAIRS's access control); a note's text is never emailed either, since it could be
mistyped with personal information: the reader opens the case in STAIRS.

Each writer also leaves the in-app notice beside its email (issue 10, item 2): the same people,
the same transaction, opening the case page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q
from django.urls import reverse

from accounts.models import (
    LEA_COORDINATOR_ROLES,
    ROLE_PROGRAM,
    SITE_COORDINATOR_ROLES,
    RoleGrant,
    User,
)
from appeals.assignment import team_members
from appeals.models import Appeal
from incidents.case_models import Case, CaseNote, CaseStudent
from notifications.renderers import EmailKind, NotificationNotNeeded, absolute_url
from notifications.services import emails_queue, notices_create
from stairs.vocabulary import AppealStatus, CaseStatus, Reviewer
from students import dates

SUBMITTED = "incidents.submitted"
NOTE = "incidents.note"
WITHDRAWN = "incidents.withdrawn"
PROCESSED = "incidents.processed"


def _lea_coordinators(case: Case) -> list[User]:
    role = next(r for r in LEA_COORDINATOR_ROLES if ROLE_PROGRAM[r] == case.program)
    return list(
        User.objects.filter(
            is_active=True,
            grants__role=role,
            grants__organization_id=case.lea_id,
        ).distinct()
    )


def _active(user_ids: Iterable[int | None]) -> list[User]:
    ids = {pk for pk in user_ids if pk is not None}
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk")) if ids else []


def _tell(
    case: Case, kind: str, people: Iterable[User], notice: str | None, **payload: Any
) -> None:
    """The email of ``kind`` and, with ``notice``, the in-app notice to each of ``people``
    (active users)."""
    people = {user.pk: user for user in people if user.is_active}
    emails_queue(
        kind=kind,
        payload={"case_id": case.pk, **payload},
        recipients=[(user.pk, user.email) for user in people.values()],
    )
    if notice:
        notices_create(
            recipients=list(people), text=notice, url=reverse("incidents:detail", args=[case.pk])
        )


def queue_submission_email(case: Case, actor: User, appeals: list[Appeal]) -> None:
    """N-1: the case number to the submitter and, when a site coordinator submitted or CalTAC
    filed on the LEA's behalf (A-RESTORE-1), to the program's LEA coordinator(s). Always sent
    at once (never held for a digest)."""
    people = [actor]
    submitter_roles = set(RoleGrant.objects.filter(user=actor).values_list("role", flat=True))
    site_only = bool(submitter_roles & SITE_COORDINATOR_ROLES) and not (
        submitter_roles & LEA_COORDINATOR_ROLES
    )
    if site_only or case.filed_on_behalf:
        people += _lea_coordinators(case)
    _tell(case, SUBMITTED, people, f"STAIRS case {case.number} was submitted.")


def queue_note_email(case: Case, note: CaseNote) -> None:
    """N-2 and N-3: a new note, to the case's filer and submitter, the program's LEA
    coordinator(s), the reviewers involved with its appeals (holding or having decided one),
    earlier note authors, and CDE when the case involves its approval (the CDE reviewers
    involved, else CDE's available reviewers); never to the note's author."""
    appeals = Appeal.objects.filter(case=case)
    involved = {case.created_by_id, case.submitted_by_id}
    involved |= set(case.notes.values_list("author_id", flat=True))
    for claimed, decided, preapproved in appeals.values_list(
        "claimed_by_id", "decided_by_id", "preapproved_by_id"
    ):
        involved |= {claimed, decided, preapproved}
    people = _active(involved)
    if case.number:
        people += _lea_coordinators(case)
    if appeals.filter(Q(reviewer=Reviewer.CDE) | Q(preapproved_at__isnull=False)).exists():
        cde = {user.pk for user in team_members(Reviewer.CDE, available=False)}
        if not cde & {user.pk for user in people}:
            people += team_members(Reviewer.CDE)
    people = [user for user in people if user.pk != note.author_id]
    label = f"case {case.number}" if case.number else f"draft case {case.pk}"
    _tell(case, NOTE, people, f"STAIRS {label} has a new note.", note_id=note.pk)


def queue_withdrawal_email(case: Case, actor: User) -> None:
    """A withdrawn case: its filer and submitter and the program's LEA coordinator(s), except
    the person who withdrew it."""
    people = _active([case.created_by_id, case.submitted_by_id]) + _lea_coordinators(case)
    people = [user for user in people if user.pk != actor.pk]
    _tell(case, WITHDRAWN, people, f"STAIRS case {case.number} was withdrawn.")


def queue_processed_email(case: Case) -> None:
    """N-2: every appeal of the case is decided; its filer and submitter are told each SSID's
    outcome (held for a digest when they chose one). No notice: the last decision's notice,
    written in the same transaction, already says it."""
    people = _active([case.created_by_id, case.submitted_by_id])
    _tell(case, PROCESSED, people, None)


# --- what the worker writes -------------------------------------------------------------------


def _case(payload: Mapping[str, Any]) -> Case:
    case = (
        Case.objects.select_related("school", "lea", "incident_type")
        .filter(pk=payload["case_id"])
        .first()
    )
    if case is None:
        raise NotificationNotNeeded("The case was deleted before the email was sent.")
    return case


def _case_context(case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "label": f"case {case.number}" if case.number else f"draft case {case.pk}",
        "status": CaseStatus(case.status).label,
        "case_url": absolute_url(reverse("incidents:detail", args=[case.pk])),
    }


def _appeal_rows(case: Case) -> list[dict[str, str]]:
    return [
        {
            "ssid": appeal.student.ssid,
            "appeal": appeal.type_label,
            "reviewer": Reviewer(appeal.reviewer).label,
            "status": AppealStatus(appeal.status).label,
            "reason": appeal.decision_reason,
        }
        for appeal in Appeal.objects.filter(case=case)
        .select_related("student")
        .order_by("student__ssid", "pk")
    ]


def submitted_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    case = _case(payload)
    return {
        **_case_context(case),
        "submitted_on": dates.local_date(case.submitted_at) if case.submitted_at else None,
        "appeals": _appeal_rows(case),
    }


def note_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    case = _case(payload)
    note = CaseNote.objects.select_related("author").filter(pk=payload["note_id"]).first()
    if note is None:
        raise NotificationNotNeeded("The note was removed before the email was sent.")
    return {**_case_context(case), "author": note.author.full_name, "note": note}


def withdrawn_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    case = _case(payload)
    return {**_case_context(case), "appeals": _appeal_rows(case)}


def processed_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Each SSID of the case with its appeal's outcome, or that none was filed for it."""
    case = _case(payload)
    appeals = {row["ssid"]: row for row in _appeal_rows(case)}
    students = CaseStudent.objects.filter(case=case).select_related("student")
    rows = []
    for ssid in sorted({row.student.ssid for row in students} | set(appeals)):
        rows.append(appeals.get(ssid) or {"ssid": ssid, "status": "No appeal filed"})
    return {**_case_context(case), "students": rows}


KINDS = (
    EmailKind(SUBMITTED, "incidents/email/submitted", submitted_context),
    EmailKind(NOTE, "incidents/email/note", note_context, digest=True),
    EmailKind(WITHDRAWN, "incidents/email/withdrawn", withdrawn_context),
    EmailKind(PROCESSED, "incidents/email/processed", processed_context, digest=True),
)
