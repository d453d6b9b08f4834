"""The one vocabulary (stairs/vocabulary.py) and the one catalog loader stay pure and usable as
plain strings (issue 7, A1)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stairs import vocabulary

ROOT = Path(__file__).resolve().parents[2]
ENUMS = [
    vocabulary.Program,
    vocabulary.AssessmentCode,
    vocabulary.PartCode,
    vocabulary.Delivery,
    vocabulary.TestStatus,
    vocabulary.AppealType,
    vocabulary.Reviewer,
]


@pytest.mark.parametrize("enum", ENUMS, ids=[e.__name__ for e in ENUMS])
def test_each_code_works_as_the_plain_string_it_is(enum) -> None:
    # Enum hashes a member by its name: with name == value, a member and the string read from
    # JSON or a database row find the same dictionary entry.
    for member in enum:
        assert member.name == member.value
        assert {member.value: True}[member] and {member: True}[member.value]
        assert member.label and member.short_label


def test_the_vocabulary_and_the_fixture_loader_import_no_django() -> None:
    code = (
        "import sys; import stairs.vocabulary, stairs.catalog_fixtures, appeals.rules; "
        "sys.exit('django' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False, timeout=60)
    assert done.returncode == 0
