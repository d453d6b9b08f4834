"""Load version 1 of the incident catalog and appeal limits (2025-26 administration).

Next year: add incidents/fixtures/incident_catalog_v2.json and a migration like this one that
loads it; the rows the admin edited meanwhile are overwritten only where v2 names them.
"""

from django.db import migrations

from stairs.catalog_fixtures import load_incident_catalog, unload_incident_catalog

FIXTURE = "incident_catalog_v1.json"


def load(apps, schema_editor):
    load_incident_catalog(apps, FIXTURE)


def unload(apps, schema_editor):
    unload_incident_catalog(apps, FIXTURE)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
