"""A-2's stored due moment (``Appeal.due_at``) and CDE's extra closure days (T-2).

The column is added nullable, filled for the appeals filed before it with the same business-day
module as ``appeal_create`` (the end of the fourth business day after receipt; no closure day
exists yet, the table being new), then made required.
"""

from django.db import migrations, models

from appeals.business_days import appeal_due_at

BATCH = 2000


def fill_due_at(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    rows = Appeal.objects.filter(due_at__isnull=True).only("pk", "received_at").order_by("pk")
    batch = []
    # Appeals received at the same moment (a case's) share a due moment: computed once each.
    due_by_received = {}
    for appeal in rows.iterator(chunk_size=BATCH):
        received = appeal.received_at
        if received not in due_by_received:
            due_by_received[received] = appeal_due_at(received)
        appeal.due_at = due_by_received[received]
        batch.append(appeal)
        if len(batch) == BATCH:
            Appeal.objects.bulk_update(batch, ["due_at"])
            batch = []
    if batch:
        Appeal.objects.bulk_update(batch, ["due_at"])


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
