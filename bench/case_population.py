"""The benchmark's STAIRS cases: 150,000 cases of the 2026-27 school year with 450,000 case
students, an appeal per selected case student (about 410,000) with its timeline, a timeline row
per case, and the reviewers who decide them (40 CDE reviewers and 60 CalTAC agents), drawn by
``CaseGenerator`` from one ``random.Random(CASE_SEED)`` in a fixed order. Pure: no Django, no
database; ``bench/generate.py`` reads the students it needs and writes the rows with COPY.

Shape:
- Cases per school in proportion to its students (the big LEA files 10% of them).
- Statuses as a busy autumn leaves them: 5% drafts, 86.5% completed (a third of them
  improprieties with no appeal, F-2), the rest waiting for CalTAC or CDE, some partly decided:
  most appeals decided, about 50,000 open.
- Students per case: one for most, a handful often, 11 to 40 (an upload, F-3) for some, up to
  500 for a few; exactly ``case_students`` in all. The students of a case are distinct students
  of its school in its grade; the test event is linked afterwards by generate.py (the student's
  event of the case's test and part, when they have one).
- Each appeal follows the incident's outcome in domain.md's catalog (Reset and Re-open for
  CalTAC, Invalidate and Grace Period Extension for CDE, the latter pending approval, A-1), and
  its status follows the case's (``incidents.transitions.case_status_for``).
- Each decided appeal has its moment and reviewer (approved, rejected by its team with a
  reason, rejected by the system with the reason the system gives, or withdrawn); about 40% of
  the open ones are claimed by a reviewer of their team; a Grace Period Extension is sometimes
  approved for filing already (A-1, then pending). An appeal past due while open was marked
  overdue (an ``appeals_appealoverdue`` row, appeals/0008) a minute after its due moment, except
  a quarter of the open ones past due at ``DATA_MOMENT`` (the sweep of a beat that has not run
  yet: the overdue benchmark's work).
- The appeal timeline follows: filed, approved for filing, assigned, decided or withdrawn, each
  at its moment (the sweep writes no timeline row since appeals/0008). ``filed_state`` is left
  empty here: generate_cases.py fills it from the linked test event as it was at receipt.
- Case numbers YYYY-NNNNNN in order of submission; drafts have none.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from appeals.business_days import appeal_due_at
from bench.population import (
    BENCH_EMAIL_DOMAIN,
    BIG_LEA_ID,
    CALTAC_ID,
    DATA_DAY,
    STATE_ID,
)
from stairs.vocabulary import AppealStatus, AppealType, Reviewer
from students.dates import PACIFIC

CASE_VERSION = 5  # bump when the shape changes: the cases are then generated again
CASE_SEED = 20261201
DEFAULT_CASES = 150_000
DEFAULT_CASE_STUDENTS = 450_000
SCHOOL_YEAR = 2026
FIRST_INCIDENT_DAY = date(2026, 8, 24)  # every bench LEA's CAASPP window is open from 08-17
LAST_INCIDENT_DAY = DATA_DAY
FILER_ID_BASE = 1000  # user id of the filer of LEA n: FILER_ID_BASE + n; the big LEA's is user 1
SB_GRADES = (3, 4, 5, 6, 7, 8, 11)
# The moment the data describes (the services' benchmarks run at it): the generated decisions,
# claims and overdue flags are as they stood then.
DATA_MOMENT = datetime(2026, 11, 25, 10, 0, tzinfo=PACIFIC)
# The reviewers: user ids REVIEWER_ID_BASE + 1.. (CDE first, then CalTAC); the bench's CDE
# reviewer (user 3, bench/population.py) is one of CDE's too.
REVIEWER_ID_BASE = 5000
CDE_REVIEWERS = 40
CALTAC_AGENTS = 60
BENCH_CDE_REVIEWER_ID = 3
CLAIMED_SHARE = 0.4  # of the open appeals
PREAPPROVED_SHARE = 0.4  # of the open Grace Period Extensions
UNFLAGGED_SHARE = 0.25  # of the open appeals past due at DATA_MOMENT

# (status, weight in percent)
STATUSES = (
    ("DRAFT", 5),
    ("COMPLETED", 86.5),
    ("PENDING_CALTAC_APPROVAL", 3),
    ("PENDING_CDE_APPROVAL", 2.5),
    ("PARTIAL_CALTAC_APPROVAL", 1.5),
    ("PARTIAL_CDE_APPROVAL", 1.5),
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
DECIDED = (("APPROVED", 80), ("REJECTED", 10), ("REJECTED_BY_SYSTEM", 5), ("WITHDRAWN", 5))
APPROVALS = ("Approved.", "Approved: the incident and the test event match the rule.")
REJECTIONS = (
    "The incident described does not meet the rule for this appeal.",
    "The test event shows the student finished the test normally.",
    "Duplicate of an appeal already decided for this student.",
    "The school's plan of action does not address the incident.",
)
SYSTEM_REJECTION = (
    "The test changed since the case was filed (status: in progress → expired), so the decision"
    " the rules made then may no longer hold. Resubmit the appeal to have it decided on the test"
    " as it is now."
)
WITHDRAWALS = "The school found the student had not been affected."

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
    "id",
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
    "dei_only",
    "notation",
    "exception",
    "filed_state",
    "decision_reason",
    "claimed_by_id",
    "claimed_at",
    "preapproved_at",
    "preapproved_by_id",
    "decided_at",
    "decided_by_id",
    "lea_id",
    "school_id",
    "program",
)
# The overdue sweep's marks (appeals.AppealOverdue, appeals/0008).
OVERDUE_COLUMNS = ("appeal_id", "reviewer", "at")
APPEAL_EVENT_COLUMNS = (
    "appeal_id",
    "actor_id",
    "at",
    "kind",
    "from_status",
    "to_status",
    "detail",
    "reason",
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
    appeal_events: list[tuple] = field(default_factory=list)
    # (id, email, full_name, role, organization id): the generated reviewers
    reviewers: list[tuple] = field(default_factory=list)
    # (appeal id, reviewer, at): the overdue marks, in OVERDUE_COLUMNS' order
    overdue: list[tuple] = field(default_factory=list)


def filer_for(lea_id: int) -> int:
    return 1 if lea_id == BIG_LEA_ID else FILER_ID_BASE + lea_id


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(sep=" ")


def _due_on(received: datetime, cache: dict[date, datetime]) -> datetime:
    """The stored due moment of an appeal received at ``received`` (A-2, as appeal_create
    computes it; the bench has no closure days): computed once per day of receipt."""
    day = received.astimezone(PACIFIC).date()
    if day not in cache:
        cache[day] = appeal_due_at(received)
    return cache[day]


def reviewer_users() -> list[tuple]:
    """(id, email, full_name, role, organization id) of the generated reviewers."""
    found = []
    for n in range(1, CDE_REVIEWERS + 1):
        found.append(
            (
                REVIEWER_ID_BASE + n,
                f"cde.reviewer.{n:02d}@{BENCH_EMAIL_DOMAIN}",
                f"Bench CDE Reviewer {n:02d}",
                "CDE_REVIEWER",
                STATE_ID,
            )
        )
    for n in range(1, CALTAC_AGENTS + 1):
        found.append(
            (
                REVIEWER_ID_BASE + CDE_REVIEWERS + n,
                f"caltac.agent.{n:02d}@{BENCH_EMAIL_DOMAIN}",
                f"Bench CalTAC Agent {n:02d}",
                "CALTAC_AGENT",
                CALTAC_ID,
            )
        )
    return found


def team_ids() -> dict[str, list[int]]:
    """The user ids of each reviewer team: the generated reviewers, and the bench CDE reviewer
    (bench/population.py CDE_REVIEWER) in CDE's."""
    teams: dict[str, list[int]] = {"CDE": [BENCH_CDE_REVIEWER_ID], "CALTAC": []}
    for uid, _, _, role, _ in reviewer_users():
        teams["CDE" if role == "CDE_REVIEWER" else "CALTAC"].append(uid)
    return teams


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
        self.teams = team_ids()
        self.names = {uid: name for uid, _, name, _, _ in reviewer_users()}
        self.names[BENCH_CDE_REVIEWER_ID] = "Bench CDE Reviewer"

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
        cases, case_students, appeals, events, appeal_events = [], [], [], [], []
        marks: list[tuple] = []
        submissions = []  # (submitted_at, case index) to number in order of submission
        rows = []
        due_by_day: dict[date, datetime] = {}
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
            due = None if draft else _due_on(submitted, due_by_day)
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
                    self._appeal(
                        appeals,
                        appeal_events,
                        marks,
                        case_id=case_id,
                        school=school,
                        student_id=student_id,
                        incident=incident,
                        status=appeal_status,
                        filer=filer,
                        received=submitted,
                        due=due,
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
        reviewers = reviewer_users()
        return Cases(
            cases,
            case_students,
            appeals,
            events,
            users,
            len(submissions),
            appeal_events,
            reviewers,
            marks,
        )

    def _appeal(
        self,
        appeals: list[tuple],
        timeline: list[tuple],
        marks: list[tuple],
        *,
        case_id: int,
        school: School,
        student_id: int,
        incident: Incident,
        status: str,
        filer: int,
        received: datetime,
        due: datetime,
    ) -> None:
        """One appeal row, its review as of DATA_MOMENT, its timeline rows and its overdue
        mark."""
        rng = self.rng
        appeal_id = len(appeals) + 1
        team = self.teams[incident.reviewer]
        gpe = incident.appeal == "GRACE_PERIOD_EXTENSION"
        first = "PENDING_APPROVAL" if gpe else "PENDING"
        kind = AppealType(incident.appeal).label
        team_label = Reviewer(incident.reviewer).label
        timeline.append(
            (
                appeal_id,
                filer,
                _ts(received),
                "CREATED",
                "",
                first,
                f"{kind} filed; {team_label} decides.",
                incident.reason,
            )
        )
        is_open = status in ("PENDING", "PENDING_APPROVAL")
        # The moment it left the queue (or DATA_MOMENT for an open one).
        if is_open:
            closed = None
        else:
            closed = received + timedelta(hours=1 + rng.random() * 24 * 6)
            closed = min(closed, max(received + timedelta(minutes=10), DATA_MOMENT))
        preapproved_at = preapproved_by = None
        if gpe and (
            status in ("APPROVED", "REJECTED_BY_SYSTEM")
            or (is_open and rng.random() < PREAPPROVED_SHARE)
        ):
            preapproved_by = rng.choice(self.teams["CDE"])
            span = ((closed or DATA_MOMENT) - received).total_seconds()
            preapproved_at = received + timedelta(seconds=max(60, span * rng.random() * 0.5))
            status = "PENDING" if is_open else status
            timeline.append(
                (
                    appeal_id,
                    preapproved_by,
                    _ts(preapproved_at),
                    "PREAPPROVED",
                    "PENDING_APPROVAL",
                    "PENDING",
                    "Approved for filing by CDE (A-1); CDE now decides it.",
                    "",
                )
            )
        claimed_by = claimed_at = None
        if is_open and rng.random() < CLAIMED_SHARE:
            claimed_by = rng.choice(team)
            claimed_at = min(received + timedelta(minutes=1 + rng.random() * 60 * 24), DATA_MOMENT)
            claimed_at = max(claimed_at, received + timedelta(minutes=1))
            timeline.append(
                (
                    appeal_id,
                    None,
                    _ts(claimed_at),
                    "ASSIGNED",
                    status,
                    status,
                    f"Assigned to {self.names[claimed_by]} by workload.",
                    "",
                )
            )
        # Marked by the sweep of the minute after its due moment, if it was still open then; a
        # decided appeal keeps its mark (only a resubmission removes it).
        flag = due + timedelta(seconds=30 + int(rng.random() * 30))
        if (closed or DATA_MOMENT) > flag and (not is_open or rng.random() >= UNFLAGGED_SHARE):
            marks.append((appeal_id, incident.reviewer, _ts(flag)))
        decided_at = decided_by = None
        reason = ""
        if not is_open:
            before = "PENDING" if preapproved_at is not None else first
            if status == "WITHDRAWN":
                timeline.append(
                    (
                        appeal_id,
                        filer,
                        _ts(closed),
                        "STATUS_CHANGED",
                        before,
                        status,
                        f"{AppealStatus(before).label} → Withdrawn",
                        WITHDRAWALS,
                    )
                )
            else:
                decided_at = closed
                if status == "REJECTED_BY_SYSTEM":
                    reason = SYSTEM_REJECTION
                else:
                    decided_by = rng.choice(team)
                    reason = rng.choice(APPROVALS if status == "APPROVED" else REJECTIONS)
                timeline.append(
                    (
                        appeal_id,
                        decided_by,
                        _ts(closed),
                        "DECIDED",
                        before,
                        status,
                        f"{AppealStatus(before).label} → {AppealStatus(status).label}",
                        reason,
                    )
                )
        stamp = _ts
        appeals.append(
            (
                appeal_id,
                case_id,
                student_id,
                incident.appeal,
                incident.reviewer,
                status,
                "f",
                incident.rule,
                incident.reason,
                stamp(received),
                stamp(due),
                stamp(received),
                stamp(max(m for m in (received, closed, claimed_at, preapproved_at) if m)),
                "f",
                "f",
                "f",
                "{}",
                reason,
                claimed_by,
                claimed_at and stamp(claimed_at),
                preapproved_at and stamp(preapproved_at),
                preapproved_by,
                decided_at and stamp(decided_at),
                decided_by,
                school.lea_id,  # the case's place, copied onto the appeal as filing does
                school.id,
                "CAASPP",
            )
        )
