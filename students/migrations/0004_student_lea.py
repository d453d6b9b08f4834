"""The school's LEA on each student row, and the name search's prefix indexes per LEA (bench/
RESULTS.md, "Every page at state scale").

An LEA coordinator's students were those whose school's parent is the LEA: every query joined the
schools, and a name search built a bitmap of every matching student in the state before keeping
the LEA's (at 5.85 million students, "garcia maria" read 30,000 heap blocks to keep 545 rows:
0.3 s). With ``lea_id`` on the row the scope is one indexed column, and a btree on
(lea_id, UPPER(name) text_pattern_ops) per name answers "this LEA's students whose name starts
with ..." with a range scan of that LEA's entries only.

The indexes are PostgreSQL only and kept out of the migration state, as in students/0003 (which
says why). The migration is one transaction that holds the table's exclusive lock from the new
column to the last index: at the state's size a maintenance window of several minutes, in which
student pages wait. The backfill rewrites every row, so VACUUM ANALYZE the table afterwards.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

NAMES = ("last_name", "first_name", "middle_name")


def fill_lea(apps, schema_editor):
    Student = apps.get_model("students", "Student")
    Organization = apps.get_model("accounts", "Organization")
    parent = Organization.objects.filter(pk=OuterRef("school_id")).values("parent_id")[:1]
    Student.objects.update(lea_id=Subquery(parent))


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    for name in NAMES:
        schema_editor.execute(
            f"CREATE INDEX {q(f'student_lea_{name}_prefix_idx')} ON {q('students_student')} "
            f"({q('lea_id')}, (UPPER({q(name)}::text)) text_pattern_ops)"
        )
    schema_editor.execute(f"ANALYZE {q('students_student')}")


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX {q(f'student_lea_{name}_prefix_idx')}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("students", "0003_student_name_prefix_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="student",
            name="lea",
            # No constraint while the rows are filled: the UPDATE would otherwise queue a
            # deferred check per row, and PostgreSQL refuses to alter a table with checks
            # pending. The AlterField below adds it, checked once over the whole table.
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                limit_choices_to={"kind": "LEA"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.RunPython(fill_lea, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="student",
            name="lea",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                limit_choices_to={"kind": "LEA"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.RunPython(add_indexes, remove_indexes, elidable=False),
    ]
