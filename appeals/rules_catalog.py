"""The incident catalog and appeal limits as plain frozen values, for the pure rules.

Two builders give the same `RulesCatalog`: `load_fixture()` reads the versioned fixture file
(pure tests, the benchmark, a machine without a database) and
`incidents.queries.rules_catalog()` reads the database rows the admin edits. Both go through
`catalog_from_data()`, so the checks below hold for either source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from appeals.assessments import ASSESSMENTS, CAASPP, DELIVERIES, ELPAC, PART_LABELS, PROGRAMS

FIXTURE_PATH: Final = (
    Path(__file__).resolve().parent.parent / "incidents" / "fixtures" / "incident_catalog_v1.json"
)

CHOICE: Final = "CHOICE"
YES_NO: Final = "YES_NO"
ANSWER_TYPES: Final = (CHOICE, YES_NO)
SEVERITIES: Final = ("BREACH", "IRREGULARITY", "IMPROPRIETY", "")

# The rules whose numbers are data. The comparison is the documents' wording and stays in code:
# A-RESET-2 "no more than" (<=), A-RESET-9 "fewer than" (<), A-INVAL-1 "more than" (>).
RESET_ELPAC_LIMIT: Final = "A-RESET-2"
RESET_CAASPP_LIMIT: Final = "A-RESET-9"
INVALIDATE_LIMIT: Final = "A-INVAL-1"
LIMIT_RULES: Final = (RESET_ELPAC_LIMIT, RESET_CAASPP_LIMIT, INVALIDATE_LIMIT)

WHOLE_TEST: Final = ""  # the part key of a limit on a test without parts (CAST, CAA, CSA)


class CatalogError(ValueError):
    """The catalog data (fixture or database rows) is inconsistent."""


@dataclass(frozen=True, slots=True)
class AnswerChoice:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class FollowUpQuestion:
    key: str
    text: str
    answer_type: str
    choices: tuple[AnswerChoice, ...] = ()

    @property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)


@dataclass(frozen=True, slots=True)
class IncidentType:
    code: str
    label: str
    severity: str
    not_stairs_incident: bool
    programs: frozenset[str]
    # Resolved at load: an empty list in the data means every test of `programs`.
    tests: frozenset[str]
    parts: frozenset[str] = frozenset()  # empty: any part, or none
    deliveries: frozenset[str] = frozenset(DELIVERIES)
    questions: tuple[FollowUpQuestion, ...] = ()

    def question(self, key: str) -> FollowUpQuestion | None:
        for q in self.questions:
            if q.key == key:
                return q
        return None

    def applies_to(self, test: str, part: str | None, delivery: str) -> bool:
        return (
            test in self.tests
            and (not self.parts or part in self.parts)
            and delivery in self.deliveries
        )

    def applicability(self) -> str:
        """E.g. "Summative ELPAC or Initial ELPAC, Listening, online"."""
        tests = [ASSESSMENTS[t].label for t in ASSESSMENTS if t in self.tests]
        text = " or ".join(tests) if len(tests) < 3 else ", ".join(tests)
        if self.parts:
            text += ", " + " or ".join(PART_LABELS[p] for p in PART_LABELS if p in self.parts)
        if self.deliveries != frozenset(DELIVERIES):
            text += ", " + " or ".join(d.lower() for d in DELIVERIES if d in self.deliveries)
        return text


@dataclass(frozen=True, slots=True)
class RulesCatalog:
    version: str
    incidents: Mapping[str, IncidentType]
    # (rule, test, part or WHOLE_TEST) -> value
    limits: Mapping[tuple[str, str, str], int] = field(default_factory=dict)

    def limit(self, rule: str, test: str, part: str | None) -> int | None:
        return self.limits.get((rule, test, part or WHOLE_TEST))

    def applicable_incidents(
        self, test: str, part: str | None, delivery: str
    ) -> tuple[IncidentType, ...]:
        """The wizard's radio list (F-1 step 2) for one test and part."""
        return tuple(i for i in self.incidents.values() if i.applies_to(test, part, delivery))


def _str_list(value: Any, allowed: Iterable[str], where: str) -> list[str]:
    allowed = tuple(allowed)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: expected a list of codes")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise CatalogError(f"{where}: unknown {', '.join(unknown)}")
    return value


