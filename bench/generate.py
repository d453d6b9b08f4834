"""A California-sized dataset for the benchmarks, written with COPY into its own database.

    python bench/generate.py                     # 5,850,000 students into stairs_bench
    python bench/generate.py --students 1000000  # a smaller state, generated in a few minutes
    python bench/generate.py --fresh             # generate again even if already there
    python bench/generate.py --no-cases          # the students only, not the STAIRS cases

After the students, the STAIRS cases (150,000, bench/generate_cases.py and case_population.py).

The database is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/stairs_bench); it is
created if missing and migrated with ``manage.py migrate``. It must be dedicated: the generator
refuses a database that has tables it did not write (the dev or the test database, even empty).

Shape: the state and CalTAC, 1,000 LEAs and 10,000 schools (elementary K-5, middle 6-8, high
9-12), every CDS code in county 99, which does not exist, so none collides with a real one.
One LEA, like Los Angeles Unified, holds 10% of the students and of the schools: the worst case
for an LEA coordinator. The other LEAs range from one school to a few hundred. Each student has
the test events of 2025-26 and 2026-27 that their grade and English-learner status call for
(Smarter Balanced parts, CAST, the CAAs, CSA, ELPAC domains): about six per student. Names come
from fixed lists of common first and last names plus a long tail of rarer made-up surnames.

Deterministic: one ``random.Random(SEED)`` draws everything in a fixed order and every date is
fixed, so a given ``--students`` always yields the same rows, ids included. Idempotent: a
``bench_dataset`` table records what was generated; the same version, seed and size is skipped,
anything else (or ``--fresh``) drops the database and starts again.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.population import (  # noqa: E402
    BIG_LEA_ID,
    CDE_REVIEWER,
    DEFAULT_STUDENTS,
    DEFAULT_URL,
    LEA_COORDINATOR,
    LEAS,
    LOADED_AT,
    SEED,
    SITE_COORDINATOR,
    STATE_ID,
    VERSION,
    Generator,
    Part,
)
from stairs.vocabulary import (  # noqa: E402  (pure too)
    Program,
)
from students.transitions import REPORTED_STATE_FIELDS  # noqa: E402  (pure too)


@dataclass(frozen=True)
class Dataset:
    students: int
    test_events: int
    seconds: float
    generated: bool  # False when an identical dataset was already there


# --- connection helpers ---------------------------------------------------------------------


def bench_url(url: str | None = None) -> str:
    return url or os.environ.get("DATABASE_URL") or DEFAULT_URL


def _dbname(url: str) -> str:
    return conninfo_to_dict(url)["dbname"]


def _maintenance(url: str) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True)


def _create_database(url: str, *, drop: bool = False) -> None:
    name = sql.Identifier(_dbname(url))
    with _maintenance(url) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [_dbname(url)]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def migrate(url: str) -> None:
    """``manage.py migrate`` on the bench database (DEBUG: it needs no secret and no Redis)."""
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        check=True,
        env=env,
        cwd=ROOT,
    )


def recorded(conn: psycopg.Connection) -> dict | None:
    """What bench_dataset says was generated here, or None."""
    if conn.execute("SELECT to_regclass('bench_dataset')").fetchone()[0] is None:
        return None
    row = conn.execute(
        "SELECT version, seed, students, test_events, seconds FROM bench_dataset"
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("version", "seed", "students", "test_events", "seconds"), row, strict=True))


# --- writing --------------------------------------------------------------------------------

ORG_COLUMNS = ("id", "kind", "name", "cds_code", "parent_id")
STUDENT_COLUMNS = (
    "id",
    "ssid",
    "first_name",
    "middle_name",
    "last_name",
    "birth_date",
    "grade",
    "has_iep",
    "has_section_504",
    "special_education_for_testing",
    "english_learner_status",
    "created_at",
    "updated_at",
    "school_id",
    "lea_id",
)
EVENT_COLUMNS = (
    "id",
    "school_year",
    "grade",
    "delivery",
    *REPORTED_STATE_FIELDS,
    "condition_code",
    "reset_by_appeal",
    "updated_at",
    "part_id",
    "student_id",
)
CHANGE_COLUMNS = (
    "test_event_id",
    "at",
    "kind",
    "from_status",
    "to_status",
    "detail",
    "reason",
    "reference",
)
NOTATION_COLUMNS = ("test_event_id", "text", "reference", "recorded_at")
FILLED_TABLES = (
    "accounts_organization",
    "accounts_user",
    "accounts_rolegrant",
    "students_student",
    "students_testevent",
    "students_testeventchange",
    "students_irregularitynotation",
    "students_testingwindow",
)


def _copy(cur: psycopg.Cursor, table: str, columns: tuple[str, ...], rows) -> int:
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    n = 0
    with cur.copy(stmt) as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _drop_secondary_indexes(cur: psycopg.Cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' indexes that no constraint owns; return their CREATE INDEX statements
    (the primary keys and unique constraints stay: COPY checks them as it goes)."""
    rows = cur.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid"
        " AND c.conrelid = i.indrelid)",
        [list(tables)],
    ).fetchall()
    for name, _ in rows:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
    return [definition for _, definition in rows]


