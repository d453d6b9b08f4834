"""What filing a STAIRS case checks, outside any one service: who may file where (F-7), the late
flag (S-5) and each SSID's test event and rules decision (issue 8, parts 4 and 6).

The wizard's pages (eligibility before submitting) and `case_submit` (the re-check) call the same
functions, so what a coordinator is shown is what is filed.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from accounts.access import scope_for
from accounts.models import ROLE_PROGRAM, Organization, OrganizationKind, Role, RoleGrant, User
from appeals.rules import RulesCatalog, SituationError, decide, parse_situation
from appeals.rules.catalog import WHOLE_TEST
from appeals.rules.decision import Decision, no_appeal
from incidents.case_models import Case, CaseStudent
from stairs.vocabulary import Delivery, Program, TestStatus
from students import dates
from students.models import AssessmentPart, Student, TestEvent
from students.queries import window_is_open

# A-RESTORE-1: "the LEA coordinator contacts CalTAC, which files the case on the LEA's behalf".
# The catalog's Restore incident is the one CalTAC files, and the only one.
CALTAC_INCIDENT: Final = "RESET_IN_ERROR"
NO_SCHOOL: Final = "You may not file cases for this school."


def filing_refusal(
    *, actor: User, school: Organization, program: str | None, incident: str | None = None
) -> str | None:
    """Why ``actor`` may not file a case for ``school`` in ``program``, or None (F-7).

    Coordinators of the program file for their school (site) or their LEA's schools (LEA);
    CalTAC files the Restore incident for any LEA; nobody else files (CDE reviews, test
    administrators go through their coordinator). ``program`` None asks "any program" (a draft
    before its test is chosen). The answer for a school outside the actor's scope is the
    generic one, so it reveals nothing about that school.
    """
    scope = scope_for(actor)
    if Role.CALTAC_AGENT in scope.roles:
        if incident not in (None, CALTAC_INCIDENT):
            return "CalTAC files only a Restore (a test reset in error) on an LEA's behalf."
        return None
    if incident == CALTAC_INCIDENT:
        return "A Restore is filed by CalTAC on the LEA's behalf: contact CalTAC."
    grants = RoleGrant.objects.filter(
        user=actor,
        role__in=list(ROLE_PROGRAM),
        organization_id__in=[school.pk, school.parent_id],
    ).values_list("role", flat=True)
    programs = {ROLE_PROGRAM[role] for role in grants}
    if not programs:
        return NO_SCHOOL
    if program is not None and program not in programs:
        return f"You may file only {', '.join(sorted(programs))} cases for this school."
    return None


def files_on_behalf(actor: User) -> bool:
    """Whether ``actor`` files as CalTAC, for an LEA (A-RESTORE-1), rather than as a coordinator."""
    return Role.CALTAC_AGENT in scope_for(actor).roles


def filing_programs(actor: User) -> set[str]:
    """The programs whose cases ``actor`` files (F-7): CAASPP roles CAASPP, ELPAC roles ELPAC;
    CalTAC both (a Restore of any test, A-RESTORE-1). Test administrators and CDE hold none."""
    if files_on_behalf(actor):
        return {program.value for program in Program}
    roles = RoleGrant.objects.filter(user=actor, role__in=list(ROLE_PROGRAM))
    return {ROLE_PROGRAM[role] for role in roles.values_list("role", flat=True)}


def filing_schools(actor: User) -> QuerySet[Organization]:
    """The schools ``actor`` files cases for (F-7): a site role its school, an LEA role its
    LEA's schools, CalTAC every school of every LEA (A-RESTORE-1); the same places
    `filing_refusal` accepts."""
    schools = Organization.objects.filter(kind=OrganizationKind.SCHOOL)
    if not files_on_behalf(actor):
        places = list(
            RoleGrant.objects.filter(user=actor, role__in=list(ROLE_PROGRAM)).values_list(
                "organization_id", flat=True
            )
        )
        schools = schools.filter(Q(pk__in=places) | Q(parent_id__in=places))
    return schools.select_related("parent").order_by("name", "pk")


def offers_incident(actor: User, code: str) -> bool:
    """Whether the wizard's list of testing issues shows ``code`` to ``actor``: CalTAC only the
    Restore incident, a coordinator every other one (F-7, A-RESTORE-1), so neither is ever
    offered an issue that `filing_refusal` would then refuse."""
    return (code == CALTAC_INCIDENT) == files_on_behalf(actor)


def case_refusal(*, actor: User, case: Case) -> str | None:
    """Why ``actor`` may not change ``case`` (continue the draft, delete it, withdraw it), or None:
    the one rule the wizard, the Students step and the case page's actions share.

    A case filed by CalTAC on an LEA's behalf stays CalTAC's to change; the LEA's coordinators
    read it as their own and contact CalTAC (A-RESTORE-1). An LEA's own case is never CalTAC's
    to change, even before its testing issue is chosen. Otherwise, who may file it (F-7).
    """
    caltac = files_on_behalf(actor)
    if case.filed_on_behalf and not caltac:
        return (
            "CalTAC filed this case on your LEA's behalf, so only CalTAC changes it. "
            "Contact CalTAC, or add a note to the case."
        )
    if caltac and not case.filed_on_behalf:
        return (
            "This is the LEA's own case. CalTAC reads it and adds notes; it files only a "
            "Restore on an LEA's behalf."
        )
    if case.school is None:
        return NO_SCHOOL
    return filing_refusal(
        actor=actor,
        school=case.school,
        program=case.program or None,
        incident=case.incident_type.code if case.incident_type else None,
    )


def may_file(*, actor: User, school: Organization, program: str | None) -> bool:
    return filing_refusal(actor=actor, school=school, program=program) is None


def is_late(*, incident_date: date, incident_time: time | None, submitted_at: datetime) -> bool:
    """S-5: submitted more than 24 hours after the incident (Pacific time). Without a time of
    day, the 24 hours are given the benefit of the doubt: late only after the end of the next
    calendar day, the last moment an incident late that day could still be on time."""
    if incident_time is None:
        return submitted_at > dates.end_of_local_day(incident_date + timedelta(days=1))
    happened = datetime.combine(incident_date, incident_time, tzinfo=dates.PACIFIC)
    # Elapsed hours, not wall-clock ones: across a daylight-saving change, 24 hours after
    # 11 p.m. is 10 p.m. or midnight on the clock. Aware arithmetic in one zone is wall-clock.
    return submitted_at > happened.astimezone(UTC) + timedelta(hours=24)


@dataclass(frozen=True)
class Eligibility:
    """One SSID's answer: its test event (None when it has none) and the rules' decision."""

    student: Student
    event: TestEvent | None
    decision: Decision


def check_incident(case: Case, catalog: RulesCatalog) -> None:
    """The case's own choices (test, part, incident, answers) as the rules take them; a
    `ValidationError` on the step's field when something is missing or no longer valid."""
    if case.incident_type is None:
        raise ValidationError({"incident_type": "Choose the testing issue."})
    if case.incident_type.not_stairs_incident:
        # F-9: a parent exemption after testing began is not a STAIRS incident.
        raise ValidationError(
            {"incident_type": f"{case.incident_type.label} is not a STAIRS incident."}
        )
    try:
        parse_situation(
            {
                "incident": case.incident_type.code,
                "test": case.test,
                "part": case.part or None,
                "grade": case.grade if case.grade is not None else 0,
                "delivery": case.delivery or Delivery.ONLINE,
                "answers": dict(case.answers),
            },
            catalog,
        )
    except SituationError as err:
        field = "answers" if err.field.startswith("answers") else err.field
        field = {"incident": "incident_type"}.get(field, field)
        raise ValidationError({field: err.message}) from err


