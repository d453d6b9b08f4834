"""Demo students, test events and testing windows for the demo LEAs, 2026-27 administration.

About 200 students per school (the elementary schools K-8, the high schools 9-12) with the test
assignments of 002: Smarter Balanced in grades 3-8 and 11, CAST in 5, 8 and 12, the CAAs for a
few students with an IEP, CSA for some, Summative ELPAC for English learners and Initial ELPAC
for students whose status is to be determined, K-2 included.

Deterministic: one ``random.Random(SEED)`` draws everything in a fixed order, so the same SSIDs,
names, tests, statuses and question counts come out every time. Dates are counted back from the
day of seeding (kept inside the testing windows), so open tests have not expired yet and
expired ones have.

Idempotent: students are upserted by SSID; test events are created when missing and never
overwritten, because a demo may have changed them through appeals since. ``SHOWCASES`` plants,
in each LEA, students whose tests show the rules of domain.md (listed by ``seed`` on stdout).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, Program, User
from stairs.vocabulary import ALTERNATE_ASSESSMENTS, ELPAC_DOMAINS, AssessmentCode, PartCode
from students import dates, effects
from students.models import (
    AssessmentPart,
    ChangeKind,
    Delivery,
    EnglishLearnerStatus,
    Student,
    TestEvent,
    TestEventChange,
    TestingWindow,
    TestStatus,
)

SEED = 20262027
STUDENTS_PER_SCHOOL = 200

# (school CDS code, SSID prefix, grades served)
SCHOOLS = (
    ("99000016000001", "1", range(0, 9)),
    ("99000016000002", "2", range(9, 13)),
    ("99000026000001", "3", range(0, 9)),
    ("99000026000002", "4", range(9, 13)),
)
# (LEA CDS code, program, first day, last day) as (month, day) of the school year: a CAASPP
# window from August to June, the ELPAC window the whole school year.
WINDOW_DAYS = (
    ("99000010000000", Program.CAASPP, (8, 17), (6, 11)),
    ("99000010000000", Program.ELPAC, (7, 1), (6, 30)),
    ("99000020000000", Program.CAASPP, (8, 24), (6, 4)),
    ("99000020000000", Program.ELPAC, (7, 1), (6, 30)),
)
# A window stretches to hold the day of seeding with this much history and future around it,
# so the demo can file cases on any day it is seeded (a window's first day, June 30, ...).
WINDOW_HISTORY = timedelta(days=90)
WINDOW_FUTURE = timedelta(days=14)


@dataclass(frozen=True)
class Calendar:
    """The demo's dates, all counted from the moment of seeding."""

    @property
    def today(self) -> date:
        return dates.local_date(self.now)

    now: datetime
    school_year: int
    windows: tuple[tuple[str, str, date, date], ...]

    @property
    def earliest(self) -> date:
        """No demo test opens before every window of both LEAs has begun."""
        return max(start for _, _, start, _ in self.windows)


def calendar_for(now: datetime) -> Calendar:
    today = dates.local_date(now)
    year = dates.school_year_for(today)
    first, last = date(year, 7, 1), date(year + 1, 6, 30)

    def school_day(month: int, day: int) -> date:
        return date(year if month >= dates.SCHOOL_YEAR_FIRST_MONTH else year + 1, month, day)

    windows = tuple(
        (
            cds,
            program,
            max(first, min(school_day(*start), today - WINDOW_HISTORY)),
            min(last, max(school_day(*end), today + WINDOW_FUTURE)),
        )
        for cds, program, start, end in WINDOW_DAYS
    )
    return Calendar(now=now, school_year=year, windows=windows)


# Questions in a whole part or domain, for realistic counts.
LENGTH = {
    PartCode.NON_PT: 40,
    PartCode.PT: 6,
    "": 45,
    PartCode.LISTENING: 20,
    PartCode.SPEAKING: 10,
    PartCode.READING: 24,
}
LENGTH_DEFAULT = 8

