"""`python manage.py stairs_rules`: the appeal rules without a browser (contracts.md).

Reads a JSON array of situations on standard input and prints a JSON array of decisions, one for
each, in order. An invalid situation yields {"error": "<field>: <what is wrong>"} in its place
and the exit status is then 1. It writes nothing: it reads the catalog and its limits once and
calls the same pure functions as the wizard (appeals.rules.parse_situation and decide).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appeals.rules import RulesCatalog, SituationError, decide, parse_situation
from appeals.rules.catalog import CatalogError, load_fixture
from incidents.queries import rules_catalog


def _read_json(stdin: IO[str]) -> Any:
    """The decoded input, or a CommandError with one plain line (contracts.md: exit status 1).

    json.loads raises more than JSONDecodeError on hostile input: ValueError for an integer of
    more than 4,300 digits (Python's int conversion limit) and RecursionError for arrays or
    objects nested some thousand levels deep; reading raises UnicodeDecodeError for bytes that
    are not UTF-8. None of them may end in a traceback with nothing on stdout.
    """
    try:
        return json.loads(stdin.read())
    except json.JSONDecodeError as err:  # before ValueError, its base class
        raise CommandError(f"stdin: not valid JSON ({err})") from err
    except UnicodeDecodeError as err:
        raise CommandError("stdin: not valid JSON (the input is not UTF-8 text)") from err
    except RecursionError as err:
        raise CommandError(
            "stdin: cannot read the JSON: arrays or objects are nested too deeply"
        ) from err
    except ValueError as err:
        if "digits" in str(err):
            raise CommandError(
                "stdin: cannot read the JSON: a number has more than 4,300 digits"
            ) from err
        raise CommandError(f"stdin: not valid JSON ({err})") from err


class Command(BaseCommand):
    help = (
        "Read a JSON array of situations on stdin and print the appeal decision for each "
        "(contracts.md). Exit status 1 if any situation is invalid."
    )
    # call_command(..., stdin=StringIO(...)) in tests, as createsuperuser does.
    stealth_options = ("stdin",)
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--indent", type=int, default=None, help="Pretty-print the output with this indent."
        )
        parser.add_argument(
            "--catalog-file",
            type=Path,
            default=None,
            help="Read the catalog from this fixture file instead of the database.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = options.get("stdin") or sys.stdin
        situations = _read_json(stdin)
        if not isinstance(situations, list):
            raise CommandError("stdin: expected a JSON array of situations")

        catalog = self._catalog(options["catalog_file"])
        results: list[dict[str, Any]] = []
        invalid = 0
        for raw in situations:
            try:
                results.append(decide(parse_situation(raw, catalog), catalog).as_dict())
            except SituationError as err:
                invalid += 1
                results.append({"error": str(err)})

        self.stdout.write(json.dumps(results, indent=options["indent"], ensure_ascii=False))
        if invalid:
            # stdout already holds every answer; the status tells a script that some failed.
            raise CommandError(f"invalid situations: {invalid} of {len(situations)}", returncode=1)

    def _catalog(self, path: Path | None) -> RulesCatalog:
        try:
            if path is not None:
                return load_fixture(path)
            return rules_catalog()
        except (CatalogError, OSError, ValueError) as err:
            raise CommandError(f"catalog: {err}") from err
