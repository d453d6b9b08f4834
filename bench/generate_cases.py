"""The benchmark's STAIRS cases written into the bench database with COPY: 150,000 cases, 450,000
case students, their appeals (about 410,000, most decided) with their timelines and the overdue
sweep's marks, a timeline row per case, and the 100 reviewers with their role grants, as
``bench/case_population.py`` draws them, on the students that ``bench/generate.py`` wrote (the
database is migrated first).

    python bench/generate.py                 # the students, then the cases
    python bench/generate_cases.py --fresh   # the cases again, the students kept

Idempotent: a ``bench_cases`` table records what was generated; the same version, seed and
numbers are skipped, anything else replaces every case (and its filers) in one transaction.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_population import (  # noqa: E402
    APPEAL_COLUMNS,
    APPEAL_EVENT_COLUMNS,
    CASE_COLUMNS,
    CASE_EVENT_COLUMNS,
    CASE_SEED,
    CASE_STUDENT_COLUMNS,
    CASE_VERSION,
    DEFAULT_CASE_STUDENTS,
    DEFAULT_CASES,
    FILER_ID_BASE,
    OVERDUE_COLUMNS,
    SB_GRADES,
    SCHOOL_YEAR,
    CaseGenerator,
    School,
)
from bench.generate import _copy, bench_url, migrate  # noqa: E402
from bench.population import LOADED_AT  # noqa: E402


@dataclass(frozen=True)
class CaseCounts:
    cases: int
    case_students: int
    appeals: int
    seconds: float
    generated: bool


USER_COLUMNS = (
    "id",
    "password",
    "is_superuser",
    "email",
    "full_name",
    "phone",
    "is_active",
    "is_staff",
    "date_joined",
    "agreement_signed_at",
    "affidavit_signed_at",
)
# appeals/review.py event_facts of the event at receipt, as JSON: its status (an open test past
# its expiry counts as expired, TestEvent.effective_status), questions completed, and the expiry
# in UTC as Python's isoformat writes it (microseconds only when there are some).
FILED_STATE = (
    ", filed_state = jsonb_build_object("
    "'status', CASE WHEN e.status IN ('IN_PROGRESS', 'PAUSED') AND e.expires_at IS NOT NULL"
    " AND x.received_at > e.expires_at THEN 'EXPIRED' ELSE e.status END,"
    " 'questions_completed', e.questions_completed,"
    " 'expires_at', CASE WHEN e.expires_at IS NULL THEN NULL"
    " WHEN extract(microseconds FROM e.expires_at)::int % 1000000 = 0"
    " THEN to_char(e.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+00:00'"
    " ELSE to_char(e.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
    " END)"
)

# --- the STAIRS cases (bench/case_population.py) ---------------------------------------------

CASE_TABLES = (
    "appeals_appealoverdue",
    "appeals_appealevent",
    "appeals_appeal",
    "incidents_caseevent",
    "incidents_casenote",
    "incidents_casestudent",
    "incidents_case",
    "incidents_casenumbercounter",
)


def _case_schools(conn: psycopg.Connection) -> list[School]:
    """Every school with its students of the Smarter Balanced grades, by grade, in id order."""
    by_school: dict[int, School] = {}
    rows = conn.execute(
        "SELECT s.school_id, o.parent_id, s.grade, array_agg(s.id ORDER BY s.id)"
        " FROM students_student s JOIN accounts_organization o ON o.id = s.school_id"
        " WHERE s.grade = ANY(%s) GROUP BY 1, 2, 3 ORDER BY 1, 3",
        [list(SB_GRADES)],
    )
    for school_id, lea_id, grade, ids in rows:
        school = by_school.setdefault(school_id, School(school_id, lea_id, {}))
        school.students[grade] = ids
    return list(by_school.values())


def write_cases(url: str, *, cases: int, case_students: int, log=print) -> CaseCounts:
    """Replace the bench database's cases with the generated ones (COPY), in one transaction."""
    start = time.perf_counter()
    with psycopg.connect(url) as conn:
        cur = conn.cursor()
        try:
            cur.execute("SET LOCAL session_replication_role = replica")
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()
        cur.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
                sql.SQL(", ").join(map(sql.Identifier, CASE_TABLES))
            )
        )
        cur.execute("DELETE FROM accounts_rolegrant WHERE user_id >= %s", [FILER_ID_BASE])
        cur.execute("DELETE FROM accounts_user WHERE id >= %s", [FILER_ID_BASE])
        incidents = dict(conn.execute("SELECT code, id FROM incidents_incidenttype").fetchall())
        made = CaseGenerator(
            _case_schools(conn), incidents, cases=cases, case_students=case_students
        ).generate()
        log(f"{time.perf_counter() - start:5.0f} s  drew {len(made.cases):,} cases")
        users = [
            (uid, "!", False, email, name, "", True, False, LOADED_AT, LOADED_AT, LOADED_AT)
            for uid, email, name, *_ in (*made.users, *made.reviewers)
        ]
        _copy(cur, "accounts_user", USER_COLUMNS, users)
        grants = [
            ("LEA_CAASPP_COORDINATOR", LOADED_AT, lea_id, uid) for uid, _, _, lea_id in made.users
        ] + [(role, LOADED_AT, org_id, uid) for uid, _, _, role, org_id in made.reviewers]
        _copy(
            cur, "accounts_rolegrant", ("role", "granted_at", "organization_id", "user_id"), grants
        )
        _copy(cur, "incidents_case", CASE_COLUMNS, made.cases)
        _copy(cur, "incidents_casestudent", CASE_STUDENT_COLUMNS, made.case_students)
        _copy(cur, "appeals_appeal", APPEAL_COLUMNS, made.appeals)
        _copy(cur, "appeals_appealoverdue", OVERDUE_COLUMNS, made.overdue)
        _copy(cur, "appeals_appealevent", APPEAL_EVENT_COLUMNS, made.appeal_events)
        _copy(cur, "incidents_caseevent", CASE_EVENT_COLUMNS, made.case_events)
        log(f"{time.perf_counter() - start:5.0f} s  copied; linking the test events")
        # Each case student's and appeal's test event: the student's event of the case's test
        # and part in its school year (NULL when the student has none, as filing would find).
        # An appeal also keeps the event's facts at receipt (appeals/services.py filed_state).
        for table, extra in (("incidents_casestudent", ""), ("appeals_appeal", FILED_STATE)):
            cur.execute(
                sql.SQL(
                    "UPDATE {t} x SET test_event_id = e.id{extra}"
                    " FROM incidents_case c, students_assessment a, students_assessmentpart p,"
                    " students_testevent e"
                    " WHERE c.id = x.case_id AND a.code = c.test AND p.assessment_id = a.id"
                    " AND p.code = c.part AND e.part_id = p.id AND e.student_id = x.student_id"
                    " AND e.school_year = c.school_year"
                ).format(t=sql.Identifier(table), extra=sql.SQL(extra))
            )
        cur.execute(
            "INSERT INTO incidents_casenumbercounter (school_year, last_number) VALUES (%s, %s)",
            [SCHOOL_YEAR, made.last_number],
        )
        for table in (*CASE_TABLES, "accounts_user", "accounts_rolegrant"):
            if table in ("incidents_casenumbercounter", "appeals_appealoverdue"):
                continue  # no id sequence: a counter per year, a mark per appeal
            cur.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({t}, 'id'), coalesce(max(id), 1))"
                    " FROM {i}"
                ).format(t=sql.Literal(table), i=sql.Identifier(table))
            )
        cur.execute("DROP TABLE IF EXISTS bench_cases")
        cur.execute(
            "CREATE TABLE bench_cases (version int, seed int, cases int, case_students int,"
            " appeals int, seconds real, generated_at timestamptz DEFAULT now())"
        )
        counts = CaseCounts(
            len(made.cases), len(made.case_students), len(made.appeals), 0.0, generated=True
        )
        cur.execute(
            "INSERT INTO bench_cases (version, seed, cases, case_students, appeals, seconds)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [CASE_VERSION, CASE_SEED, counts.cases, counts.case_students, counts.appeals, 0],
        )
    with psycopg.connect(url, autocommit=True) as conn:
        for table in (*CASE_TABLES, "accounts_user", "accounts_rolegrant"):
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
        seconds = time.perf_counter() - start
        conn.execute("UPDATE bench_cases SET seconds = %s", [seconds])
    log(
        f"{seconds:5.0f} s  done: {counts.cases:,} cases, {counts.case_students:,} case students,"
        f" {counts.appeals:,} appeals"
    )
    return CaseCounts(counts.cases, counts.case_students, counts.appeals, seconds, True)