FIRST = (  # noqa: SIM905
    "Maria Jose Sofia Daniel Emily Angel Camila Ethan Isabella Jacob Valeria Noah Ximena Liam "
    "Aaliyah Mateo Mia Diego Chloe Luis Hannah Kevin Priya Arjun Mai Minh Leilani Kai Fatima Omar "
    "Grace Samuel Lucia Adrian Zoe Elijah Ava Gabriel Nina Ryan Ana Christopher Hana Jin Olivia "
    "Benjamin Amara Tariq Rosa Miguel Layla Dylan Aiyana Carlos Esperanza Tomas Naomi Julian"
).split()
LAST = (  # noqa: SIM905
    "Garcia Hernandez Lopez Martinez Gonzalez Rodriguez Perez Sanchez Ramirez Torres Flores "
    "Nguyen Tran Kim Lee Chen Wang Patel Singh Johnson Smith Williams Brown Jones Davis Miller "
    "Wilson Anderson Thomas Jackson White Harris Martin Thompson Moore Young Allen King Wright "
    "Scott Reyes Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz Alvarez Mendoza Castillo Vargas "
    "Romero Herrera Medina Aguilar Pham Le Vu Hoang Yamamoto Tanaka Okafor Haddad Begay Kahale"
).split()


@dataclass(frozen=True)
class Planned:
    """One planned test event; ``age`` is days between opening and the day of seeding."""

    test: str
    part: str = ""
    status: str = TestStatus.NOT_STARTED
    questions: int | None = None
    delivery: str = Delivery.ONLINE
    dei: bool | None = None
    age: int | None = None
    then: str = ""  # a service to apply after creation: "reset", "invalidate", "notation"


@dataclass(frozen=True)
class Showcase:
    elementary: bool
    grade: int
    shows: str
    events: tuple[Planned, ...]
    iep: bool = False
    elas: str = EnglishLearnerStatus.EO


