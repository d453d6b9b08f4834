"""python manage.py import_roster FILE --organization CDS: students and test events, all or
nothing. See students/roster.py for the columns."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import Organization, OrganizationKind
from students import dates
from students.roster import import_roster


class Command(BaseCommand):
    help = (
        "Import students and their test events from a CSV or XLSX roster. Every row is checked "
        "first; if any is bad, nothing is imported and every bad row is listed. Only the columns "
        "the file has are updated, and a test an approved appeal changed is left as it is unless "
        "the row shows an opening or a submission after the appeal; such rows are listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The roster, .csv or .xlsx.")
        parser.add_argument(
            "--organization",
            required=True,
            metavar="CDS",
            help="CDS code of the importing LEA or school; every row's school must be inside it.",
        )
        parser.add_argument(
            "--school-year",
            type=int,
            default=None,
            metavar="YEAR",
            help="Administration of the test events, by its first year (2026 for 2026-27); "
            "default: the current one.",
        )

    def handle(self, *args, file: Path, organization: str, school_year: int | None, **options):
        if not file.is_file():
            raise CommandError(f"There is no file {file}.")
        org = Organization.objects.filter(
            cds_code=organization, kind__in=[OrganizationKind.LEA, OrganizationKind.SCHOOL]
        ).first()
        if org is None:
            raise CommandError(f"No LEA or school has the CDS code {organization}.")
        year = school_year or dates.school_year_for(timezone.localdate())
        try:
            result = import_roster(file, organization=org, school_year=year)
        except ValueError as error:  # unreadable file type
            raise CommandError(str(error)) from error
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} problem(s) in {file.name}; nothing was imported."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name} for {org.name}, "
                f"{dates.school_year_label(year)} administration. {result.summary()}"
            )
        )
