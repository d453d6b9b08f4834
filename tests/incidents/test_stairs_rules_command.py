"""`python manage.py stairs_rules` end to end, exactly as contracts.md specifies: a JSON array of
situations on stdin, a JSON array of decisions on stdout in the same order, an error object in
place of an invalid situation and exit status 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from incidents.models import AppealLimit, IncidentType
from incidents.queries import rules_catalog

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DECISION_FIELDS = [
    "appeal",
    "reviewer",
    "appealable",
    "manual_review",
    "irregularity_notation",
    "rule",
    "reason",
]
EXAMPLE = {  # contracts.md's example
    "incident": "NONALLOWABLE_MATERIALS",
    "test": "SB_MATH",
    "part": "NON_PT",
    "grade": 7,
    "questions_completed": 4,
}


def run(situations: object, *args: str) -> list:
    """The command via call_command; returns its decoded stdout, raises what it raises."""
    out = StringIO()
    stdin = StringIO(situations if isinstance(situations, str) else json.dumps(situations))
    call_command("stairs_rules", *args, stdin=stdin, stdout=out)
    return json.loads(out.getvalue())


def test_contract_example_gives_a_caltac_reset():
    # rule A-RESET-9
    decisions = run([EXAMPLE])
    assert len(decisions) == 1
    d = decisions[0]
    assert list(d) == DECISION_FIELDS
    assert {k: d[k] for k in DECISION_FIELDS[:-1]} == {
        "appeal": "RESET",
        "reviewer": "CALTAC",
        "appealable": True,
        "manual_review": False,
        "irregularity_notation": False,
        "rule": "A-RESET-9",
    }
    assert "fewer than 10" in d["reason"] and "4 non-PT questions were completed" in d["reason"]


def test_decisions_come_back_in_the_order_of_the_situations():
    situations = [
        {**EXAMPLE, "questions_completed": 11, "test_status": "SUBMITTED"},  # rule A-INVAL-1
        EXAMPLE,  # rule A-RESET-9
        {**EXAMPLE, "questions_completed": 10},  # the gap: CDE by hand
        {"incident": "PARENT_EXEMPTION", "test": "CAST", "grade": 8},  # rule F-9
        {  # rule C-2
            "incident": "CHEATING",
            "test": "SUMMATIVE_ELPAC",
            "part": "READING",
            "grade": 4,
        },
    ]
    decisions = run(situations)
    assert [(d["appeal"], d["rule"], d["manual_review"]) for d in decisions] == [
        ("INVALIDATE", "A-INVAL-1", False),
        ("RESET", "A-RESET-9", False),
        (None, "A-INVAL-1", True),
        (None, "F-9", False),
        (None, "C-2", False),
    ]
    assert decisions[4]["irregularity_notation"] is True


def test_empty_array_gives_an_empty_array():
    assert run([]) == []


def test_invalid_situation_gets_an_error_in_its_place_and_exit_status_1():
    out = StringIO()
    stdin = StringIO(
        json.dumps(
            [
                EXAMPLE,
                {**EXAMPLE, "part": "READING"},
                {**EXAMPLE, "grade": 13},
                {**EXAMPLE, "questions_completed": -2},
                {**EXAMPLE, "incident": "FLOOD"},
                {**EXAMPLE, "colour": "red"},
                {**EXAMPLE, "answers": {"cause": "OTHER"}},
                EXAMPLE,
            ]
        )
    )
    with pytest.raises(CommandError) as err:
        call_command("stairs_rules", stdin=stdin, stdout=out)
    assert err.value.returncode == 1
    results = json.loads(out.getvalue())
    assert results[0]["rule"] == "A-RESET-9" and results[7]["rule"] == "A-RESET-9"
    assert results[1:7] == [
        {"error": "part: 'READING' is not a part of SB_MATH; use NON_PT or PT"},
        {"error": "grade: 13 is outside 0-12 (0 is kindergarten)"},
        {"error": "questions_completed: -2 is negative"},
        {"error": "incident: unknown incident 'FLOOD'"},
        {"error": "colour: unknown field"},
        {
            "error": "answers.cause: not a follow-up question of NONALLOWABLE_MATERIALS "
            "(its questions: none)"
        },
    ]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("not json", "stdin: not valid JSON"),
        ('{"incident": "CHEATING"}', "stdin: expected a JSON array of situations"),
        # json.loads raises ValueError past Python's 4,300-digit limit and RecursionError on
        # deep nesting, not JSONDecodeError: still one plain line and exit status 1 (L1).
        ("[" + "7" * 5000 + "]", "stdin: cannot read the JSON: a number has more than 4,300"),
        ('[{"grade": ' + "1" * 4301 + "}]", "a number has more than 4,300 digits"),
        (
            "[" * 100_000 + "]" * 100_000,
            "stdin: cannot read the JSON: arrays or objects are nested",
        ),
        ('[{"answers": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001 + "]", "nested too deeply"),
    ],
)
def test_input_that_is_not_an_array_is_refused(stdin, message):
    with pytest.raises(CommandError, match=message) as err:
        run(stdin)
    assert err.value.returncode == 1


@pytest.mark.parametrize(
    "stdin",
    ["[" + "9" * 5000 + "]", "[" * 100_000 + "]" * 100_000],
    ids=["long_integer", "deep_nesting"],
)
def test_real_process_says_what_is_wrong_without_a_traceback(stdin):
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "stairs_rules"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_subprocess_env(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("CommandError: stdin: cannot read the JSON")
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_command_reads_the_limits_from_the_database():
    # The numbers are data (A-RESET-9): an admin edit changes the command's answer.
    AppealLimit.objects.filter(rule="A-RESET-9", test="SB_MATH", part="NON_PT").update(value=4)
    AppealLimit.objects.filter(rule="A-INVAL-1", test="SB_MATH", part="NON_PT").update(value=4)
    decisions = run([EXAMPLE])
    assert decisions[0]["rule"] == "A-INVAL-1" and decisions[0]["manual_review"] is True


def test_command_writes_nothing(django_assert_num_queries):
    # It reads the catalog once (six queries) whatever the number of situations.
    with django_assert_num_queries(6):
        run([EXAMPLE] * 50)


def test_command_can_read_the_catalog_file_instead_of_the_database():
    fixture = ROOT / "incidents" / "fixtures" / "incident_catalog_v1.json"
    decisions = run([EXAMPLE], "--catalog-file", str(fixture))
    assert decisions[0]["rule"] == "A-RESET-9"


def test_indent_option_pretty_prints():
    out = StringIO()
    call_command("stairs_rules", "--indent", "2", stdin=StringIO("[]"), stdout=out)
    assert out.getvalue().strip() == "[]"


def _subprocess_env() -> dict[str, str]:
    """The test database, for a separate process (it sees the migration's committed rows)."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("the subprocess test needs the PostgreSQL test database")
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return {**os.environ, "DATABASE_URL": url}


def test_real_process_reads_stdin_and_sets_the_exit_status():
    situations = [EXAMPLE, {**EXAMPLE, "test": "SB_SCIENCE"}]
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "stairs_rules"],
        input=json.dumps(situations),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_subprocess_env(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    results = json.loads(done.stdout)
    assert results[0]["appeal"] == "RESET" and results[0]["reviewer"] == "CALTAC"
    assert results[1]["error"].startswith("test: 'SB_SCIENCE' is not one of SB_ELA")
    assert "invalid situations: 1 of 2" in done.stderr

    ok = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "stairs_rules"],
        input=json.dumps([EXAMPLE]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_subprocess_env(),
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["rule"] == "A-RESET-9"


# --- --help is self-contained (issue 7, B2) ---------------------------------------------------


def _help() -> str:
    from incidents.management.commands.stairs_rules import Command

    return Command().create_parser("manage.py", "stairs_rules").format_help()


def test_help_lists_the_fields_the_codes_the_answers_and_an_example():
    text = _help()
    for field in ("incident", "test", "part", "grade", "delivery", "questions_completed"):
        assert f"\n  {field} " in text, field
    for field in ("iep_or_504", "test_status", "reset_by_appeal", "within_window", "answers"):
        assert f"\n  {field} " in text, field
    catalog = rules_catalog()
    for code, incident in catalog.incidents.items():
        assert f"\n  {code} " in text, code
        for question in incident.questions:
            assert f"answers.{question.key}:" in text, (code, question.key)
            for choice in question.choice_codes:
                assert choice in text, (code, choice)
    assert "(only when what is SUMMATIVE_INSTEAD_OF_PRACTICE)" in " ".join(text.split())
    assert "Example:" in text and "python manage.py stairs_rules" in text
    assert "SB_ELA" in text and "INITIAL_ELPAC" in text and "PT_STARTED_BY_MISTAKE" in text


def test_help_points_to_no_file_outside_the_repository():
    # The old help sent readers to contracts.md, which is not in the repository.
    assert ".md" not in _help()


def test_help_reads_the_incident_list_from_the_catalog_rows():
    IncidentType.objects.filter(code="CHEATING").update(label="Cheating, as edited in the admin")
    assert "Cheating, as edited in the admin" in _help()