SHOWCASES = (
    Showcase(
        True,
        7,
        "A-RESET-9: fewer than 10 non-PT questions",
        (Planned(AssessmentCode.SB_MATH, PartCode.NON_PT, TestStatus.IN_PROGRESS, 4),),
    ),
    Showcase(
        True,
        7,
        "exactly 10 non-PT questions: CDE decides",
        (Planned(AssessmentCode.SB_MATH, PartCode.NON_PT, TestStatus.PAUSED, 10),),
    ),
    Showcase(
        True,
        6,
        "A-INVAL-1: more than 10 / exactly 1 PT",
        (
            Planned(AssessmentCode.SB_ELA, PartCode.NON_PT, TestStatus.SUBMITTED, 40),
            Planned(AssessmentCode.SB_ELA, PartCode.PT, TestStatus.IN_PROGRESS, 1),
        ),
    ),
    Showcase(
        True,
        5,
        "A-RESET-9 for CAST: 9 questions",
        (Planned(AssessmentCode.CAST, "", TestStatus.IN_PROGRESS, 9),),
    ),
    Showcase(
        True,
        4,
        "A-REOPEN-1: expired PT and non-PT",
        (
            Planned(AssessmentCode.SB_ELA, PartCode.PT, TestStatus.EXPIRED, 2, age=14),
            Planned(AssessmentCode.SB_ELA, PartCode.NON_PT, TestStatus.EXPIRED, 22, age=50),
        ),
    ),
    Showcase(
        True,
        3,
        "A-REOPEN-1: submitted by accident",
        (Planned(AssessmentCode.SB_MATH, PartCode.NON_PT, TestStatus.SUBMITTED, 12, age=3),),
    ),
    Showcase(
        True,
        8,
        "A-GPE-1: paused non-PT; a PT has no pause rule",
        (
            Planned(AssessmentCode.SB_ELA, PartCode.NON_PT, TestStatus.PAUSED, 15),
            Planned(AssessmentCode.SB_ELA, PartCode.PT, TestStatus.PAUSED, 1),
        ),
        iep=True,
    ),
    Showcase(
        True,
        4,
        "A-RESET-2/4: ELPAC limits, Speaking in the DEI",
        (
            Planned(AssessmentCode.SUMMATIVE_ELPAC, PartCode.LISTENING, TestStatus.IN_PROGRESS, 5),
            Planned(AssessmentCode.SUMMATIVE_ELPAC, PartCode.READING, TestStatus.IN_PROGRESS, 7),
            Planned(
                AssessmentCode.SUMMATIVE_ELPAC,
                PartCode.SPEAKING,
                TestStatus.SUBMITTED,
                10,
                dei=True,
            ),
            Planned(AssessmentCode.SUMMATIVE_ELPAC, PartCode.WRITING, TestStatus.PAUSED, 2),
        ),
        elas=EnglishLearnerStatus.EL,
    ),
    Showcase(
        True,
        2,
        "K-2 Writing scored in the DEI; no Rescore",
        (
            Planned(AssessmentCode.INITIAL_ELPAC, PartCode.LISTENING, TestStatus.IN_PROGRESS, 3),
            Planned(
                AssessmentCode.INITIAL_ELPAC, PartCode.WRITING, TestStatus.SUBMITTED, 6, dei=True
            ),
        ),
        elas=EnglishLearnerStatus.TBD,
    ),
    Showcase(
        True,
        6,
        "A-RESCORE-1 and a paused Reading domain",
        (
            Planned(AssessmentCode.INITIAL_ELPAC, PartCode.WRITING, TestStatus.SUBMITTED, 8),
            Planned(AssessmentCode.INITIAL_ELPAC, PartCode.READING, TestStatus.PAUSED, 11),
        ),
        elas=EnglishLearnerStatus.TBD,
    ),
    Showcase(
        True,
        5,
        "A-RESET-10 / A-REOPEN-3: paper test in the DEI",
        (
            Planned(
                AssessmentCode.SB_MATH,
                PartCode.NON_PT,
                TestStatus.SUBMITTED,
                38,
                Delivery.PAPER,
                True,
            ),
        ),
    ),
    Showcase(
        True,
        7,
        "A-RESTORE-1: reset by a Reset Appeal",
        (Planned(AssessmentCode.SB_ELA, PartCode.NON_PT, TestStatus.SUBMITTED, 41, then="reset"),),
    ),
    Showcase(
        False,
        11,
        "C-3: invalidated, cannot be re-opened",
        (
            Planned(
                AssessmentCode.SB_MATH, PartCode.NON_PT, TestStatus.SUBMITTED, 39, then="invalidate"
            ),
        ),
    ),
    Showcase(
        True,
        8,
        "A-RESET-5: CAA student; CAA ELA in the DEI",
        (
            Planned(AssessmentCode.CAA_ELA, "", TestStatus.IN_PROGRESS, 9, dei=True),
            Planned(AssessmentCode.CAA_MATH),
        ),
        iep=True,
    ),
    Showcase(
        False,
        10,
        "D-1: ELPAC notation on the Score Status tab",
        (
            Planned(
                AssessmentCode.SUMMATIVE_ELPAC,
                PartCode.READING,
                TestStatus.SUBMITTED,
                24,
                then="notation",
            ),
        ),
        elas=EnglishLearnerStatus.EL,
    ),
    Showcase(
        True,
        3,
        "A-RESET-8: no IEP/504, wrong translation support",
        (Planned(AssessmentCode.SB_ELA, PartCode.NON_PT, TestStatus.IN_PROGRESS, 3),),
    ),
)


class DemoDataError(RuntimeError):
    pass