def events_for(case: Case, students: Iterable[Student]) -> dict[int, TestEvent]:
    """Each student's test event for the case's test and part in the incident's school year,
    by student id, in one query (a case holds up to 500 SSIDs)."""
    if case.incident_date is None or not case.test:
        return {}
    events = TestEvent.objects.select_related("part__assessment").filter(
        student__in=[student.pk for student in students],
        part__assessment__code=case.test,
        part__code=case.part or "",
        school_year=dates.school_year_for(case.incident_date),
    )
    return {event.student_id: event for event in events}


def _situation(case: Case, student: Student, event: TestEvent, *, now: datetime) -> dict[str, Any]:
    assert case.incident_type is not None
    return {
        "incident": case.incident_type.code,
        "test": case.test,
        "part": case.part or None,
        "grade": event.grade,
        "delivery": event.delivery,
        "questions_completed": event.questions_completed,
        "iep_or_504": student.has_iep or student.has_section_504,
        "test_status": event.effective_status(now),
        "reset_by_appeal": event.reset_by_appeal,
        "answers": dict(case.answers),
    }


def eligibility(
    case: Case,
    student: Student,
    event: TestEvent | None,
    catalog: RulesCatalog,
    *,
    now: datetime,
    window_open: bool,
) -> Eligibility:
    """The rules' decision for one SSID of ``case`` and its ``event`` (from `events_for`) now.
    Call `check_incident` first: a problem of the case itself is not one SSID's."""
    if event is None:
        assessment = catalog.assessments.get(case.test)
        where = assessment.part_label(case.part or None) if assessment else case.test
        return Eligibility(
            student,
            None,
            no_appeal(
                "",
                f"No {where} test event for this student in this school year",
                advice="check the SSID, the test and the part",
            ),
        )
    raw = _situation(case, student, event, now=now)
    raw["within_window"] = window_open
    try:
        decision = decide(parse_situation(raw, catalog), catalog)
    except SituationError as err:
        # The student's own test does not fit the incident (say, taken on paper for an online
        # incident): no appeal for this SSID, and the reason says why.
        decision = no_appeal("", "No appeal for this test", advice=err.message)
    return Eligibility(student, event, decision)


