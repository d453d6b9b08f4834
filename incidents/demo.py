"""Demo STAIRS cases for the two demo LEAs (issue 8, part 10): one of each way a case is filed.

- No appeal: a student disruption, an impropriety that goes from the follow-up questions
  straight to Confirm Details (F-2, S-1); submitted, completed.
- Typed SSIDs with appeals to CalTAC: tests submitted by accident, Re-open (A-REOPEN-1).
- An uploaded list (F-3): 11 or more SSIDs read from a CSV through ``read_ssid_file``, as the
  upload step does, and the appealable ones selected.
- A manual CDE review: nonallowable materials on a non-PT with exactly 10 questions completed,
  the gap between A-RESET-9 and A-INVAL-1, next to a student under the limit (Reset).
- A breach (S-3): secure materials posted on social media by students, with the record of the
  call to CDE; Invalidate appeals for CDE (A-INVAL-1).
- A Restore filed by CalTAC on the LEA's behalf (A-RESTORE-1), pending CDE approval (A-1).
- A late case (S-5) and drafts at several steps (F-5), listed in Search STAIRS.

Everything goes through incidents/services.py, as the wizard does, on the students of
``students.demo`` (their SSIDs and tests are planned, so the same students are found every
time). Dates follow the day of seeding like the students' own: the incident is today (never
late: with no time of day a case is late only after the end of the next day) or three days ago
for the late case, always inside the testing windows that ``students.demo`` stretched around
today.

Idempotent: a demo case is found again by its school and its description, which is unique to
it; a case already there is left as it is (a trial may have moved it on), a missing one is
filed. Running ``seed_demo`` twice therefore gives the same cases and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from appeals.decisions import appeal_approve, appeal_reject
from incidents import services
from incidents.case_models import Case
from incidents.models import IncidentType
from incidents.ssid_files import read_ssid_file
from stairs.vocabulary import SsidInputType
from students import dates
from students.demo_plan import calendar_for
from students.models import Student, TestEvent, TestStatus

LR_ELEM, LR_HIGH = "99000016000001", "99000016000002"
HV_ELEM, HV_HIGH = "99000026000001", "99000026000002"
SITE_CAASPP_LR = "site.caaspp@losrobles.example.org"
LEA_CAASPP_LR = "lea.caaspp@losrobles.example.org"
LEA_CAASPP_HV = "lea.caaspp@harborview.example.org"
CALTAC = "agent@caltac.example.org"
CDE_REVIEWER = "reviewer@cde.example.org"


class DemoCaseError(RuntimeError):
    pass


@dataclass(frozen=True)
class Pick:
    """Students of a demo case found by their test: the first ``count`` students (by SSID) of the
    school in ``grade`` whose event for the case's test and part has one of ``statuses``, besides
    the case's typed ``ssids``."""

    grade: int
    statuses: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class DemoDecision:
    """A reviewer's decision on one appeal of a demo case (issue 9), taken through the review
    services right after the case is filed: the ``index``-th appeal by SSID."""

    reviewer: str  # email of the demo reviewer
    action: str  # "approve" or "reject"
    reason: str
    index: int = 0


