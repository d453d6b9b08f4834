"""The review queues' Unclaimed tab (issue 9, "Speed"): the open appeals nobody holds, per team,
by due date. Without it the tab's capped count read the table until 1,001 unclaimed rows
matched (a sequential scan, 8 to 13 ms at 410,000 appeals: bench/RESULTS.md)."""

import stairs.vocabulary
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0005_appeal_place"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(
                    ("claimed_by__isnull", True),
                    (
                        "status__in",
                        [
                            stairs.vocabulary.AppealStatus["PENDING"],
                            stairs.vocabulary.AppealStatus["PENDING_APPROVAL"],
                        ],
                    ),
                ),
                fields=["reviewer", "due_at", "id"],
                name="appeal_unclaimed_idx",
            ),
        ),
    ]