def seed(*, stdout: Any = None, now: datetime | None = None) -> None:
    """Create or refresh the demo students, test events and testing windows, dated back from
    ``now`` (the clock by default)."""
    calendar = calendar_for(now or timezone.now())
    rng = random.Random(SEED)
    plans = [
        _plan_school(rng, cds, prefix, grades, calendar.school_year)
        for cds, prefix, grades in SCHOOLS
    ]
    with transaction.atomic():
        schools = _schools()
        _windows(calendar)
        parts = {
            (p.assessment.code, p.code): p
            for p in AssessmentPart.objects.select_related("assessment")
        }
        if not parts:
            raise DemoDataError("The assessment catalog is empty: run the migrations first.")
        students = _upsert_students(plans, schools)
        created = _create_events(plans, students, parts, calendar)
        _apply_showcase_effects(created)
    if stdout is not None:
        stdout.write(
            f"Demo students: {len(students)}; test events created: {len(created)}; "
            f"testing windows: {len(calendar.windows)}."
        )
        stdout.write("Demo students showing the rules (SSID: what):")
        for ssid, shows in _showcase_index():
            stdout.write(f"  {ssid}: {shows}")


# --- planning (no database: the same draws every time) ------------------------------------------


def _plan_school(
    rng: random.Random, cds: str, prefix: str, grades: range, school_year: int
) -> list[dict[str, Any]]:
    elementary = grades.start == 0
    showcases = [s for s in SHOWCASES if s.elementary == elementary]
    planned = []
    for index in range(1, STUDENTS_PER_SCHOOL + 1):
        showcase = showcases[index - 1] if index <= len(showcases) else None
        grade = showcase.grade if showcase else grades[(index - 1) % len(grades)]
        student = _student(rng, grade, school_year)
        student.update(ssid=f"{prefix}{index:09d}", school_cds=cds)
        if showcase:
            student.update(has_iep=showcase.iep, has_section_504=False)
            student.update(special_education_for_testing=showcase.iep)
            student["english_learner_status"] = showcase.elas
            events = list(showcase.events)
        else:
            events = _assignments(rng, student)
        planned.append({"student": student, "events": events})
    return planned


def _student(rng: random.Random, grade: int, school_year: int) -> dict[str, Any]:
    birth_year = school_year - grade - 6
    born = date(birth_year, 9, 2) + timedelta(days=rng.randrange(365))
    iep = rng.random() < 0.11
    elas = rng.choices(
        EnglishLearnerStatus.values,
        weights=[55, 8, 22 if grade <= 2 else 17, 0 if grade <= 2 else 12, 7 if grade <= 2 else 3],
    )[0]
    return {
        "first_name": rng.choice(FIRST),
        "middle_name": rng.choice(FIRST) if rng.random() < 0.3 else "",
        "last_name": rng.choice(LAST),
        "birth_date": born,
        "grade": grade,
        "has_iep": iep,
        "has_section_504": not iep and rng.random() < 0.04,
        "special_education_for_testing": iep,
        "english_learner_status": elas,
    }


def _assignments(rng: random.Random, student: dict[str, Any]) -> list[Planned]:
    """002's default test assignments, with statuses drawn per part."""
    grade, tests = student["grade"], []
    alternate = student["has_iep"] and rng.random() < 0.15
    if grade in (3, 4, 5, 6, 7, 8, 11):
        if alternate:
            tests += [(AssessmentCode.CAA_ELA, ""), (AssessmentCode.CAA_MATH, "")]
        else:
            tests += [
                (AssessmentCode.SB_ELA, PartCode.NON_PT),
                (AssessmentCode.SB_ELA, PartCode.PT),
                (AssessmentCode.SB_MATH, PartCode.NON_PT),
                (AssessmentCode.SB_MATH, PartCode.PT),
            ]
    if grade in (5, 8, 12):
        tests.append((AssessmentCode.CAA_SCIENCE if alternate else AssessmentCode.CAST, ""))
    if grade >= 3 and rng.random() < 0.04:
        tests.append((AssessmentCode.CSA, ""))
    elpac = {
        EnglishLearnerStatus.EL: AssessmentCode.SUMMATIVE_ELPAC,
        EnglishLearnerStatus.TBD: AssessmentCode.INITIAL_ELPAC,
    }
    if student["english_learner_status"] in elpac:
        test = elpac[student["english_learner_status"]]
        tests += [(test, d) for d in ELPAC_DOMAINS]
    paper = rng.random() < 0.03
    planned = []
    for test, part in tests:
        status = rng.choices(
            [
                TestStatus.NOT_STARTED,
                TestStatus.IN_PROGRESS,
                TestStatus.PAUSED,
                TestStatus.SUBMITTED,
                TestStatus.EXPIRED,
            ],
            weights=[23, 8, 8, 55, 6],
        )[0]
        length = LENGTH.get(part, LENGTH_DEFAULT)
        questions = length if status == TestStatus.SUBMITTED else rng.randrange(length)
        delivery = (
            Delivery.PAPER
            if paper and test not in ALTERNATE_ASSESSMENTS and test != AssessmentCode.CSA
            else Delivery.ONLINE
        )
        planned.append(Planned(test, part, status, questions, delivery, age=rng.randrange(1, 200)))
    return planned