def _parts(conn: psycopg.Connection) -> dict[tuple[str, str], Part]:
    rows = conn.execute(
        "SELECT p.id, a.code, p.code, p.expiry_days, a.offered_on_paper"
        " FROM students_assessmentpart p JOIN students_assessment a ON a.id = p.assessment_id"
    ).fetchall()
    return {(r[1], r[2]): Part(*r) for r in rows}


def _write(conn: psycopg.Connection, students: int, log) -> int:
    """Every row of the dataset, in one transaction; returns the number of test events."""
    cur = conn.cursor()
    # The generator writes consistent rows itself; without the foreign-key triggers the load
    # does not queue millions of deferred checks (what pg_restore --disable-triggers does).
    try:
        cur.execute("SET LOCAL session_replication_role = replica")
    except psycopg.errors.InsufficientPrivilege:
        conn.rollback()
    # The two big tables are loaded bare and indexed afterwards (a sorted build per index, far
    # cheaper than millions of insertions into each), and emptied in this transaction so that
    # COPY can write the rows frozen: VACUUM then has nothing to rewrite.
    cur.execute("TRUNCATE students_testevent, students_student CASCADE")
    indexes = _drop_secondary_indexes(cur, ("students_student", "students_testevent"))
    gen = Generator(students, _parts(conn))
    orgs, schools = gen.organizations()
    _copy(cur, "accounts_organization", ORG_COLUMNS, orgs)
    sizes = gen.school_sizes(schools)
    log(f"{len(orgs) - 2:,} organizations ({LEAS:,} LEAs)")

    # Students and their events go in two COPY streams, in batches, so memory stays flat.
    student_copy, event_copy = (
        sql.SQL("COPY {} ({}) FROM STDIN WITH (FREEZE)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        for table, columns in (
            ("students_student", STUDENT_COLUMNS),
            ("students_testevent", EVENT_COLUMNS),
        )
    )
    rows = gen.students_and_events(schools, sizes)
    written = 0
    while chunk := list(itertools.islice(rows, 50_000)):
        with cur.copy(student_copy) as copy:
            copy.write("".join(student for student, _ in chunk))
        with cur.copy(event_copy) as copy:
            copy.write("".join(itertools.chain.from_iterable(events for _, events in chunk)))
        written += len(chunk)
        if written % 200_000 == 0 or written == students:
            log(f"{written:,} students, {gen.event_id:,} test events")
    # Two builders at a time, on the two cores this machine has.
    cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cur.execute("SET LOCAL max_parallel_maintenance_workers = 1")
    for definition in indexes:
        cur.execute(definition)
    log(f"{len(indexes)} indexes built")
    _copy(cur, "students_testeventchange", CHANGE_COLUMNS, gen.changes)
    _copy(cur, "students_irregularitynotation", NOTATION_COLUMNS, gen.notations)
    windows = [
        (lea_id, program, start, end)
        for lea_id in range(BIG_LEA_ID, BIG_LEA_ID + LEAS)
        for program, start, end in (
            (Program.CAASPP, date(2026, 8, 17), date(2027, 6, 11)),
            (Program.ELPAC, date(2026, 7, 1), date(2027, 6, 30)),
        )
    ]
    _copy(cur, "students_testingwindow", ("lea_id", "program", "start_date", "end_date"), windows)
    _write_users(cur, schools, sizes)
    for table in FILLED_TABLES:
        cur.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, 'id'), coalesce(max(id), 1)) FROM {i}"
            ).format(t=sql.Literal(table), i=sql.Identifier(table))
        )
    return gen.event_id