@dataclass(frozen=True)
class DemoCase:
    school: str  # CDS code
    filer: str  # email of the demo user who files it
    description: str  # unique per demo case: how the demo finds it again
    incident: str
    test: str
    part: str
    grade: int
    plan_of_action: str
    answers: dict[str, Any] = field(default_factory=dict)
    ssids: tuple[str, ...] = ()  # typed SSIDs (showcase students of students.demo_plan)
    pick: Pick | None = None  # or students found by their test
    upload: bool = False  # the SSIDs come from a CSV file (F-3)
    select_appealable: bool = True
    breach_call_record: str = ""
    comment: str = ""
    days_ago: int = 0
    submit: bool = True
    decisions: tuple[DemoDecision, ...] = ()
    shows: str = ""


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        school=LR_ELEM,
        filer=SITE_CAASPP_LR,
        description=(
            "A fire alarm in the next building distracted the grade 4 class for about five "
            "minutes during the ELA session; testing resumed with no lost time."
        ),
        incident="STUDENT_DISRUPTION",
        test="SB_ELA",
        part="NON_PT",
        grade=4,
        plan_of_action="Test administrators will close the windows during testing sessions.",
        shows="No appeal: an impropriety goes straight to Confirm Details (F-2)",
    ),
    DemoCase(
        school=LR_ELEM,
        filer=LEA_CAASPP_LR,
        description=(
            "Two grade 3 students clicked Submit on the Math test before answering every "
            "question; the test administrator noticed when the session ended."
        ),
        incident="SUBMITTED_EARLY",
        test="SB_MATH",
        part="NON_PT",
        grade=3,
        ssids=("1000000006",),
        pick=Pick(3, (TestStatus.SUBMITTED,), 1),
        plan_of_action="Test administrators will remind students to review before submitting.",
        shows="Typed SSIDs, Re-open appeals for CalTAC (A-REOPEN-1)",
    ),
    DemoCase(
        school=LR_ELEM,
        filer=LEA_CAASPP_LR,
        description=(
            "A substitute allowed a multiplication table on the desks of a grade 7 Math "
            "session; it was removed when the coordinator visited the room."
        ),
        incident="NONALLOWABLE_MATERIALS",
        test="SB_MATH",
        part="NON_PT",
        grade=7,
        ssids=("1000000001", "1000000002"),
        plan_of_action="Substitutes receive the test administration checklist before testing.",
        comment="One student had completed exactly 10 questions: CDE decides that one.",
        shows="Manual CDE review: exactly 10 non-PT questions (A-RESET-9 / A-INVAL-1 gap)",
    ),
    DemoCase(
        school=LR_HIGH,
        filer=LEA_CAASPP_LR,
        description=(
            "Photos of Math test questions were posted on a social media account by students "
            "of grade 11; the posts were reported to the platform and removed the same day."
        ),
        incident="SOCIAL_MEDIA_STUDENT",
        test="SB_MATH",
        part="NON_PT",
        grade=11,
        pick=Pick(11, (TestStatus.SUBMITTED,), 2),
        breach_call_record=(
            "Called the CDE Assessment Development and Administration Division at 8:40 a.m. "
            "and CalTAC at 8:55 a.m., before filing."
        ),
        plan_of_action="Phones are collected at the door of every testing room.",
        decisions=(
            DemoDecision(
                CDE_REVIEWER,
                "reject",
                "The account that posted the photos does not belong to this student; the "
                "school's investigation found no sign that the student shared test content.",
            ),
        ),
        shows="Breach (S-3) with its call record; Invalidate appeals for CDE (A-INVAL-1), one "
        "rejected by CDE with its reason",
    ),
    DemoCase(
        school=LR_ELEM,
        filer=SITE_CAASPP_LR,
        description=(
            "A student in grade 6 may have seen answers on a neighbour's screen during the "
            "ELA session; the coordinator is still interviewing the test administrator."
        ),
        incident="CHEATING",
        test="SB_ELA",
        part="NON_PT",
        grade=6,
        plan_of_action="Seating charts with spacing for the next sessions.",
        submit=False,
        shows="Draft saved after the follow-up questions (F-5)",
    ),
    DemoCase(
        school=HV_ELEM,
        filer=LEA_CAASPP_HV,
        description=(
            "The network went down for the whole elementary campus during the Math session; "
            "several grade 5 students submitted before the session could be paused."
        ),
        incident="SUBMITTED_EARLY",
        test="SB_MATH",
        part="NON_PT",
        grade=5,
        pick=Pick(5, (TestStatus.SUBMITTED, TestStatus.NOT_STARTED), 14),
        upload=True,
        plan_of_action="The district will schedule testing away from network maintenance.",
        decisions=(
            DemoDecision(CALTAC, "approve", "The network outage is confirmed by the district."),
            DemoDecision(
                CALTAC, "approve", "The network outage is confirmed by the district.", index=1
            ),
        ),
        shows="Uploaded list of 11+ SSIDs (F-3), the appealable ones selected; two Re-opens "
        "approved by CalTAC",
    ),
    DemoCase(
        school=HV_ELEM,
        filer=CALTAC,
        description=(
            "The LEA coordinator asked CalTAC to restore a grade 7 ELA test that was reset by "
            "mistake: the reset appeal named the wrong test."
        ),
        incident="RESET_IN_ERROR",
        test="SB_ELA",
        part="NON_PT",
        grade=7,
        ssids=("3000000012",),
        plan_of_action="The coordinator double-checks the test named in each reset request.",
        shows="Restore filed by CalTAC on the LEA's behalf, pending CDE approval (A-RESTORE-1)",
    ),
    DemoCase(
        school=HV_HIGH,
        filer=LEA_CAASPP_HV,
        description=(
            "Test administrators shared one sign-in during the grade 11 ELA session; found "
            "in the weekly review of the session logs."
        ),
        incident="ADMINISTRATION_ERROR",
        test="SB_ELA",
        part="NON_PT",
        grade=11,
        days_ago=3,
        plan_of_action="Each test administrator signs in with their own account.",
        shows="Late case: submitted more than 24 hours after the incident (S-5)",
    ),
    DemoCase(
        school=HV_ELEM,
        filer=LEA_CAASPP_HV,
        description=(
            "Grade 5 students could not finish the Math test before it expired because the "
            "school closed for two days after a storm."
        ),
        incident="TEST_EXPIRED",
        test="SB_MATH",
        part="NON_PT",
        grade=5,
        answers={"cause": "SCHOOL_CLOSURE"},
        pick=Pick(5, (TestStatus.EXPIRED, TestStatus.IN_PROGRESS, TestStatus.PAUSED), 3),
        plan_of_action="Make-up sessions are planned for the week after the closure.",
        submit=False,
        shows="Draft with its SSIDs entered, waiting for the selection (F-5)",
    ),
)


