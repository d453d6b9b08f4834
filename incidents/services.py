"""The STAIRS cases' write paths (style.md: `<entity>_<verb>`, keyword-only, one transaction,
the row locked, the transition checked, a timeline row, email through the outbox on commit).

Drafts (F-5) are saved field by field as the wizard goes; `case_submit` re-checks everything,
numbers the case, files its appeals through appeals/services.py and emails its people (N-1).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.access import scope_for
from accounts.models import (
    Organization,
    OrganizationKind,
    Role,
    User,
)
from appeals import review
from appeals.decisions import appeal_resubmit
from appeals.models import Appeal
from appeals.rules import RulesCatalog
from appeals.services import appeal_create, appeal_withdraw_open
from appeals.transitions import Action, action_allowed, refusal
from incidents import case_emails, filing, transitions
from incidents.case_models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseNote,
    CaseNumberCounter,
    CaseStudent,
)
from incidents.models import Severity
from incidents.pii import find_personal_information
from incidents.queries import case_student_names, case_students_for, rules_catalog
from stairs.vocabulary import CaseStatus, SsidInputType
from students import dates
from students.effects import event_add_notation
from students.models import Student
from students.queries import window_is_open

logger = logging.getLogger(__name__)

# What the wizard's steps save on a draft (F-5); everything else is set by the services.
DRAFT_FIELDS: Final = frozenset(
    {
        "school",
        "incident_date",
        "incident_time",
        "grade",
        "test",
        "part",
        "delivery",
        "incident_type",
        "answers",
        "breach_call_record",
        "student_count",
        "ssid_input_type",
        "description",
        "plan_of_action",
        "comment",
    }
)
MAX_TYPED_SSIDS: Final = 10  # F-3: 11 or more students are uploaded
MAX_SSIDS: Final = 500  # F-3


def _record(
    case: Case,
    *,
    kind: str,
    actor: User | None,
    detail: str,
    from_status: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        at=at or timezone.now(),
        kind=kind,
        from_status=from_status,
        to_status=case.status if from_status else "",
        detail=detail[:300],
        reason=reason,
    )


def _locked(case: Case) -> Case:
    """The case's row, locked for this transaction and read afresh (a second tab, a double
    click or a reviewer may have changed it since the caller read it)."""
    # of=("self",): lock the case only; the incident type and school are nullable joins.
    locked = Case.objects.select_for_update(of=("self",)).select_related("incident_type", "school")
    return locked.get(pk=case.pk)


def _move(case: Case, to_status: str) -> str:
    """Set the status along the transition table; returns the status it came from."""
    if not transitions.allows(case.status, to_status):
        raise ValidationError(
            f"A case that is {CaseStatus(case.status).in_sentence} cannot become "
            f"{CaseStatus(to_status).in_sentence}."
        )
    from_status = case.status
    case.status = to_status
    return from_status


def _require_draft(case: Case) -> None:
    if case.status not in transitions.EDITABLE:
        raise ValidationError(f"Case {case.number} is already submitted; it cannot be changed.")


def _require_filer(actor: User, case: Case) -> None:
    if case.school is None:
        raise ValidationError({"school": "Choose the school."})
    # F-7 and A-RESTORE-1: the pages' rule, so a case filed on an LEA's behalf stays CalTAC's.
    refusal = filing.case_refusal(actor=actor, case=case)
    if refusal:
        raise ValidationError({"school": refusal})


def _apply_fields(case: Case, fields: dict[str, Any]) -> list[str]:
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise ValueError(f"Not fields of a draft: {', '.join(sorted(unknown))}")
    changed = []
    for name, value in fields.items():
        if name == "answers":
            value = dict(value or {})
        if isinstance(value, str) and name not in ("test", "part", "delivery"):
            value = value.strip()
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    if "school" in changed:
        school = case.school
        if school is None or school.kind != OrganizationKind.SCHOOL:
            raise ValidationError({"school": "Choose a school."})
        case.lea_id = school.parent_id
    if "test" in changed or not case.test:
        # Step 1 chooses the test before anything is saved (F-1), so a draft always has its
        # program: who may see it (cases_for) follows from the program and the place alone.
        if not case.test:
            raise ValidationError({"test": "Choose the test."})
        case.program = filing.program_of(case.test)
    return changed


@transaction.atomic
def case_create_draft(*, actor: User, school: Organization, **fields: Any) -> Case:
    """Start a case at the wizard's first step (F-5).

    Steps: check the actor may file for the school (F-7); set the step's fields, the test
    among them (its program decides who sees the draft); save as a draft (no number yet);
    timeline.
    """
    if school.kind != OrganizationKind.SCHOOL:
        raise ValidationError({"school": "Choose a school."})
    case = Case(school=school, lea_id=school.parent_id, created_by=actor)
    _apply_fields(case, fields)
    is_caltac = Role.CALTAC_AGENT in scope_for(actor).roles
    case.filed_on_behalf = is_caltac
    _require_filer(actor, case)
    case.save()
    _record(case, kind=CaseEventKind.CREATED, actor=actor, detail="Draft created.")
    return case


@transaction.atomic
def case_update_draft(*, case: Case, actor: User, **fields: Any) -> Case:
    """Save a wizard step on the draft (F-5: never in the session).

    Steps: lock; refuse a submitted case; apply the fields; check the actor may file for the
    (possibly new) school and program; save; timeline naming the fields changed (not their
    values: a description is free text).
    """
    case = _locked(case)
    _require_draft(case)
    changed = _apply_fields(case, fields)
    _require_filer(actor, case)
    if changed:
        case.save()
        _record(
            case,
            kind=CaseEventKind.UPDATED,
            actor=actor,
            detail=f"Changed: {', '.join(sorted(changed))}.",
        )
    return case


@transaction.atomic
def case_delete_draft(*, case: Case, actor: User) -> None:
    """Delete a draft (the case page's delete, with confirmation). A submitted case is a record
    and stays; the timeline goes with the draft, which never had a number."""
    case = _locked(case)
    _require_draft(case)
    _require_filer(actor, case)
    case.delete()


@transaction.atomic
def case_set_students(
    *, case: Case, actor: User, ssids: Iterable[str], input_type: str | None = None
) -> list[CaseStudent]:
    """The students step (F-3): the draft's SSIDs, each with its test event and decision as it
    is shown now (issue 8, part 4).

    Steps: lock; check the draft and the incident; resolve each SSID in the actor's scope (an
    unknown and a foreign SSID get the same message, F-10); replace the draft's students,
    keeping the selection of those that stay appealable; timeline.
    """
    case = _locked(case)
    _require_draft(case)
    _require_filer(actor, case)
    wanted = list(dict.fromkeys(ssid.strip() for ssid in ssids))
    if len(wanted) > MAX_SSIDS:
        raise ValidationError({"ssids": f"At most {MAX_SSIDS} SSIDs per case."})
    input_type = input_type or (
        SsidInputType.TYPED if len(wanted) <= MAX_TYPED_SSIDS else SsidInputType.UPLOAD
    )
    if input_type == SsidInputType.TYPED and len(wanted) > MAX_TYPED_SSIDS:
        raise ValidationError({"ssids": "With 11 or more students, upload the SSIDs in a file."})
    found = {s.ssid: s for s in case_students_for(actor, case).filter(ssid__in=wanted)}
    missing = [ssid for ssid in wanted if ssid not in found]
    if missing:
        raise ValidationError(
            {"ssids": [f"SSID {ssid}: not found, or not in your schools." for ssid in missing]}
        )
    catalog = rules_catalog()
    filing.check_incident(case, catalog)
    selected = set(case.students.filter(selected=True).values_list("student__ssid", flat=True))
    case.students.all().delete()
    rows = _decide_students(case, [found[ssid] for ssid in wanted], catalog, selected=selected)
    # The number of students is the coordinator's own answer (F-1 step 4); submission checks
    # it against the SSIDs, so it is only filled in here when it was never given.
    if case.student_count is None:
        case.student_count = len(rows)
    case.ssid_input_type = input_type
    case.save(update_fields=["student_count", "ssid_input_type", "updated_at"])
    _record(case, kind=CaseEventKind.UPDATED, actor=actor, detail=f"{len(rows)} SSIDs entered.")
    return rows


def _decide_students(
    case: Case, students: list[Student], catalog: RulesCatalog, *, selected: set[str]
) -> list[CaseStudent]:
    """Each student's decision now, as new rows (a fixed number of queries for 500 SSIDs)."""
    now = timezone.now()
    rows = [
        filing.case_student(case, found, decided_at=now, selected=found.student.ssid in selected)
        for found in filing.decisions_for(case, students, catalog, now=now)
    ]
    return CaseStudent.objects.bulk_create(rows)


