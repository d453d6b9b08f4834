"""A-2's stored due moment (``Appeal.due_at``) and CDE's extra closure days (T-2).

The column is added nullable, filled for the appeals filed before it with the same business-day
module as ``appeal_create`` (the end of the fourth business day after receipt; no closure day
exists yet, the table being new), then made required.
"""

from datetime import datetime, time, timedelta

from django.db import migrations, models
from django.db.models.functions import TruncDate

from appeals.business_days import appeal_due_at
from students.dates import PACIFIC

DAYS_PER_UPDATE = 100


def fill_due_at(apps, schema_editor):
    """Set-based, as the bench database holds 400,000 appeals: the due moment depends only on
    the day of receipt in California, so each day's is computed once and the appeals received
    that day get it in one UPDATE per hundred days (a CASE over the days' UTC ranges)."""
    Appeal = apps.get_model("appeals", "Appeal")
    todo = Appeal.objects.filter(due_at__isnull=True)
    days = sorted(
        todo.annotate(day=TruncDate("received_at", tzinfo=PACIFIC))
        .values_list("day", flat=True)
        .distinct()
        .order_by()
    )
    for i in range(0, len(days), DAYS_PER_UPDATE):
        whens = []
        for day in days[i : i + DAYS_PER_UPDATE]:
            start = datetime.combine(day, time(), tzinfo=PACIFIC)
            end = datetime.combine(day + timedelta(days=1), time(), tzinfo=PACIFIC)
            whens.append(
                models.When(
                    received_at__gte=start,
                    received_at__lt=end,
                    then=models.Value(appeal_due_at(start)),
                )
            )
        first = datetime.combine(days[i], time(), tzinfo=PACIFIC)
        last = datetime.combine(
            days[min(i + DAYS_PER_UPDATE, len(days)) - 1] + timedelta(days=1),
            time(),
            tzinfo=PACIFIC,
        )
        todo.filter(received_at__gte=first, received_at__lt=last).update(
            due_at=models.Case(*whens, output_field=models.DateTimeField())
        )


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_appeals"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClosureDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(unique=True)),
                (
                    "reason",
                    models.CharField(
                        help_text="Why the offices are closed that day.", max_length=200
                    ),
                ),
            ],
            options={
                "ordering": ["date"],
            },
        ),
        migrations.AddField(
            model_name="appeal",
            name="due_at",
            field=models.DateTimeField(null=True, verbose_name="due"),
        ),
        migrations.RunPython(fill_due_at, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="appeal",
            name="due_at",
            field=models.DateTimeField(verbose_name="due"),
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(fields=["status", "due_at"], name="appeal_due_idx"),
        ),
    ]
