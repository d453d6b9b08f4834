"""Load version 1 of the assessment catalog (students/fixtures/assessment_catalog_v1.json).

A later school year's changes go in a new fixture version loaded by a new migration like this one.
"""

from django.db import migrations


def load_v1(apps, schema_editor):
    from stairs.catalog_fixtures import load_assessment_catalog

    load_assessment_catalog(apps, "assessment_catalog_v1.json")


class Migration(migrations.Migration):
    dependencies = [("students", "0001_initial")]

    operations = [migrations.RunPython(load_v1, migrations.RunPython.noop)]
