"""Indexes of the start pages (issue 10, "Speed": each dashboard at state scale in 50 ms p95;
bench/RESULTS.md, "Dashboards at state scale").

PostgreSQL only, and kept out of the migration state, as students/0003 does: three are on
appeals_appeal, which an incidents migration cannot declare as model indexes, one is on an
expression in a time zone, which SQLite (the quick start) has no use for. On PostgreSQL, CREATE
INDEX blocks writes to the table while it builds: a second or two each at 150,000 cases and
410,000 appeals. Each serves one read of incidents/dashboard.py or
incidents/reviewer_dashboard.py:

- case_lea_status_idx, case_school_status_idx: the coordinators' counts by status, the weekly
  chart and the scope's side of the notes' join, index-only over the scope's cases (lea or
  school, program, status, submitted, and the id);
- casenote_recent_idx: the to-do list's cases with new notes, from the week's notes;
- appeal_lea_rejected_idx, appeal_school_rejected_idx: the to-do list's rejected appeals, the
  ten newest decisions read in order;
- appeal_decided_day_idx: the reviewers' decisions per Pacific day (both charts), index-only.
"""

from django.db import migrations

REJECTED = "('REJECTED_BY_CDE', 'REJECTED_BY_CALTAC', 'REJECTED_BY_SYSTEM')"

INDEXES = {
    "case_lea_status_idx": "incidents_case (lea_id, program, status, submitted_at) INCLUDE (id)",
    "case_school_status_idx": (
        "incidents_case (school_id, program, status, submitted_at) INCLUDE (id)"
    ),
    "casenote_recent_idx": "incidents_casenote (created_at) INCLUDE (case_id, author_id)",
    "appeal_lea_rejected_idx": (
        f"appeals_appeal (lea_id, program, decided_at DESC, id DESC) WHERE status IN {REJECTED}"
    ),
    "appeal_school_rejected_idx": (
        f"appeals_appeal (school_id, program, decided_at DESC, id DESC) WHERE status IN {REJECTED}"
    ),
    "appeal_decided_day_idx": (
        "appeals_appeal (reviewer, ((decided_at AT TIME ZONE 'America/Los_Angeles')::date))"
        " INCLUDE (status, decided_at, due_at) WHERE decided_at IS NOT NULL"
    ),
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {schema_editor.quote_name(name)} ON {definition}")
    # Statistics on the expression come with the next ANALYZE.
    for table in ("incidents_case", "incidents_casenote", "appeals_appeal"):
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0008_announcements"),
        ("appeals", "0009_lea_search_indexes"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes, elidable=False)]
