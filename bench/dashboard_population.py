"""What the dashboards and the header's bell read that the case generator does not write: CDE's
announcements, the cases' Notes threads and the users' in-app notices, written with COPY into the
bench database on top of the generated cases (bench/generate_cases.py).

    python bench/dashboard_population.py          # write them unless already there
    python bench/dashboard_population.py --fresh  # write them again

- Announcements: one every 9 days over the school year (August 2026 to June 2027), each shown
  for 3 to 8 weeks, to everyone or one audience in turn: 5 to 6 in effect on any day, 2 or 3
  of them for a given user, as CDE would post them.
- Notes: 8% of the submitted cases have a thread of 1 to 3 notes, written between the case's
  submission and the anchor day (60% of the cases of the site coordinator's school); the
  authors alternate between a reviewer of the case's team and the case's people (its filer;
  on the site coordinator's school, the site coordinator too). About 23,000 notes state-wide,
  2,300 on the big LEA, a fifth of them in the last week.
- Notices, as the services write them (incidents/case_emails.py, appeals/assignment.py): one
  per note to the case's people and earlier note authors except its author ("STAIRS case N has
  a new note."), and to each reviewer one "now overdue" notice a business day over the last 60
  days. Older than a week, 90% are read; newer, 30%. About 1,400 for the big LEA's
  coordinator, tens to a few hundred per other filer, 80 to 200 per reviewer.

Timestamps run up to the start of the anchor day (Pacific), the day the data was written: the
dashboards read the real clock ("notes in the last 7 days"), so a dataset older than
MAX_AGE_DAYS is written again with today as its anchor. Same seed, same anchor: same rows.
Idempotent: the ``bench_dashboard`` table records what was written, for which generated cases.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_population import (  # noqa: E402
    BENCH_CDE_REVIEWER_ID,
    filer_for,
    team_ids,
)
from bench.generate import _copy, bench_url  # noqa: E402
from bench.population import BIG_LEA_ID  # noqa: E402
from students.dates import PACIFIC  # noqa: E402

VERSION = 3
SEED = 20261202
MAX_AGE_DAYS = 3
NOTED_SHARE = 0.08
SITE_NOTED_SHARE = 0.6  # the site coordinator's school: notices for its coordinator too
SITE_COORDINATOR_ID = 2  # bench/generate.py _write_users
OVERDUE_NOTICE_DAYS = 60
READ_OLD, READ_NEW = 0.9, 0.3
SCHOOL_YEAR_START = date(2026, 8, 3)
SCHOOL_YEAR_END = date(2027, 6, 30)
AUDIENCES = ("EVERYONE", "LEA_COORDINATORS", "SITE_COORDINATORS", "REVIEWERS")
TABLES = (
    "incidents_announcement",
    "incidents_casenote",
    "notifications_notice",
    "notifications_notification",
)

NOTE_BODIES = (
    "Please upload the proctor's seating chart for this session.",
    "The test administrator's statement is attached to the district's record.",
    "Can you confirm the time the session was paused?",
    "Confirmed with the site: the session was paused at 10:15.",
    "We reviewed the testing logs; the interruption lasted about 20 minutes.",
    "The school asks whether the make-up session can be scheduled next week.",
    "Thank you, the additional details are enough for the review.",
)
ANNOUNCEMENTS = (
    ("Testing window reminders", "Submit draft cases before your window closes."),
    ("STAIRS maintenance", "STAIRS is unavailable on Saturday from 6 to 8 a.m. Pacific."),
    ("New incident guidance", "The incident guide now covers paper-pencil breaches."),
    ("Appeals turnaround", "Appeals are decided within four business days of receipt."),
    ("Coordinator training", "A training webcast on filing cases is held on Thursday."),
    ("Holiday schedule", "Appeals received on a state holiday are reviewed the next day."),
)


def anchor_moment(anchor: date) -> datetime:
    """The latest timestamp written: the start of the anchor day in California."""
    return datetime.combine(anchor, datetime.min.time(), tzinfo=PACIFIC)


def announcements(created_by: int) -> list[tuple]:
    rows = []
    day, n = SCHOOL_YEAR_START, 0
    rng = random.Random(SEED)
    while day <= SCHOOL_YEAR_END:
        title, body = ANNOUNCEMENTS[n % len(ANNOUNCEMENTS)]
        ends = min(day + timedelta(days=rng.randint(21, 56)), SCHOOL_YEAR_END)
        created = datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=PACIFIC)
        rows.append((title, body, day, ends, AUDIENCES[n % len(AUDIENCES)], created, created_by))
        day += timedelta(days=9)
        n += 1
    return rows


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def notes_and_notices(
    cases: list[tuple], teams: dict[str, list[int]], site_school: int, anchor: date
) -> tuple[list[tuple], list[tuple]]:
    """(notes, notices) for ``cases`` (id, lea id, school id, filer id, submitted_at, number,
    team or None), in case order; the notices of the notes, then the reviewers' overdue ones."""
    rng = random.Random(SEED)
    end = anchor_moment(anchor)
    notes, notices = [], []
    for case_id, lea_id, school_id, filer, submitted, number, team in cases:
        share = SITE_NOTED_SHARE if school_id == site_school else NOTED_SHARE
        if rng.random() >= share or submitted >= end:
            continue
        people = [filer or filer_for(lea_id)]
        if school_id == site_school:
            people.append(SITE_COORDINATOR_ID)
        reviewer = rng.choice(teams[team or "CDE"])
        moments = sorted(_between(rng, submitted, end) for _ in range(rng.randint(1, 3)))
        authors_so_far: set[int] = set()
        for k, moment in enumerate(moments):
            author = reviewer if k % 2 == 0 else rng.choice(people)
            notes.append((case_id, author, rng.choice(NOTE_BODIES), moment))
            for recipient in sorted((set(people) | authors_so_far) - {author}):
                notices.append(
                    _notice(
                        rng,
                        recipient,
                        f"STAIRS case {number} has a new note.",
                        case_id,
                        moment,
                        end,
                    )
                )
            authors_so_far.add(author)
    for team, members in teams.items():
        label = "CalTAC" if team == "CALTAC" else "CDE"
        for days_back in range(OVERDUE_NOTICE_DAYS, 0, -1):
            day = anchor - timedelta(days=days_back)
            if day.weekday() >= 5:
                continue
            count = rng.randint(1, 40)
            moment = datetime.combine(day, datetime.min.time(), tzinfo=PACIFIC) + timedelta(
                hours=6, minutes=rng.randint(0, 59)
            )
            noun = "appeal is" if count == 1 else "appeals are"
            for member in members:
                notices.append(
                    _notice(
                        rng,
                        member,
                        f"{count} {label} {noun} now overdue.",
                        None,
                        moment,
                        end,
                    )
                )
    return notes, notices