@transaction.atomic
def case_select_students(*, case: Case, actor: User, ssids: Iterable[str]) -> Case:
    """F-1 step 6: which of the draft's appealable SSIDs get an appeal."""
    case = _locked(case)
    _require_draft(case)
    _require_filer(actor, case)
    wanted = set(ssids)
    rows = list(case.students.select_related("student"))
    unknown = wanted - {row.student.ssid for row in rows}
    if unknown:
        raise ValidationError({"selected": "Select only SSIDs of this case."})
    refused = sorted(
        row.student.ssid for row in rows if row.student.ssid in wanted and not row.appealable
    )
    if refused:
        messages = [f"SSID {ssid}: no appeal can be filed (see its reason)." for ssid in refused]
        raise ValidationError({"selected": messages})
    for row in rows:
        row.selected = row.student.ssid in wanted
    CaseStudent.objects.bulk_update(rows, ["selected"])
    _record(case, kind=CaseEventKind.UPDATED, actor=actor, detail=f"{len(wanted)} SSIDs selected.")
    return case


def _next_number(school_year: int) -> str:
    """The next case number of ``school_year``: one upsert that locks the year's counter row
    until this transaction ends, so racing submissions queue here and never share a number."""
    table = CaseNumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (school_year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (school_year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [school_year],
        )
        (number,) = cursor.fetchone()
    return f"{school_year}-{number:06d}"


def _check_submission(case: Case, now: datetime) -> None:
    """Every step again (issue 8, part 6): the draft may be days old."""
    errors: dict[str, list[str]] = {}
    if case.incident_date is None:
        errors.setdefault("incident_date", []).append("Give the date of the incident.")
    elif case.incident_date > dates.local_date(now):
        errors.setdefault("incident_date", []).append("The incident date cannot be in the future.")
    elif not window_is_open(lea=case.lea_id, program=case.program, on=case.incident_date):
        # F-8, C-4: incidents are reported within the LEA's testing window.
        errors.setdefault("incident_date", []).append(
            "The incident date is outside your LEA's testing window for this program."
        )
    if not case.test:
        errors.setdefault("test", []).append("Choose the test.")
    if case.grade is None:
        errors.setdefault("grade", []).append("Give the grade.")
    if not case.description:
        errors.setdefault("description", []).append("Describe the incident (F-4).")
    else:
        # F-4: no personal information, the names of the case's students included (they may
        # have been entered after the description was written).
        findings = find_personal_information(
            case.description, student_names=case_student_names(case)
        )
        if findings:
            # One line per kind and sentence: two names in one sentence are one thing to fix.
            errors["description"] = list(
                dict.fromkeys(
                    f"Remove personal information from the description: {found.message}."
                    for found in findings
                )
            )
    if not case.plan_of_action:
        errors.setdefault("plan_of_action", []).append("Give the plan of action.")
    breach = case.incident_type is not None and case.incident_type.severity == Severity.BREACH
    if breach and not case.breach_call_record:
        # S-3: a breach is phoned in first; the case records who was called and when.
        errors.setdefault("breach_call_record", []).append(
            "Record who you called about the breach, and when."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_submit(*, case: Case, actor: User) -> Case:
    """Submit a draft: one transaction (issue 8, part 6).

    Steps: lock the row and refuse anything but a draft (a double click or a second tab gets
    the already-submitted answer, not a second case); check the actor may file for the school
    and program (F-7); re-check every step (date not in the future and inside the LEA's
    window, F-8; the incident and its answers; a breach's call record, S-3); re-decide each
    SSID from its test event now and refuse if a selected SSID's decision changed since it was
    shown; number the case (per school year of the submission); set the late flag (S-5);
    file an appeal per selected SSID through `appeal_create` (A-1 decides its first status);
    set the case status from its appeals (`case_status_for`); timeline; queue the N-1 email.
    """
    case = _locked(case)
    if not case.is_draft:
        raise ValidationError(f"Case {case.number} was already submitted.", code="submitted")
    _require_filer(actor, case)
    now = timezone.now()
    _check_submission(case, now)
    catalog = rules_catalog()
    filing.check_incident(case, catalog)
    shown = list(case.students.select_related("student").order_by("pk"))
    if case.student_count is not None and case.student_count != len(shown) and shown:
        raise ValidationError(
            {"student_count": f"You gave {case.student_count} students and {len(shown)} SSIDs."}
        )
    selected = {row.student.ssid for row in shown if row.selected}
    shown_by_ssid = {row.student.ssid: row for row in shown}
    case.students.all().delete()
    fresh = _decide_students(case, [row.student for row in shown], catalog, selected=selected)
    changed = [
        row.student.ssid
        for row in fresh
        if row.student.ssid in selected
        and _decision_key(row) != _decision_key(shown_by_ssid[row.student.ssid])
    ]
    if changed:
        raise ValidationError(
            {
                "selected": [
                    f"SSID {ssid}: its eligibility changed since it was shown; review it before "
                    "submitting."
                    for ssid in changed
                ]
            }
        )

    school_year = dates.school_year_for(dates.local_date(now))
    case.number = _next_number(school_year)
    case.school_year = school_year
    case.submitted_at = now
    case.submitted_by = actor
    assert case.incident_date is not None
    case.late = filing.is_late(
        incident_date=case.incident_date, incident_time=case.incident_time, submitted_at=now
    )
    appeals = [
        appeal_create(
            case=case,
            student=row.student,
            test_event=row.test_event,
            appeal_type=row.appeal or None,
            reviewer=row.reviewer or None,
            rule=row.rule,
            reason=row.reason,
            manual_review=row.manual_review,
            actor=actor,
            received_at=now,
            dei_only=review.dei_only(incident=case.incident_type.code, rule=row.rule),
            notation=row.irregularity_notation,
        )
        for row in fresh
        if row.selected
    ]
    _record_notations(case, [row for row in fresh if not row.selected], actor, now)
    from_status = _move(case, transitions.case_status_for((a.status, a.reviewer) for a in appeals))
    case.save()
    if appeals:
        # Issue 9: the new appeals go to their team's reviewers by workload, right away.
        transaction.on_commit(_enqueue_assignment)
    _record(
        case,
        kind=CaseEventKind.SUBMITTED,
        actor=actor,
        from_status=from_status,
        detail=f"Submitted as case {case.number} with {len(appeals)} appeal(s)"
        + (", late (more than 24 hours after the incident)." if case.late else "."),
        at=now,
    )
    case_emails.queue_submission_email(case, actor, appeals)
    return case


def _record_notations(case: Case, rows: list[CaseStudent], actor: User, now: datetime) -> None:
    """D-1, S-2: an incident that records an irregularity notation but files no appeal for the
    SSID (the ELPAC validity incidents, C-2; a limit or a closed window that stopped the appeal)
    records it now, on the test's Score Status. An appeal's notation waits for its approval."""
    for row in rows:
        if row.irregularity_notation and row.test_event is not None:
            event_add_notation(
                event=row.test_event,
                actor=actor,
                text=f"Irregularity: {case.incident_type.label} (STAIRS case {case.number}).",
                reason="Recorded when the case was submitted (D-1).",
                reference=f"STAIRS case {case.number}",
                now=now,
            )


def _enqueue_assignment() -> None:
    from appeals.tasks import assign_appeals

    try:
        assign_appeals.delay()
    except Exception:  # the broker is down: the beat task assigns them within a minute
        logger.warning("Broker unavailable; the assignment task will pick the appeals up.")


def _decision_key(row: CaseStudent) -> tuple:
    return (row.appeal, row.reviewer, row.appealable, row.manual_review)


@transaction.atomic
def case_withdraw(*, case: Case, actor: User, reason: str) -> Case:
    """Withdraw a submitted case still waiting for decisions (the case page's withdraw).

    Steps: lock; check it waits (transition table) and the actor may file for it; withdraw its
    pending appeals (appeals service); the case then follows from its appeals (completed);
    timeline with the reason.
    """
    case = _locked(case)
    if case.status not in transitions.WITHDRAWABLE:
        raise ValidationError(
            f"A case that is {CaseStatus(case.status).in_sentence} cannot be withdrawn."
        )
    _require_filer(actor, case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the case is withdrawn."})
    withdrawn = appeal_withdraw_open(case=case, actor=actor, reason=reason)
    statuses = Appeal.objects.filter(case=case).values_list("status", "reviewer")
    from_status = _move(case, transitions.case_status_for(statuses))
    case.save(update_fields=["status", "updated_at"])
    _record(
        case,
        kind=CaseEventKind.WITHDRAWN,
        actor=actor,
        from_status=from_status,
        detail=f"Withdrawn; {len(withdrawn)} pending appeal(s) withdrawn.",
        reason=reason,
    )
    case_emails.queue_withdrawal_email(case, actor)
    return case


@transaction.atomic
def case_note_add(*, case: Case, actor: User, body: str) -> CaseNote:
    """Add a note to a case's Notes thread and email the case's people (N-2).

    Steps: lock; refuse an empty note; save; timeline; email the case's people
    (``case_emails.queue_note_email``: N-2, N-3), except the note's own author. The email names
    the case, not the note (which could be mistyped with personal information): the reader opens
    it in STAIRS.
    """
    case = _locked(case)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write the note."})
    note = CaseNote.objects.create(case=case, author=actor, body=body)
    _record(case, kind=CaseEventKind.NOTE_ADDED, actor=actor, detail="Note added.")
    case_emails.queue_note_email(case, note)
    return note


def case_follow_appeals(*, case_ids: list[int], actor: User | None, **_: Any) -> None:
    """A case's status follows its appeals (domain.md, "Case and appeal statuses"): the
    receiver of ``appeals.signals.appeals_changed``, run inside the appeals service's
    transaction, which already holds the cases' row locks.

    Steps, per case: its appeals' statuses and reviewers (one query for all the cases); the
    status they make (`case_status_for`); moved along the transition table and recorded when it
    changed.
    """
    if not case_ids:
        return
    pairs: dict[int, list[tuple[str, str]]] = {pk: [] for pk in case_ids}
    for case_id, status, reviewer in Appeal.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "status", "reviewer"
    ):
        pairs[case_id].append((status, reviewer))
    for case in Case.objects.select_for_update().filter(pk__in=case_ids).order_by("pk"):
        to_status = transitions.case_status_for(pairs[case.pk])
        if to_status == case.status:
            continue
        from_status = _move(case, to_status)
        case.save(update_fields=["status", "updated_at"])
        _record(
            case,
            kind=CaseEventKind.STATUS_CHANGED,
            actor=actor,
            from_status=from_status,
            detail=f"{CaseStatus(from_status).label} → {CaseStatus(to_status).label}, "
            "following its appeals.",
        )
        if to_status == CaseStatus.COMPLETED:
            case_emails.queue_processed_email(case)  # N-2: every appeal decided


@transaction.atomic
def case_appeal_resubmit(*, case: Case, appeal: Appeal, actor: User) -> Appeal:
    """Resubmit an appeal the system rejected, decided again on the test as it is now.

    Steps: lock; check the actor files for the case (F-7); decide the SSID again with the rules
    (the same `filing.decisions_for` the wizard uses, with the window now); refuse with the rules'
    reason when no appeal applies any more; else `appeals.decisions.appeal_resubmit` with the new
    decision (it checks the move, sets the new due date and recomputes the case status).
    """
    case = _locked(case)
    _require_filer(actor, case)
    if appeal.case_id != case.pk:
        raise ValidationError("This appeal belongs to another case.")
    # The move first: resubmitting an approved appeal is refused as such, before the rules run.
    if not action_allowed(Action.RESUBMIT, appeal.status):
        raise ValidationError(refusal(Action.RESUBMIT, appeal.status))
    catalog = rules_catalog()
    filing.check_incident(case, catalog)
    found = filing.decisions_for(case, [appeal.student], catalog, now=timezone.now())[0]
    decision = found.decision
    if not decision.appealable:
        raise ValidationError(
            f"SSID {appeal.student.ssid} cannot be appealed now: {decision.reason}"
        )
    return appeal_resubmit(
        appeal=appeal,
        actor=actor,
        appeal_type=decision.appeal,
        reviewer=decision.reviewer,
        rule=decision.rule,
        reason=decision.reason,
        manual_review=decision.manual_review,
        notation=decision.irregularity_notation,
    )
