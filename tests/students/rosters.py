"""Roster files for the import tests: a header, rows built from one student's defaults, and the
management command run on them."""

from __future__ import annotations

import csv
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from students import dates

HEADER = [
    "ssid", "last_name", "first_name", "birth_date", "grade", "school_cds", "iep",
    "english_learner_status", "test", "part", "delivery", "status", "opened_at",
    "questions_completed", "dei_entries",
]  # fmt: skip
A1 = "19111116000001"  # school A1 of the tree fixture (LEA A: 19111110000000)
LEA_A = "19111110000000"
DEFAULTS = {
    "ssid": "1000000001", "last_name": "Vega", "first_name": "Rosa", "birth_date": "2015-04-30",
    "grade": "5", "school_cds": A1, "iep": "N", "english_learner_status": "EO", "test": "",
    "part": "", "delivery": "", "status": "", "opened_at": "", "questions_completed": "",
    "dei_entries": "",
}  # fmt: skip


def row(header: list[str] = HEADER, **values: object) -> list:
    """One data row for ``header``: Rosa Vega's defaults, then ``values``."""
    cells = {**DEFAULTS, **values}
    return [cells.get(column, "") for column in header]


def write_csv(tmp_path, rows, header=HEADER, name: str = "roster.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_import(path, organization: str = LEA_A, year: int | None = None) -> tuple[str, str]:
    """The command's stdout and stderr; a refused file raises CommandError."""
    out, err = StringIO(), StringIO()
    args = [str(path), "--organization", organization]
    if year:
        args += ["--school-year", str(year)]
    call_command("import_roster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def moment_ago(days: float = 0, hours: float = 0) -> str:
    """That long ago, as a roster gives it: California time (T-2), to the minute."""
    moment = timezone.now().astimezone(dates.PACIFIC) - timezone.timedelta(days=days, hours=hours)
    return moment.strftime("%Y-%m-%d %H:%M")
