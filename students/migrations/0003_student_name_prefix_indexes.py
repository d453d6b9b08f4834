"""Case-insensitive prefix indexes for the student search (bench/RESULTS.md, "Student search at
state scale").

students.queries.student_search matches every word with istartswith on the last, first and
middle name, which Django writes on PostgreSQL as UPPER("last_name"::text) LIKE 'GARC%'. A btree
on UPPER(name) with text_pattern_ops answers that with a range scan whatever the database's
collation; one index per name turns the OR of the three into a BitmapOr. ANALYZE also keeps
statistics on each indexed UPPER(name), so the planner knows how many students a prefix matches.
Without them a rare surname read the whole table: 2 s at a million students.

PostgreSQL only, and kept out of the migration state on purpose: text_pattern_ops does not exist
on SQLite (the quick start: a few hundred students need no index), and an index in the model
state would be created again by every later migration that remakes the table on SQLite, and fail
there. On PostgreSQL, CREATE INDEX blocks writes to the table while it builds: a few seconds per
million students.
"""

from django.db import migrations

NAMES = ("last_name", "first_name", "middle_name")


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    for name in NAMES:
        # Written out: Django's OpClass() needs django.contrib.postgres in INSTALLED_APPS.
        schema_editor.execute(
            f"CREATE INDEX {q(f'student_{name}_prefix_idx')} ON {q('students_student')} "
            f"((UPPER({q(name)}::text)) text_pattern_ops)"
        )
    # The planner's statistics on UPPER(name) come with the next ANALYZE; a table that rarely
    # changes may wait long for autovacuum's.
    schema_editor.execute(f"ANALYZE {q('students_student')}")


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX {q(f'student_{name}_prefix_idx')}")


class Migration(migrations.Migration):
    dependencies = [("students", "0002_load_assessment_catalog")]

    operations = [migrations.RunPython(add_indexes, remove_indexes, elidable=False)]