def incident_from_data(raw: Mapping[str, Any]) -> IncidentType:
    code = raw["code"]
    where = f"incident {code}"
    severity = raw.get("severity", "")
    if severity not in SEVERITIES:
        raise CatalogError(f"{where}: unknown severity {severity!r}")
    not_stairs = bool(raw.get("not_stairs_incident", False))
    # F-9: only a "not a STAIRS incident" entry has no severity.
    if not_stairs != (severity == ""):
        raise CatalogError(f"{where}: a severity is required unless it is not a STAIRS incident")
    programs = _str_list(raw.get("programs", []), PROGRAMS, f"{where} programs")
    if not programs:
        raise CatalogError(f"{where}: no program")
    of_programs = [t for t, a in ASSESSMENTS.items() if a.program in programs]
    tests = _str_list(raw.get("tests", []), of_programs, f"{where} tests") or of_programs
    parts = _str_list(raw.get("parts", []), PART_LABELS, f"{where} parts")
    deliveries = _str_list(raw.get("deliveries", []), DELIVERIES, f"{where} deliveries")
    questions = []
    for q in raw.get("questions", []):
        answer_type = q.get("answer_type")
        if answer_type not in ANSWER_TYPES:
            raise CatalogError(f"{where} question {q.get('key')}: unknown type {answer_type!r}")
        choices = tuple(AnswerChoice(c["code"], c["label"]) for c in q.get("choices", []))
        if (answer_type == CHOICE) != bool(choices):
            raise CatalogError(f"{where} question {q['key']}: only a CHOICE question has choices")
        questions.append(FollowUpQuestion(q["key"], q["text"], answer_type, choices))
    if len({q.key for q in questions}) != len(questions):
        raise CatalogError(f"{where}: two questions with the same key")
    return IncidentType(
        code=code,
        label=raw["label"],
        severity=severity,
        not_stairs_incident=not_stairs,
        programs=frozenset(programs),
        tests=frozenset(tests),
        parts=frozenset(parts),
        deliveries=frozenset(deliveries or DELIVERIES),
        questions=tuple(questions),
    )


def check_limit(rule: str, test: str, part: str, value: int) -> None:
    """One limit row's invariant; shared with the model's `clean()`."""
    where = f"limit {rule} {test} {part or '(whole test)'}"
    if rule not in LIMIT_RULES:
        raise CatalogError(f"{where}: unknown rule")
    assessment = ASSESSMENTS.get(test)
    if assessment is None:
        raise CatalogError(f"{where}: unknown test")
    program = ELPAC if rule == RESET_ELPAC_LIMIT else CAASPP
    if assessment.program != program:
        raise CatalogError(f"{where}: {rule} is a limit for {program} tests")
    if (part or None) not in (assessment.parts or (None,)):
        raise CatalogError(f"{where}: not a part of {test}")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise CatalogError(f"{where}: the value must be a whole number >= 0")


def check_gap(limits: Mapping[tuple[str, str, str], int]) -> None:
    """A-RESET-9 and A-INVAL-1 may leave a gap (CDE decides) but never overlap: a count that
    both resets and invalidates would make the answer depend on the order of the code."""
    for (rule, test, part), reset_below in limits.items():
        if rule != RESET_CAASPP_LIMIT:
            continue
        invalidate_above = limits.get((INVALIDATE_LIMIT, test, part))
        if invalidate_above is not None and invalidate_above < reset_below - 1:
            raise CatalogError(
                f"limit {test} {part or '(whole test)'}: Reset below {reset_below} and "
                f"Invalidate above {invalidate_above} overlap"
            )


def catalog_from_data(data: Mapping[str, Any]) -> RulesCatalog:
    """Build a catalog from the fixture's structure (the database rows are turned into it)."""
    incidents: dict[str, IncidentType] = {}
    for raw in data.get("incident_types", []):
        incident = incident_from_data(raw)
        if incident.code in incidents:
            raise CatalogError(f"incident {incident.code}: listed twice")
        incidents[incident.code] = incident
    limits: dict[tuple[str, str, str], int] = {}
    for raw in data.get("limits", []):
        key = (raw["rule"], raw["test"], raw.get("part") or WHOLE_TEST)
        check_limit(*key, raw["value"])
        if key in limits:
            raise CatalogError(f"limit {' '.join(key)}: listed twice")
        limits[key] = raw["value"]
    check_gap(limits)
    return RulesCatalog(
        version=str(data.get("version", "")),
        incidents=MappingProxyType(incidents),
        limits=MappingProxyType(limits),
    )


def load_fixture(path: Path = FIXTURE_PATH) -> RulesCatalog:
    """The catalog straight from the versioned fixture file, without a database."""
    with path.open(encoding="utf-8") as f:
        return catalog_from_data(json.load(f))
