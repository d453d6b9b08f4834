"""The overdue sweep's mark moves from a column of the appeal to a narrow table of its own
(appeals.AppealOverdue): marking 46,200 appeals at once took 2.2 s as an update of the appeal
rows (15 indexes) and their timeline rows; an insert of narrow rows takes a fraction of it."""

import django.db.models.deletion
from django.db import migrations, models


def copy_marks(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    AppealOverdue = apps.get_model("appeals", "AppealOverdue")
    marked = Appeal.objects.filter(overdue_at__isnull=False).values_list(
        "pk", "reviewer", "overdue_at"
    )
    AppealOverdue.objects.bulk_create(
        (AppealOverdue(appeal_id=pk, reviewer=reviewer, at=at) for pk, reviewer, at in marked),
        batch_size=5000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0007_fewer_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='AppealOverdue',
            fields=[
                ('appeal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='overdue', serialize=False, to='appeals.appeal')),
                ('reviewer', models.CharField(choices=[('CALTAC', 'CalTAC'), ('CDE', 'CDE')], max_length=8)),
                ('at', models.DateTimeField(verbose_name='marked overdue at')),
            ],
            options={
                'verbose_name': 'overdue mark',
            },
        ),
        migrations.RunPython(copy_marks, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='appeal',
            name='overdue_at',
        ),
    ]
