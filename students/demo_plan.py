"""The demo's plan: which students, tests and dates ``students.demo`` writes. Pure and
deterministic: one ``random.Random(SEED)`` draws everything in a fixed order, so the same SSIDs,
names, tests, statuses and question counts come out every time; dates come from a ``Calendar``
counted from the moment of seeding.

About 200 students per school (the elementary schools K-8, the high schools 9-12) with the test
assignments of 002: Smarter Balanced in grades 3-8 and 11, CAST in 5, 8 and 12, the CAAs for a
few students with an IEP, CSA for some, Summative ELPAC for English learners and Initial ELPAC
for students whose status is to be determined, K-2 included. ``SHOWCASES`` plants, in each LEA,
students whose tests show the rules of domain.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from accounts.models import Program
from stairs.sample_data import QUESTIONS_OTHERWISE, QUESTIONS_PER_PART
from stairs.vocabulary import ALTERNATE_ASSESSMENTS, ELPAC_DOMAINS, AssessmentCode, PartCode
from students import dates
from students.models import Delivery, EnglishLearnerStatus, TestStatus

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


def plan_school(
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
        length = QUESTIONS_PER_PART.get(part, QUESTIONS_OTHERWISE)
        questions = length if status == TestStatus.SUBMITTED else rng.randrange(length)
        delivery = (
            Delivery.PAPER
            if paper and test not in ALTERNATE_ASSESSMENTS and test != AssessmentCode.CSA
            else Delivery.ONLINE
        )
        planned.append(Planned(test, part, status, questions, delivery, age=rng.randrange(1, 200)))
    return planned


def showcase_index() -> list[tuple[str, str]]:
    rows = []
    for _cds, prefix, grades in SCHOOLS:
        showcases = [s for s in SHOWCASES if s.elementary == (grades.start == 0)]
        rows += [(f"{prefix}{i:09d}", s.shows) for i, s in enumerate(showcases, start=1)]
    return rows
