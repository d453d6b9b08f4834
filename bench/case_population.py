"""The benchmark's STAIRS cases: 150,000 cases of the 2026-27 school year with 400,000 case
students, an appeal per selected case student and a timeline row per case, drawn by
``CaseGenerator`` from one ``random.Random(CASE_SEED)`` in a fixed order. Pure: no Django, no
database; ``bench/generate.py`` reads the students it needs and writes the rows with COPY.

Shape:
- Cases per school in proportion to its students (the big LEA files 10% of them).
- Statuses as a busy autumn leaves them: 5% drafts, 55% completed (a third of them improprieties
  with no appeal, F-2), the rest waiting for CalTAC or CDE, some partly decided.
- Students per case: one for most, a handful often, 11 to 40 (an upload, F-3) for some, up to
  500 for a few; exactly ``case_students`` in all. The students of a case are distinct students
  of its school in its grade; the test event is linked afterwards by generate.py (the student's
  event of the case's test and part, when they have one).
- Each appeal follows the incident's outcome in domain.md's catalog (Reset and Re-open for
  CalTAC, Invalidate and Grace Period Extension for CDE, the latter pending approval, A-1), and
  its status follows the case's (``incidents.transitions.case_status_for``).
- Case numbers YYYY-NNNNNN in order of submission; drafts have none.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from appeals.business_days import appeal_due_at
from bench.population import BENCH_EMAIL_DOMAIN, BIG_LEA_ID, DATA_DAY
from students.dates import PACIFIC

CASE_VERSION = 2  # bump when the shape changes: the cases are then generated again
CASE_SEED = 20261201
DEFAULT_CASES = 150_000
DEFAULT_CASE_STUDENTS = 400_000
SCHOOL_YEAR = 2026
FIRST_INCIDENT_DAY = date(2026, 8, 24)  # every bench LEA's CAASPP window is open from 08-17
LAST_INCIDENT_DAY = DATA_DAY
FILER_ID_BASE = 1000  # user id of the filer of LEA n: FILER_ID_BASE + n; the big LEA's is user 1
SB_GRADES = (3, 4, 5, 6, 7, 8, 11)

# (status, weight in percent)
STATUSES = (
    ("DRAFT", 5),
    ("COMPLETED", 55),
    ("PENDING_CALTAC_APPROVAL", 20),
    ("PENDING_CDE_APPROVAL", 12),
    ("PARTIAL_CALTAC_APPROVAL", 4),
    ("PARTIAL_CDE_APPROVAL", 4),
)


@dataclass(frozen=True)
class Incident:
    code: str
    appeal: str  # "" for no appeal
    reviewer: str
    rule: str
    reason: str
    answers: str = "{}"  # jsonb text
    breach: bool = False
    non_pt_only: bool = False


NO_APPEAL = (
    Incident("STUDENT_DISRUPTION", "", "", "", ""),
    Incident("ADMINISTRATION_ERROR", "", "", "", ""),
)
CALTAC_INCIDENTS = (
    Incident("SUBMITTED_EARLY", "REOPEN", "CALTAC", "A-REOPEN-1", "Submitted before finishing"),
    Incident("INCORRECT_SSID", "RESET", "CALTAC", "A-RESET-7", "Tested under another SSID"),
    Incident("RESOURCE_SETTING", "RESET", "CALTAC", "A-RESET-1", "Accommodation set wrongly"),
    Incident(
        "NONALLOWABLE_MATERIALS",
        "RESET",
        "CALTAC",
        "A-RESET-9",
        "Fewer than 10 non-PT questions completed",
        non_pt_only=True,
    ),
)
CDE_INCIDENTS = (
    Incident("CHEATING", "INVALIDATE", "CDE", "A-INVAL-1", "Students shared answers"),
    Incident("ELECTRONIC_DEVICE", "INVALIDATE", "CDE", "A-INVAL-1", "A phone was used"),
    Incident(
        "TECHNICAL_DISRUPTION",
        "GRACE_PERIOD_EXTENSION",
        "CDE",
        "A-GPE-1",
        "The pause rule expired during an outage",
        answers='{"pause_expired": true, "student_break": false}',
        non_pt_only=True,
    ),
    Incident(
        "SOCIAL_MEDIA_STUDENT",
        "INVALIDATE",
        "CDE",
        "A-INVAL-1",
        "Test content posted on social media",
        breach=True,
    ),
)
DESCRIPTIONS = {
    "STUDENT_DISRUPTION": "A student's behavior interrupted the session for a few minutes.",
    "ADMINISTRATION_ERROR": "The session started late because the room was not prepared.",
    "SUBMITTED_EARLY": "Students clicked Submit before answering every question.",
    "INCORRECT_SSID": "Two students were signed in with each other's SSID.",
    "RESOURCE_SETTING": "A prescribed accommodation was not set before testing.",
    "NONALLOWABLE_MATERIALS": "A reference sheet that is not allowed was on the desks.",
    "CHEATING": "Students were seen comparing answers during the session.",
    "ELECTRONIC_DEVICE": "A phone was found in use during the session.",
    "TECHNICAL_DISRUPTION": "The network went down for the whole campus mid-session.",
    "SOCIAL_MEDIA_STUDENT": "A photo of a test question was posted on social media.",
}
PLAN = "Test administrators reviewed the procedures with the site coordinator."
CALL = "Called the CDE and CalTAC before filing."
# Students of a case: (smallest, largest, weight in per mille) of the cases that have any.
SIZES = ((1, 1, 580), (2, 5, 320), (6, 10, 65), (11, 40, 30), (41, 200, 4.5), (201, 500, 0.5))
DECIDED = (("APPROVED", 85), ("REJECTED", 10), ("WITHDRAWN", 5))

CASE_COLUMNS = (
    "id",
    "number",
    "status",
    "incident_date",
    "incident_time",
    "grade",
    "program",
    "test",
    "part",
    "delivery",
    "answers",
    "breach_call_record",
    "student_count",
    "ssid_input_type",
    "description",
    "plan_of_action",
    "comment",
    "late",
    "filed_on_behalf",
    "school_year",
    "created_at",
    "updated_at",
    "submitted_at",
    "created_by_id",
    "incident_type_id",
    "lea_id",
    "school_id",
    "submitted_by_id",
)
CASE_STUDENT_COLUMNS = (
    "case_id",
    "student_id",
    "appeal",
    "reviewer",
    "appealable",
    "manual_review",
    "irregularity_notation",
    "rule",
    "reason",
    "decided_at",
    "selected",
    "added_at",
)
APPEAL_COLUMNS = (
    "case_id",
    "student_id",
    "appeal_type",
    "reviewer",
    "status",
    "manual_review",
    "rule",
    "reason",
    "received_at",
    "due_at",
    "created_at",
    "updated_at",
)
CASE_EVENT_COLUMNS = (
    "case_id",
    "actor_id",
    "at",
    "kind",
    "from_status",
    "to_status",
    "detail",
    "reason",
)


@dataclass(frozen=True)
class School:
    id: int
    lea_id: int
    students: dict[int, list[int]]  # grade -> student ids, for the Smarter Balanced grades

    @property
    def size(self) -> int:
        return sum(len(ids) for ids in self.students.values())


@dataclass
class Cases:
    """The rows, each a tuple in its COPY columns' order."""

    cases: list[tuple]
    case_students: list[tuple]
    appeals: list[tuple]
    case_events: list[tuple]
    users: list[tuple]  # (id, email, full_name, lea_id): one filer per LEA but the big one
    last_number: int