def seed(*, stdout: Any = None) -> list[Case]:
    """File the demo cases that are missing; returns every demo case, in ``CASES`` order."""
    today = dates.local_date(timezone.now())
    calendar = calendar_for(timezone.now())
    cases = []
    filed = 0
    with transaction.atomic():
        for spec in CASES:
            existing = Case.objects.filter(
                school__cds_code=spec.school, description=spec.description
            ).first()
            if existing is None:
                existing = _file(spec, _incident_day(spec, today, calendar.earliest))
                filed += 1
            cases.append(existing)
    if stdout is not None:
        stdout.write(f"Demo STAIRS cases: {len(cases)} ({filed} filed now).")
        for spec, case in zip(CASES, cases, strict=True):
            stdout.write(f"  {case.number or 'draft'}: {spec.shows}")
    return cases


def _incident_day(spec: DemoCase, today: date, earliest: date) -> date:
    """``days_ago`` before today, but never before the day every demo window has begun."""
    return max(today - timedelta(days=spec.days_ago), earliest)


def _file(spec: DemoCase, incident_date: date) -> Case:
    actor = User.objects.filter(email=spec.filer).first()
    school = Organization.objects.filter(kind="SCHOOL", cds_code=spec.school).first()
    incident = IncidentType.objects.filter(code=spec.incident).first()
    if actor is None or school is None or incident is None:
        raise DemoCaseError(
            f"Demo case at {spec.school}: seed the organizations, users and incident catalog "
            "first (python manage.py seed_demo does)."
        )
    case = services.case_create_draft(
        actor=actor,
        school=school,
        incident_date=incident_date,
        grade=spec.grade,
        test=spec.test,
        part=spec.part,
        delivery="ONLINE",
        incident_type=incident,
        answers=spec.answers,
        breach_call_record=spec.breach_call_record,
        description=spec.description,
        plan_of_action=spec.plan_of_action,
        comment=spec.comment,
    )
    ssids = _ssids(spec, school, incident_date)
    if ssids:
        input_type = SsidInputType.TYPED
        if spec.upload:
            ssids, input_type = _uploaded(ssids), SsidInputType.UPLOAD
        services.case_update_draft(
            case=case, actor=actor, student_count=len(ssids), ssid_input_type=input_type
        )
        rows = services.case_set_students(
            case=case, actor=actor, ssids=ssids, input_type=input_type
        )
        if spec.submit and spec.select_appealable:
            chosen = [row.student.ssid for row in rows if row.appealable]
            services.case_select_students(case=case, actor=actor, ssids=chosen)
    if spec.submit:
        case = services.case_submit(case=case, actor=actor)
        _decide(case, spec.decisions)
    return case


def _decide(case: Case, decisions: tuple[DemoDecision, ...]) -> None:
    """Take the demo reviewers' decisions through the review services, as the queue does."""
    appeals = list(case.appeals.order_by("student__ssid"))
    for decision in decisions:
        reviewer = User.objects.get(email=decision.reviewer)
        appeal = appeals[decision.index]
        if decision.action == "approve":
            appeal_approve(appeal=appeal, actor=reviewer, reason=decision.reason)
        else:
            appeal_reject(appeal=appeal, actor=reviewer, reason=decision.reason)
    case.refresh_from_db()


def _ssids(spec: DemoCase, school: Organization, incident_date: date) -> list[str]:
    ssids = list(spec.ssids)
    if spec.pick is not None:
        events = TestEvent.objects.filter(
            student__school=school,
            student__grade=spec.pick.grade,
            school_year=dates.school_year_for(incident_date),
            part__assessment__code=spec.test,
            part__code=spec.part,
            status__in=spec.pick.statuses,
        ).exclude(student__ssid__in=ssids)
        picked = events.order_by("student__ssid").values_list("student__ssid", flat=True)
        found = list(picked[: spec.pick.count])
        if len(found) < spec.pick.count:
            raise DemoCaseError(
                f"Demo case at {spec.school}: fewer than {spec.pick.count} demo students fit "
                "it; seed the demo students first."
            )
        ssids += found
    known = set(
        Student.objects.filter(school=school, ssid__in=ssids).values_list("ssid", flat=True)
    )
    if set(ssids) - known:
        raise DemoCaseError(
            f"Demo case at {spec.school}: the demo students are missing; seed them first."
        )
    return ssids


def _uploaded(ssids: list[str]) -> list[str]:
    """The SSIDs as the upload step reads them from the coordinator's CSV (F-3)."""
    data = ("SSID\r\n" + "".join(f"{ssid}\r\n" for ssid in ssids)).encode()
    found = read_ssid_file(data, filename="demo-ssids.csv")
    if not found.is_clean:
        raise DemoCaseError(f"Demo SSID file refused: {found.problems}")
    return list(found.ssids)