def window_open(case: Case, now: datetime) -> bool:
    """C-4, A-3: an appeal is filed only while the LEA's window for the program is open."""
    return bool(case.program) and window_is_open(
        lea=case.lea_id, program=case.program, on=dates.local_date(now)
    )


def decisions_for(
    case: Case, students: list[Student], catalog: RulesCatalog, *, now: datetime
) -> list[Eligibility]:
    """Each student's test event and decision now, in the students' order, in a fixed number
    of queries whatever their number (the window, then the events). Saves nothing: the
    Students step's live preview and `case_set_students` both call it, so the preview shows
    what is saved. Call `check_incident` first."""
    is_open = window_open(case, now)
    events = events_for(case, students)
    return [
        eligibility(case, student, events.get(student.pk), catalog, now=now, window_open=is_open)
        for student in students
    ]


def case_student(
    case: Case, found: Eligibility, *, decided_at: datetime, selected: bool
) -> CaseStudent:
    """An unsaved `CaseStudent` row holding ``found`` as shown at ``decided_at``; ``selected``
    only sticks to an appealable SSID."""
    decision = found.decision
    return CaseStudent(
        case=case,
        student=found.student,
        test_event=found.event,
        appeal=decision.appeal or "",
        reviewer=decision.reviewer or "",
        appealable=decision.appealable,
        manual_review=decision.manual_review,
        irregularity_notation=decision.irregularity_notation,
        rule=decision.rule,
        reason=decision.reason,
        decided_at=decided_at,
        selected=decision.appealable and selected,
    )


def program_of(test: str) -> str:
    """The program of a test, from the catalog rows."""
    part = AssessmentPart.objects.select_related("assessment").filter(assessment__code=test).first()
    if part is None:
        raise ValidationError({"test": f"Unknown test {test!r}."})
    return Program(part.assessment.program)


# F-2: the situations `appeal_possible` puts to the rules for a draft. Every test status, with and
# without an IEP or 504 plan, reset by an appeal or not, inside the window; the question counts
# are 0, 1 and each side of every limit the catalog holds for the case's test and part.
_STATUSES: Final = tuple(TestStatus)


def _question_counts(case: Case, catalog: RulesCatalog) -> list[int]:
    counts = {0, 1}
    part = case.part or WHOLE_TEST
    for (_rule, test, limit_part), value in catalog.limits.items():
        if test == case.test and limit_part == part:
            counts |= {max(value - 1, 0), value, value + 1}
    return sorted(counts)


def appeal_possible(case: Case, catalog: RulesCatalog) -> bool:
    """Could any student get an appeal (one to file, or CDE deciding by hand) for this draft's
    incident, test, part, delivery, grade and answers? (F-2: without one, the Students and Select
    steps are skipped.)

    Asked of the pure rules over representative student situations, never a list of codes, so a
    catalog edit or a new rule changes the wizard by itself. Before the incident and its answers
    are complete nothing is known: every step stays.
    """
    incident = case.incident_type
    if incident is None or not case.test:
        return True
    if incident.not_stairs_incident:
        return False  # F-9: nothing is filed at all
    assessment = catalog.assessments.get(case.test)
    if assessment is None:
        return True
    grades = [case.grade] if case.grade is not None else sorted(assessment.grades)
    try:
        base = parse_situation(
            {
                "incident": incident.code,
                "test": case.test,
                "part": case.part or None,
                "grade": grades[0] if grades else 0,
                "delivery": case.delivery or Delivery.ONLINE,
                "answers": dict(case.answers),
            },
            catalog,
        )
    except SituationError:
        return True  # an answer is missing: the details step asks for it first
    combinations = itertools.product(
        grades, _STATUSES, _question_counts(case, catalog), (False, True), (False, True)
    )
    for grade, status, count, iep, reset in combinations:
        situation = dataclasses.replace(
            base,
            grade=grade,
            test_status=status,
            questions_completed=count,
            iep_or_504=iep,
            reset_by_appeal=reset,
            within_window=True,
        )
        if decide(situation, catalog).appealable:
            return True
    return False