# --- writing -------------------------------------------------------------------------------------


def _schools() -> dict[str, Organization]:
    codes = [cds for cds, _, _ in SCHOOLS]
    schools = {
        o.cds_code: o for o in Organization.objects.filter(kind="SCHOOL", cds_code__in=codes)
    }
    missing = sorted(set(codes) - set(schools))
    if missing:
        raise DemoDataError(
            f"Demo schools {', '.join(missing)} are missing: seed the organizations first "
            "(python manage.py seed_demo does)."
        )
    return schools


def _windows(calendar: Calendar) -> None:
    """One window per LEA and program for the school year of the day of seeding; seeding again
    later in the year moves it to hold the new day."""
    leas = {
        o.cds_code: o
        for o in Organization.objects.filter(
            kind="LEA", cds_code__in={w[0] for w in calendar.windows}
        )
    }
    first, last = date(calendar.school_year, 7, 1), date(calendar.school_year + 1, 6, 30)
    for cds, program, start, end in calendar.windows:
        TestingWindow.objects.filter(
            lea=leas[cds], program=program, start_date__range=(first, last)
        ).exclude(start_date=start).delete()
        TestingWindow.objects.update_or_create(
            lea=leas[cds], program=program, start_date=start, defaults={"end_date": end}
        )


def _upsert_students(
    plans: list[list[dict[str, Any]]], schools: dict[str, Organization]
) -> dict[str, Student]:
    wanted = {}
    for school_plan in plans:
        for item in school_plan:
            values = dict(item["student"])
            values["school_id"] = schools[values.pop("school_cds")].pk
            wanted[values["ssid"]] = values
    existing = {s.ssid: s for s in Student.objects.filter(ssid__in=wanted)}
    fields = [f for f in next(iter(wanted.values())) if f != "ssid"]
    new, changed = [], []
    for ssid, values in wanted.items():
        student = existing.get(ssid)
        if student is None:
            new.append(Student(**values))
        elif any(getattr(student, f) != values[f] for f in fields):
            for f in fields:
                setattr(student, f, values[f])
            changed.append(student)
    Student.objects.bulk_create(new)
    Student.objects.bulk_update(changed, [*fields, "updated_at"])
    return {s.ssid: s for s in Student.objects.filter(ssid__in=wanted)}


def _opened(calendar: Calendar, age: int, hour_seed: int) -> datetime:
    day = max(calendar.today - timedelta(days=age), calendar.earliest)
    hour, minute = 8 + hour_seed % 6, (hour_seed * 7) % 60
    # Never after the moment of seeding (on July 1 every test opens that morning).
    moment = datetime.combine(day, time(hour, minute), tzinfo=dates.PACIFIC)
    moment = min(moment, calendar.now - timedelta(minutes=1 + hour_seed % 30))
    return max(moment, datetime.combine(calendar.earliest, time.min, tzinfo=dates.PACIFIC))