def _notice(
    rng: random.Random, recipient: int, text: str, case_id: int | None, moment, end
) -> tuple:
    url = f"/cases/{case_id}/" if case_id else "/review/?view=overdue"
    recent = end - moment < timedelta(days=7)
    read = rng.random() < (READ_NEW if recent else READ_OLD)
    read_at = min(moment + timedelta(hours=rng.uniform(0.5, 48)), end) if read else None
    return (recipient, text, url, moment, read_at)


# The email kinds (incidents/case_emails.py SUBMITTED and NOTE, appeals/assignment.py OVERDUE;
# named here as this module runs without Django).
SUBMITTED, NOTE, OVERDUE = "incidents.submitted", "incidents.note", "appeals.overdue"
OUTBOX_COLUMNS = (
    "recipient",
    "user_id",
    "subject",
    "body",
    "kind",
    "payload",
    "status",
    "attempts",
    "created_at",
    "sent_at",
    "last_error",
)


def outbox(conn: psycopg.Connection, notices: list[tuple]) -> list[tuple]:
    """The emails the services would have queued, all sent a few seconds later: the filer's
    "submitted" email of every submitted case, and the email beside each notice (a note's, a
    reviewer's "now overdue")."""
    emails = dict(conn.execute("SELECT id, email FROM accounts_user").fetchall())
    rows = []
    for case_id, filer, submitted, number in conn.execute(
        "SELECT id, created_by_id, submitted_at, number FROM incidents_case"
        " WHERE status <> 'DRAFT' AND created_by_id IS NOT NULL ORDER BY id"
    ):
        subject = f"STAIRS case {number} was submitted"
        payload = json.dumps({"case_id": case_id})
        sent = submitted + timedelta(seconds=2)
        rows.append(
            (emails[filer], filer, subject, "", SUBMITTED, payload, "SENT", 1, submitted, sent, "")
        )
    for recipient, text, url, moment, _ in notices:
        if url.startswith("/cases/"):
            kind, payload = NOTE, {"case_id": int(url.split("/")[2])}
        else:
            team = "CALTAC" if "CalTAC" in text else "CDE"
            kind, payload = OVERDUE, {"team": team, "count": int(text.split()[0])}
        sent = moment + timedelta(seconds=2)
        rows.append(
            (
                emails[recipient],
                recipient,
                text,
                "",
                kind,
                json.dumps(payload),
                "SENT",
                1,
                moment,
                sent,
                "",
            )
        )
    return rows


