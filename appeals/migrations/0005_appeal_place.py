"""Each appeal carries its case's LEA, school and program (copied when it is filed), so who may
see it and Search Appeals's filters read the appeal's own row and indexes (issue 9's speed)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_place(apps, schema_editor):
    """Set-based: one UPDATE with the case's three values for every appeal already filed."""
    Appeal = apps.get_model("appeals", "Appeal")
    Case = apps.get_model("incidents", "Case")
    case = Case.objects.filter(pk=OuterRef("case_id"))
    Appeal.objects.update(
        lea_id=Subquery(case.values("lea_id")[:1]),
        school_id=Subquery(case.values("school_id")[:1]),
        program=Subquery(case.values("program")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_away_since"),
        ("appeals", "0004_search_indexes"),
        ("incidents", "0007_case_search_newest_index"),
    ]

    operations = [
        migrations.AlterModelOptions(name="appeal", options={"ordering": ["case_id", "pk"]}),
        migrations.AddField(
            model_name="appeal",
            name="lea",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="school",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddField(
            model_name="appeal",
            name="program",
            field=models.CharField(
                choices=[("CAASPP", "CAASPP"), ("ELPAC", "ELPAC")], default="", max_length=8
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_place, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appeal",
            name="lea",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="school",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                fields=["lea", "program", "-received_at", "-id"], name="appeal_lea_newest_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                fields=["school", "program", "-received_at", "-id"],
                name="appeal_school_newest_idx",
            ),
        ),
    ]