def ensure_cases(
    url: str | None = None,
    *,
    cases: int = DEFAULT_CASES,
    case_students: int = DEFAULT_CASE_STUDENTS,
    fresh: bool = False,
    log=print,
) -> CaseCounts:
    """The generated cases, unless the bench database already holds the same ones."""
    url = bench_url(url)
    migrate(url)  # the appeal columns of a newer migration, before anything reads or writes
    with psycopg.connect(url) as conn:
        row = None
        if conn.execute("SELECT to_regclass('bench_cases')").fetchone()[0] is not None:
            row = conn.execute(
                "SELECT version, seed, cases, case_students, appeals, seconds FROM bench_cases"
            ).fetchone()
    if row and not fresh and row[:4] == (CASE_VERSION, CASE_SEED, cases, case_students):
        return CaseCounts(row[2], row[3], row[4], row[5], generated=False)
    log(f"generating {cases:,} cases with {case_students:,} students")
    return write_cases(url, cases=cases, case_students=case_students, log=log)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES, help="default %(default)s")
    parser.add_argument(
        "--case-students", type=int, default=DEFAULT_CASE_STUDENTS, help="default %(default)s"
    )
    parser.add_argument("--fresh", action="store_true", help="generate again even if present")
    args = parser.parse_args()
    counts = ensure_cases(cases=args.cases, case_students=args.case_students, fresh=args.fresh)
    if not counts.generated:
        print(f"already there: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