def _cases(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT c.id, c.lea_id, c.school_id, c.created_by_id, c.submitted_at, c.number,"
        " (SELECT min(a.reviewer) FROM appeals_appeal a WHERE a.case_id = c.id)"
        " FROM incidents_case c WHERE c.status <> 'DRAFT' ORDER BY c.id"
    ).fetchall()


def _site_school(conn: psycopg.Connection) -> int:
    return conn.execute(
        "SELECT organization_id FROM accounts_rolegrant WHERE user_id = %s",
        [SITE_COORDINATOR_ID],
    ).fetchone()[0]


def _cases_stamp(conn: psycopg.Connection) -> str:
    return str(conn.execute("SELECT generated_at FROM bench_cases").fetchone()[0])


def write(url: str, anchor: date, log=print) -> dict[str, int]:
    start = time.perf_counter()
    with psycopg.connect(url) as conn:
        cur = conn.cursor()
        cur.execute("DELETE FROM notifications_notice")
        cur.execute("DELETE FROM notifications_notification")
        cur.execute("DELETE FROM incidents_casenote")
        cur.execute("DELETE FROM incidents_announcement")
        teams = team_ids()
        notes, notices = notes_and_notices(_cases(conn), teams, _site_school(conn), anchor)
        counts = {
            "announcements": _copy(
                cur,
                "incidents_announcement",
                (
                    "title",
                    "body",
                    "starts_on",
                    "ends_on",
                    "audience",
                    "created_at",
                    "created_by_id",
                ),
                announcements(BENCH_CDE_REVIEWER_ID),
            ),
            "notes": _copy(
                cur, "incidents_casenote", ("case_id", "author_id", "body", "created_at"), notes
            ),
            "notices": _copy(
                cur,
                "notifications_notice",
                ("recipient_id", "text", "url", "created_at", "read_at"),
                notices,
            ),
        }
        counts["outbox rows"] = _copy(
            cur, "notifications_notification", OUTBOX_COLUMNS, outbox(conn, notices)
        )
        cur.execute("DROP TABLE IF EXISTS bench_dashboard")
        cur.execute(
            "CREATE TABLE bench_dashboard (version int, seed int, anchor date, cases text,"
            " announcements int, notes int, notices int)"
        )
        cur.execute(
            "INSERT INTO bench_dashboard VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                VERSION,
                SEED,
                anchor,
                _cases_stamp(conn),
                counts["announcements"],
                counts["notes"],
                counts["notices"],
            ],
        )
    with psycopg.connect(url, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(f"VACUUM (ANALYZE) {table}")
    log(
        f"{time.perf_counter() - start:5.0f} s  {counts['announcements']} announcements, "
        f"{counts['notes']:,} notes, {counts['notices']:,} notices, "
        f"{counts['outbox rows']:,} outbox rows (anchor {anchor})"
    )
    return counts


def ensure(url: str | None = None, *, fresh: bool = False, today: date | None = None, log=print):
    """The announcements, notes and notices, unless the bench database already holds the same
    ones, for the same generated cases, anchored at most MAX_AGE_DAYS ago. Run after
    generate_cases.ensure_cases. Returns {table: rows} and the anchor day."""
    url = bench_url(url)
    today = today or datetime.now(PACIFIC).date()
    with psycopg.connect(url) as conn:
        row = None
        if conn.execute("SELECT to_regclass('bench_dashboard')").fetchone()[0] is not None:
            row = conn.execute(
                "SELECT version, seed, anchor, cases, announcements, notes, notices"
                " FROM bench_dashboard"
            ).fetchone()
        stamp = _cases_stamp(conn)
    if (
        row
        and not fresh
        and row[:2] == (VERSION, SEED)
        and row[3] == stamp
        and (today - row[2]).days <= MAX_AGE_DAYS
    ):
        return {"announcements": row[4], "notes": row[5], "notices": row[6]}, row[2]
    log(f"writing the dashboards' announcements, notes and notices (anchor {today})")
    return write(url, today, log=log), today


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="write again even if present")
    args = parser.parse_args()
    counts, anchor = ensure(fresh=args.fresh)
    print(f"{counts} (anchor {anchor}); big LEA {BIG_LEA_ID}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
