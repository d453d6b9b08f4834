"""`python manage.py stairs_rules`: the appeal rules without a browser (a stable interface).

Reads a JSON array of situations on standard input and prints a JSON array of decisions, one for
each, in order. An invalid situation yields {"error": "<field>: <what is wrong>"} in its place
and the exit status is then 1. It writes nothing: it reads the catalog and its limits once and
calls the same pure functions as the wizard (appeals.rules.parse_situation and decide).

`--help` is self-contained: the fields, the codes, every incident of the catalog with its
follow-up questions and answers (read from the database, or from the catalog files when there
is no database yet), and an example.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import IO, Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.db import DatabaseError

from appeals.rules import RulesCatalog, SituationError, decide, parse_situation
from appeals.rules.catalog import CatalogError, load_fixture
from incidents.queries import rules_catalog
from stairs.vocabulary import Delivery, TestStatus

EXAMPLE = (
    """echo '[{"incident": "NONALLOWABLE_MATERIALS", "test": "SB_MATH", "part": "NON_PT", """
    """"grade": 7, "questions_completed": 4}]' | python manage.py stairs_rules"""
)
# (field, what it takes) in the order parse_situation checks them.
_FIELDS = (
    ("incident", "an incident code from the list below (required)"),
    ("test", "{tests} (required)"),
    ("part", "{parts}; leave it out for a test taken as a whole"),
    ("grade", "0 to 12, 0 being kindergarten (required)"),
    ("delivery", "{deliveries} (default ONLINE)"),
    ("questions_completed", "whole number >= 0, for that part or domain (default 0)"),
    ("iep_or_504", "true or false (default false)"),
    ("test_status", "{statuses} (default IN_PROGRESS)"),
    (
        "reset_by_appeal",
        "true when a RESET status came from an approved Reset Appeal (default false)",
    ),
    ("within_window", "false when the LEA's testing window is closed (default true)"),
    ("answers", "the follow-up answers by key, as listed below (default {{}})"),
)


def _codes(codes: list[str] | tuple[str, ...]) -> str:
    return ", ".join(codes[:-1]) + " or " + codes[-1] if len(codes) > 1 else codes[0]


def _wrapped(line: str, indent: int) -> list[str]:
    return textwrap.wrap(line, width=79, subsequent_indent=" " * indent, break_on_hyphens=False)


def _help_catalog() -> tuple[RulesCatalog, str]:
    try:
        return rules_catalog(), "the database"
    except (DatabaseError, CatalogError):
        # --help must work in a fresh checkout before migrate: the versioned catalog files.
        return load_fixture(), "the catalog files, as the database is not set up yet"


def help_epilog() -> str:
    """The part of --help read from the catalog: fields, codes, incidents and their answers."""
    catalog, source = _help_catalog()
    parts_by_program: dict[str, list[str]] = {}
    for assessment in catalog.assessments.values():
        for part in assessment.part_codes:
            codes = parts_by_program.setdefault(assessment.program, [])
            if part not in codes:
                codes.append(part)
    values = {
        "tests": _codes(list(catalog.assessments)),
        "parts": "; ".join(
            f"{program}: {_codes(codes)}" for program, codes in parts_by_program.items()
        ),
        "deliveries": _codes([d.value for d in Delivery]),
        "statuses": _codes([s.value for s in TestStatus]),
    }
    lines = ["A situation is a JSON object with these fields:"]
    for name, text in _FIELDS:
        lines += _wrapped(f"  {name:<20} {text.format(**values)}", 23)
    lines += [
        "",
        "Each decision has the fields appeal, reviewer, appealable, manual_review,",
        "irregularity_notation, rule (the rule id) and reason (a sentence for the",
        "coordinator).",
        "",
        f"Incident codes and their follow-up answers (from {source}):",
    ]
    for code, incident in catalog.incidents.items():
        lines += _wrapped(f"  {code} {incident.label}", 6)
        for question in incident.questions:
            answers = _codes(question.choice_codes) if question.choices else "true or false"
            when = ""
            if question.asked_when:
                when = f" (only when {question.asked_when[0]} is {question.asked_when[1]})"
            lines += _wrapped(f"      answers.{question.key}: {answers}{when}", 10)
    lines += ["", "Example:", f"  {EXAMPLE}"]
    return "\n".join(lines)


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's formatter, keeping the epilog's lines and indentation as written."""


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
        "Read a JSON array of situations on stdin and print a JSON array with the appeal\n"
        "decision for each, in order. An invalid situation gets\n"
        '{"error": "<field>: <what is wrong>"} in its place and the exit status is then 1.\n'
        "Nothing is written."
    )
    # call_command(..., stdin=StringIO(...)) in tests, as createsuperuser does.
    stealth_options = ("stdin",)
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter
        format_help = parser.format_help

        def format_help_with_catalog() -> str:
            # Read the catalog only when help is asked for: a normal run reads it once, later.
            parser.epilog = help_epilog()
            return format_help()

        parser.format_help = format_help_with_catalog  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--indent", type=int, default=None, help="Pretty-print the output with this indent."
        )
        parser.add_argument(
            "--catalog-file",
            type=Path,
            default=None,
            help="Read the incident catalog from this fixture file instead of the database.",
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