def _create_events(
    plans: list[list[dict[str, Any]]],
    students: dict[str, Student],
    parts: dict[tuple[str, str], AssessmentPart],
    calendar: Calendar,
) -> list[tuple[TestEvent, str]]:
    existing = set(
        TestEvent.objects.filter(
            school_year=calendar.school_year, student__in=students.values()
        ).values_list("student_id", "part_id")
    )
    new: list[tuple[TestEvent, str]] = []
    for school_plan in plans:
        for item in school_plan:
            student = students[item["student"]["ssid"]]
            for n, plan in enumerate(item["events"]):
                part = parts[(plan.test, plan.part)]
                if (student.pk, part.pk) in existing:
                    continue
                event = TestEvent(
                    student=student,
                    part=part,
                    school_year=calendar.school_year,
                    grade=student.grade,
                    delivery=plan.delivery,
                )
                _set_state(event, plan, calendar, hour_seed=int(student.ssid[-3:]) + n)
                new.append((event, plan.then))
    TestEvent.objects.bulk_create([e for e, _ in new], batch_size=1000)
    now = timezone.now()
    TestEventChange.objects.bulk_create(
        [
            TestEventChange(
                test_event=e,
                at=now,
                kind=ChangeKind.IMPORTED,
                to_status=e.status,
                detail="Demo data.",
            )
            for e, _ in new
        ],
        batch_size=1000,
    )
    return new


def _set_state(event: TestEvent, plan: Planned, calendar: Calendar, hour_seed: int) -> None:
    """Dates consistent with the status on the day of seeding: open tests have not expired,
    expired ones have, nothing opened before its window or after today."""
    event.status = plan.status
    if plan.status == TestStatus.NOT_STARTED:
        return
    days = event.part.expiry_days if event.delivery == Delivery.ONLINE else None
    age = plan.age or 5
    if plan.status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED):
        age = 1 + age % max((days or 30) - 1, 1)
    elif plan.status == TestStatus.EXPIRED and days:
        age = days + 1 + age % 25
    elif plan.status == TestStatus.SUBMITTED:
        age = 1 + age % 60
    event.opened_at = _opened(calendar, age, hour_seed)
    event.expires_at = event.expiry_for(event.opened_at)
    expired = dates.is_expired(event.expires_at, calendar.now)
    if plan.status == TestStatus.EXPIRED and not expired:
        # Clamped to the window's start and still running: it is simply in progress.
        event.status = TestStatus.IN_PROGRESS
    elif plan.status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED) and expired:
        event.status = TestStatus.EXPIRED
    event.questions_completed = plan.questions if plan.questions is not None else 0
    if plan.status == TestStatus.SUBMITTED:
        delay = min(age - 1, (days or 30) - 1) if age > 1 else 0
        event.submitted_at = event.opened_at + timedelta(days=delay // 2, hours=1)
    uses_dei = event.delivery == Delivery.PAPER or event.grade in event.part.online_dei_grades
    event.dei_entries = (
        plan.dei if plan.dei is not None else uses_dei and event.questions_completed > 0
    )


def _demo_actor() -> User | None:
    return User.objects.filter(email="agent@caltac.example.org").first()


def _apply_showcase_effects(created: list[tuple[TestEvent, str]]) -> None:
    todo = [(e, then) for e, then in created if then]
    if not todo:
        return
    actor, reason = _demo_actor(), "Demo data: shows the rule on this student's profile."
    for event, then in todo:
        if then == "reset":
            effects.event_reset(event=event, actor=actor, reason=reason, reference="Demo")
        elif then == "invalidate":
            effects.event_invalidate(event=event, actor=actor, reason=reason, reference="Demo")
        elif then == "notation":
            effects.event_add_notation(
                event=event,
                actor=actor,
                text="Irregularity: a student used an electronic device during testing (C-2).",
                reason=reason,
                reference="Demo",
            )


def _showcase_index() -> list[tuple[str, str]]:
    rows = []
    for _cds, prefix, grades in SCHOOLS:
        showcases = [s for s in SHOWCASES if s.elementary == (grades.start == 0)]
        rows += [(f"{prefix}{i:09d}", s.shows) for i, s in enumerate(showcases, start=1)]
    return rows
