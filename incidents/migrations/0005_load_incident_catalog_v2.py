"""Load version 2 of the incident catalog (issue 7, B11, from seed 003): the TEST_EXPIRED cause
PT_STARTED_BY_MISTAKE (Re-open 2) and the INCORRECT_ASSESSMENT follow-up nonallowable_materials,
asked only for SUMMATIVE_INSTEAD_OF_PRACTICE (Reset 11, 14).

An existing database gets them on its next migrate (`make run` migrates); rows an administrator
edited are overwritten only where version 2 names them. Reversing loads version 1 again, which
drops the new choice and question.
"""

from django.db import migrations

from stairs.catalog_fixtures import load_incident_catalog


def load_v2(apps, schema_editor):
    load_incident_catalog(apps, "incident_catalog_v2.json")


def back_to_v1(apps, schema_editor):
    load_incident_catalog(apps, "incident_catalog_v1.json")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_followup_asked_when")]

    operations = [migrations.RunPython(load_v2, back_to_v1)]