def filer_for(lea_id: int) -> int:
    return 1 if lea_id == BIG_LEA_ID else FILER_ID_BASE + lea_id


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(sep=" ")


def _due_on(received: datetime, cache: dict[date, str]) -> str:
    """The stored due moment of an appeal received at ``received`` (A-2, as appeal_create
    computes it; the bench has no closure days): computed once per day of receipt."""
    day = received.astimezone(PACIFIC).date()
    if day not in cache:
        cache[day] = _ts(appeal_due_at(received))
    return cache[day]


class CaseGenerator:
    def __init__(
        self,
        schools: list[School],
        incident_ids: dict[str, int],
        *,
        cases: int = DEFAULT_CASES,
        case_students: int = DEFAULT_CASE_STUDENTS,
    ) -> None:
        self.rng = random.Random(CASE_SEED)
        self.schools = [s for s in schools if s.students]
        self.school_cum = list(itertools.accumulate(s.size for s in self.schools))
        self.incident_ids = incident_ids
        self.total_cases = cases
        self.total_students = case_students
        self.days = (LAST_INCIDENT_DAY - FIRST_INCIDENT_DAY).days + 1

    def _pick(self, table):
        weights = list(itertools.accumulate(w for *_, w in table))
        return table[bisect.bisect(weights, self.rng.random() * weights[-1])]

    def generate(self) -> Cases:
        rng = self.rng
        plans = []  # (status, school, grade, incident, test, part, wants students)
        for _ in range(self.total_cases):
            status = self._pick(STATUSES)[0]
            school = self.schools[
                bisect.bisect(self.school_cum, rng.random() * self.school_cum[-1])
            ]
            grade = rng.choice(sorted(school.students))
            if status == "DRAFT":
                incident = rng.choice(NO_APPEAL + CALTAC_INCIDENTS + CDE_INCIDENTS)
            elif status == "COMPLETED":
                pool = (
                    NO_APPEAL
                    if rng.random() < 1 / 3
                    else rng.choice((CALTAC_INCIDENTS, CDE_INCIDENTS))
                )
                incident = rng.choice(pool)
            elif "CALTAC" in status:
                incident = rng.choice(CALTAC_INCIDENTS)
            else:
                incident = rng.choice(CDE_INCIDENTS)
            test = rng.choice(("SB_ELA", "SB_MATH"))
            part = "NON_PT" if incident.non_pt_only or rng.random() < 0.8 else "PT"
            wants = bool(incident.appeal) and (status != "DRAFT" or rng.random() < 0.5)
            plans.append((status, school, grade, incident, test, part, wants))
        sizes = self._sizes(plans)
        return self._rows(plans, sizes)

    def _sizes(self, plans) -> list[int]:
        """Students per case: drawn, capped by the school's grade, then nudged to the total."""
        rng = self.rng
        sizes, caps, floors = [], [], []
        for status, school, grade, _, _, _, wants in plans:
            cap = min(500, len(school.students[grade])) if wants else 0
            floor = (2 if status.startswith("PARTIAL") else 1) if wants else 0
            floor = min(floor, cap)
            lo, hi, _ = self._pick(SIZES)
            n = lo if lo == hi else lo + int(rng.random() * (hi - lo + 1))
            sizes.append(max(floor, min(n, cap)) if wants else 0)
            caps.append(cap)
            floors.append(floor)
        diff = self.total_students - sum(sizes)
        growable = [i for i, c in enumerate(caps) if c > 0]
        while diff:
            i = growable[int(rng.random() * len(growable))]
            if diff > 0 and sizes[i] < caps[i]:
                sizes[i] += 1
                diff -= 1
            elif diff < 0 and sizes[i] > floors[i]:
                sizes[i] -= 1
                diff += 1
        return sizes

    def _rows(self, plans, sizes) -> Cases:
        rng = self.rng
        cases, case_students, appeals, events = [], [], [], []
        submissions = []  # (submitted_at, case index) to number in order of submission
        rows = []
        due_by_day: dict[date, str] = {}
        for index, ((status, school, grade, incident, test, part, _), n) in enumerate(
            zip(plans, sizes, strict=True)
        ):
            case_id = index + 1
            day = FIRST_INCIDENT_DAY + timedelta(days=int(rng.random() * self.days))
            at = time(8 + int(rng.random() * 7), int(rng.random() * 60))
            happened = datetime.combine(day, at, tzinfo=PACIFIC)
            late = rng.random() < 0.12
            delay = (
                timedelta(hours=25 + rng.random() * 96)
                if late
                else timedelta(minutes=30 + rng.random() * 60 * 20)
            )
            submitted = happened + delay
            created = submitted - timedelta(minutes=5 + int(rng.random() * 40))
            filer = filer_for(school.lea_id)
            draft = status == "DRAFT"
            students = rng.sample(school.students[grade], n) if n else []
            appealable = [True] * n
            if n > 1 and not draft:
                # A few SSIDs of a bigger case have no appeal (no event, outside the rule).
                # A partial case keeps two appeals: one decided, one open.
                for i in range(2 if status.startswith("PARTIAL") else 1, n):
                    appealable[i] = rng.random() >= 0.08
            selected = [a and not draft for a in appealable]
            open_status = (
                "PENDING_APPROVAL" if incident.appeal == "GRACE_PERIOD_EXTENSION" else "PENDING"
            )
            appeal_statuses = []
            for k, chosen in enumerate(selected):
                if not chosen:
                    appeal_statuses.append(None)
                elif status == "COMPLETED" or (status.startswith("PARTIAL") and k == 0):
                    outcome = self._pick(DECIDED)[0]
                    if outcome == "REJECTED":
                        outcome = f"REJECTED_BY_{incident.reviewer}"
                    if status.startswith("PARTIAL") and outcome == "WITHDRAWN":
                        outcome = "APPROVED"  # partial: one decided, the others open
                    appeal_statuses.append(outcome)
                else:
                    appeal_statuses.append(open_status)
            ts_submitted = None if draft else _ts(submitted)
            ts_due = None if draft else _due_on(submitted, due_by_day)
            ts_created = _ts(created)
            updated = _ts(submitted + timedelta(days=2)) if status != "DRAFT" else ts_created
            rows.append(
                [
                    case_id,
                    None,  # number: given below in order of submission
                    status,
                    day.isoformat(),
                    at.isoformat(),
                    grade,
                    "CAASPP",
                    test,
                    part,
                    "ONLINE",
                    incident.answers,
                    CALL if incident.breach else "",
                    n if n or not draft else None,
                    ("TYPED" if n <= 10 else "UPLOAD") if n else "",
                    DESCRIPTIONS[incident.code],
                    PLAN,
                    "",
                    "t" if late and not draft else "f",
                    "f",
                    SCHOOL_YEAR,
                    ts_created,
                    updated,
                    ts_submitted,
                    filer,
                    self.incident_ids[incident.code],
                    school.lea_id,
                    school.id,
                    None if draft else filer,
                ]
            )
            if not draft:
                submissions.append((submitted, index))
            for student_id, can, chosen, appeal_status in zip(
                students, appealable, selected, appeal_statuses, strict=True
            ):
                case_students.append(
                    (
                        case_id,
                        student_id,
                        incident.appeal if can else "",
                        incident.reviewer if can else "",
                        "t" if can else "f",
                        "f",
                        "f",
                        incident.rule if can else "",
                        incident.reason if can else "No test event of this test this year",
                        ts_created,
                        "t" if chosen else "f",
                        ts_created,
                    )
                )
                if appeal_status is not None:
                    appeals.append(
                        (
                            case_id,
                            student_id,
                            incident.appeal,
                            incident.reviewer,
                            appeal_status,
                            "f",
                            incident.rule,
                            incident.reason,
                            ts_submitted,
                            ts_due,
                            ts_submitted,
                            updated,
                        )
                    )
            if draft:
                events.append((case_id, filer, ts_created, "CREATED", "", "", "Draft created.", ""))
            else:
                reviewers = {incident.reviewer} if any(selected) else set()
                first = (
                    "PENDING_CDE_APPROVAL"
                    if "CDE" in reviewers
                    else "PENDING_CALTAC_APPROVAL"
                    if reviewers
                    else "COMPLETED"
                )
                events.append(
                    (
                        case_id,
                        filer,
                        ts_submitted,
                        "SUBMITTED",
                        "DRAFT",
                        first,
                        f"Submitted with {sum(selected)} appeal(s).",
                        "",
                    )
                )
        submissions.sort()
        for number, (_, index) in enumerate(submissions, start=1):
            rows[index][1] = f"{SCHOOL_YEAR}-{number:06d}"
        cases = [tuple(row) for row in rows]
        users = [
            (
                filer_for(lea_id),
                f"filer.{lea_id}@{BENCH_EMAIL_DOMAIN}",
                f"Bench Coordinator {lea_id}",
                lea_id,
            )
            for lea_id in sorted({s.lea_id for s in self.schools})
            if lea_id != BIG_LEA_ID
        ]
        return Cases(cases, case_students, appeals, events, users, len(submissions))