def _write_users(
    cur: psycopg.Cursor, schools: list[tuple[int, int, range]], sizes: list[int]
) -> None:
    """The three bench users; the site coordinator works at the big LEA's largest school."""
    big_school = max(
        (n, sid) for (sid, lea, _), n in zip(schools, sizes, strict=True) if lea == BIG_LEA_ID
    )
    users = [
        (1, LEA_COORDINATOR, "Bench LEA Coordinator", "LEA_CAASPP_COORDINATOR", BIG_LEA_ID),
        (2, SITE_COORDINATOR, "Bench Site Coordinator", "SITE_CAASPP_COORDINATOR", big_school[1]),
        (3, CDE_REVIEWER, "Bench CDE Reviewer", "CDE_REVIEWER", STATE_ID),
    ]
    for user_id, email, name, role, org_id in users:
        # "!" is an unusable password: the benchmark signs in with force_login only.
        cur.execute(
            "INSERT INTO accounts_user (id, password, is_superuser, email, full_name, phone,"
            " is_active, is_staff, date_joined, agreement_signed_at, affidavit_signed_at)"
            " VALUES (%s, '!', false, %s, %s, '', true, false, %s, %s, %s)",
            [user_id, email, name, LOADED_AT, LOADED_AT, LOADED_AT],
        )
        cur.execute(
            "INSERT INTO accounts_rolegrant (role, granted_at, organization_id, user_id)"
            " VALUES (%s, %s, %s, %s)",
            [role, LOADED_AT, org_id, user_id],
        )


def ensure_dataset(
    url: str | None = None,
    *,
    students: int = DEFAULT_STUDENTS,
    fresh: bool = False,
    log=print,
) -> Dataset:
    """Create, migrate and fill the bench database unless it already holds this dataset."""
    url = bench_url(url)
    _create_database(url)
    with psycopg.connect(url) as conn:
        done = recorded(conn)
        # Only a database this script created or filled: refuse anything else before migrating
        # it, even an empty dev or test database that someone migrated.
        foreign = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'bench_dataset'"
        ).fetchone()[0]
        if foreign and not done:
            raise SystemExit(
                f"{_dbname(url)} already has tables that bench/generate.py did not write; "
                "give it a dedicated database (DATABASE_URL), or drop this one."
            )
        conn.rollback()
    wanted = {"version": VERSION, "seed": SEED, "students": students}
    if done and not fresh and all(done[k] == v for k, v in wanted.items()):
        migrate(url)  # a new index reaches an existing dataset too
        return Dataset(students, done["test_events"], done["seconds"], generated=False)
    if done:
        log(f"dropping {_dbname(url)} ({done['students']:,} students, version {done['version']})")
        _create_database(url, drop=True)
    start = time.perf_counter()

    def step(message: str) -> None:
        log(f"{time.perf_counter() - start:5.0f} s  {message}")

    migrate(url)
    step(f"migrated; generating {students:,} students into {_dbname(url)}")
    with psycopg.connect(url) as conn:
        events = _write(conn, students, step)
        conn.execute(
            "CREATE TABLE bench_dataset (version int, seed int, students int, test_events bigint,"
            " seconds real, generated_at timestamptz DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO bench_dataset (version, seed, students, test_events, seconds)"
            " VALUES (%s, %s, %s, %s, %s)",
            [VERSION, SEED, students, events, time.perf_counter() - start],
        )
    step("committed; VACUUM ANALYZE")
    # Statistics and the visibility map, as autovacuum would leave a table in production.
    with psycopg.connect(url, autocommit=True) as conn:
        for table in FILLED_TABLES:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
    seconds = time.perf_counter() - start
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE bench_dataset SET seconds = %s", [seconds])
    step(f"done: {students:,} students, {events:,} test events")
    return Dataset(students, events, seconds, generated=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--students", type=int, default=DEFAULT_STUDENTS, help="default %(default)s"
    )
    parser.add_argument("--fresh", action="store_true", help="generate again even if present")
    parser.add_argument(
        "--no-cases", action="store_true", help="only the students (bench/generate_cases.py)"
    )
    args = parser.parse_args()
    if args.students < 1000:
        parser.error("--students: at least 1000 (every school needs a few)")
    url = bench_url()
    dataset = ensure_dataset(url, students=args.students, fresh=args.fresh)
    if not dataset.generated:
        print(
            f"{_dbname(url)} already holds {dataset.students:,} students and "
            f"{dataset.test_events:,} test events (generated in {dataset.seconds:.0f} s); "
            "--fresh generates them again."
        )
    if not args.no_cases:
        from bench.generate_cases import ensure_cases

        cases = ensure_cases(url, fresh=args.fresh or dataset.generated)
        if not cases.generated:
            print(
                f"{_dbname(url)} already holds {cases.cases:,} cases, {cases.case_students:,} "
                f"case students and {cases.appeals:,} appeals (generated in "
                f"{cases.seconds:.0f} s)."
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
