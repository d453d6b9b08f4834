"""The catalog the rules read, as plain frozen values: the assessments (program, parts, pause
rule, expiry, DEI entry, grades served), the incident types with their follow-up questions, and
the appeal limits.

One source, two readers of it: `incidents.queries.rules_catalog()` turns the rows the admin
edits (students' Assessment/AssessmentPart, incidents' catalog and limits) into a
`RulesCatalog`; `load_fixture()` reads the same structure from the versioned fixture files
(tests, the benchmark, `stairs_rules --catalog-file`). Both go through `catalog_from_data()`, so
the checks below hold for either. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from stairs import catalog_fixtures
from stairs.vocabulary import Delivery, PartCode, Program

CHOICE: Final = "CHOICE"
YES_NO: Final = "YES_NO"
ANSWER_TYPES: Final = (CHOICE, YES_NO)
SEVERITIES: Final = ("BREACH", "IRREGULARITY", "IMPROPRIETY", "")

# The rules whose numbers are data. The comparison is the rule's wording and stays in code:
# A-RESET-2 "no more than" (<=), A-RESET-9 "fewer than" (<), A-INVAL-1 "more than" (>).
RESET_ELPAC_LIMIT: Final = "A-RESET-2"
RESET_CAASPP_LIMIT: Final = "A-RESET-9"
INVALIDATE_LIMIT: Final = "A-INVAL-1"
LIMIT_RULES: Final = (RESET_ELPAC_LIMIT, RESET_CAASPP_LIMIT, INVALIDATE_LIMIT)

WHOLE_TEST: Final = ""  # the part code of a test taken as a whole (CAST, CAA, CSA; C-1)
# Looked up per decision, so a plain dict rather than an Enum call.
_PART_SHORT_LABELS: Final = MappingProxyType({part.value: part.short_label for part in PartCode})


class CatalogError(ValueError):
    """The catalog data (fixture or database rows) is inconsistent."""


# --- assessments -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartFacts:
    code: str  # a PartCode, or WHOLE_TEST
    pause_rule: bool  # T-3: the 20-minute pause rule (online only)
    expiry_days: int | None  # T-1: calendar days from start or opening; None: no expiry
    # Grades whose online test is also entered in the DEI (ELPAC Speaking, Initial ELPAC
    # Writing K-2, the CAA for ELA and Science; 001, 003). A paper test always is.
    online_dei_grades: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class AssessmentFacts:
    code: str
    label: str
    program: str
    grades: frozenset[int]  # grades served
    parts: Mapping[str, PartFacts]  # by code, in the catalog's order; WHOLE_TEST for a whole test
    # The parts or domains a situation names; () for a test taken as a whole (C-1).
    part_codes: tuple[str, ...] = ()

    def part(self, part: str | None) -> PartFacts | None:
        return self.parts.get(part or WHOLE_TEST)

    def part_label(self, part: str | None) -> str:
        """E.g. "Smarter Balanced Mathematics non-PT", "Summative ELPAC Reading"."""
        return f"{self.label} {_PART_SHORT_LABELS[part]}" if part else self.label

    def has_pause_rule(self, part: str | None, delivery: str) -> bool:
        # T-3 and A-GPE-1: the pause rule is a TDS (online) rule; paper has none.
        facts = self.part(part)
        return delivery == Delivery.ONLINE and facts is not None and facts.pause_rule

    def expiry_days(self, part: str | None) -> int | None:
        facts = self.part(part)
        return facts.expiry_days if facts else None

    def uses_dei(self, part: str | None, delivery: str, grade: int) -> bool:
        if delivery == Delivery.PAPER:
            return True
        facts = self.part(part)
        return facts is not None and grade in facts.online_dei_grades


def _grades(value: Any, where: str) -> frozenset[int]:
    if not isinstance(value, list) or not all(
        isinstance(g, int) and not isinstance(g, bool) and 0 <= g <= 12 for g in value
    ):
        raise CatalogError(f"{where}: grades must be a list of 0 to 12")
    return frozenset(value)


def assessment_from_data(raw: Mapping[str, Any]) -> AssessmentFacts:
    code = raw["code"]
    where = f"assessment {code}"
    if raw.get("program") not in tuple(Program):
        raise CatalogError(f"{where}: unknown program {raw.get('program')!r}")
    parts: dict[str, PartFacts] = {}
    for part in raw.get("parts", []):
        part_code = part["code"]
        if part_code != WHOLE_TEST and part_code not in tuple(PartCode):
            raise CatalogError(f"{where}: unknown part {part_code!r}")
        if part_code in parts:
            raise CatalogError(f"{where}: part {part_code or '(whole test)'} listed twice")
        parts[part_code] = PartFacts(
            code=part_code,
            pause_rule=bool(part["pause_rule"]),
            expiry_days=part["expiry_days"],
            online_dei_grades=_grades(part.get("online_dei_grades", []), where),
        )
    # C-1: a test is either counted as a whole or by its parts, never both.
    if not parts or (WHOLE_TEST in parts and len(parts) > 1):
        raise CatalogError(f"{where}: give either one whole-test part or its parts")
    return AssessmentFacts(
        code=code,
        label=raw["label"],
        program=raw["program"],
        grades=_grades(raw.get("grades", []), where),
        parts=MappingProxyType(parts),
        part_codes=tuple(code for code in parts if code != WHOLE_TEST),
    )


# --- incident types ----------------------------------------------------------------------------


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
    # (key of an earlier CHOICE question, its answer): the question is asked only then.
    asked_when: tuple[str, str] | None = None

    @property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(choice.code for choice in self.choices)

    def is_asked(self, answers: Mapping[str, Any]) -> bool:
        if self.asked_when is None:
            return True
        key, answer = self.asked_when
        return answers.get(key) == answer


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
    deliveries: frozenset[str] = frozenset(Delivery)
    questions: tuple[FollowUpQuestion, ...] = ()

    def question(self, key: str) -> FollowUpQuestion | None:
        for question in self.questions:
            if question.key == key:
                return question
        return None

    def answer_combinations(self) -> list[dict[str, str | bool]]:
        """Every complete set of follow-up answers, each question only where it is asked: what
        a sweep over the rules feeds them (the tests, the benchmark)."""
        combinations: list[dict[str, str | bool]] = [{}]
        for question in self.questions:
            values: tuple[str | bool, ...] = question.choice_codes or (True, False)
            grown: list[dict[str, str | bool]] = []
            for answers in combinations:
                if question.is_asked(answers):
                    grown += [{**answers, question.key: value} for value in values]
                else:
                    grown.append(answers)
            combinations = grown
        return combinations

    def applies_to(self, test: str, part: str | None, delivery: str) -> bool:
        return (
            test in self.tests
            and (not self.parts or part in self.parts)
            and delivery in self.deliveries
        )


def _str_list(value: Any, allowed: Iterable[str], where: str) -> list[str]:
    allowed = tuple(allowed)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: expected a list of codes")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise CatalogError(f"{where}: unknown {', '.join(unknown)}")
    return value


def incident_from_data(
    raw: Mapping[str, Any], assessments: Mapping[str, AssessmentFacts]
) -> IncidentType:
    code = raw["code"]
    where = f"incident {code}"
    severity = raw.get("severity", "")
    if severity not in SEVERITIES:
        raise CatalogError(f"{where}: unknown severity {severity!r}")
    not_stairs = bool(raw.get("not_stairs_incident", False))
    # F-9: only a "not a STAIRS incident" entry has no severity.
    if not_stairs != (severity == ""):
        raise CatalogError(f"{where}: a severity is required unless it is not a STAIRS incident")
    programs = _str_list(raw.get("programs", []), Program, f"{where} programs")
    if not programs:
        raise CatalogError(f"{where}: no program")
    of_programs = [code for code, a in assessments.items() if a.program in programs]
    tests = _str_list(raw.get("tests", []), of_programs, f"{where} tests") or of_programs
    parts = _str_list(raw.get("parts", []), PartCode, f"{where} parts")
    deliveries = _str_list(raw.get("deliveries", []), Delivery, f"{where} deliveries")
    questions = []
    for item in raw.get("questions", []):
        answer_type = item.get("answer_type")
        if answer_type not in ANSWER_TYPES:
            raise CatalogError(f"{where} question {item.get('key')}: unknown type {answer_type!r}")
        choices = tuple(
            AnswerChoice(choice["code"], choice["label"]) for choice in item.get("choices", [])
        )
        if (answer_type == CHOICE) != bool(choices):
            raise CatalogError(
                f"{where} question {item['key']}: only a CHOICE question has choices"
            )
        asked_when = None
        if item.get("asked_when"):
            asked_when = (item["asked_when"]["key"], item["asked_when"]["answer"])
            earlier = {question.key: question for question in questions}.get(asked_when[0])
            # Only an earlier list question can gate it, so the wizard asks in order.
            if earlier is None or asked_when[1] not in earlier.choice_codes:
                raise CatalogError(
                    f"{where} question {item['key']}: asked when {asked_when[0]} is "
                    f"{asked_when[1]}, which no earlier question offers"
                )
        questions.append(
            FollowUpQuestion(item["key"], item["text"], answer_type, choices, asked_when)
        )
    if len({item.key for item in questions}) != len(questions):
        raise CatalogError(f"{where}: two questions with the same key")
    return IncidentType(
        code=code,
        label=raw["label"],
        severity=severity,
        not_stairs_incident=not_stairs,
        programs=frozenset(programs),
        tests=frozenset(tests),
        parts=frozenset(parts),
        deliveries=frozenset(deliveries or Delivery),
        questions=tuple(questions),
    )


# --- limits ------------------------------------------------------------------------------------


def check_limit(
    rule: str, test: str, part: str, value: int, assessments: Mapping[str, AssessmentFacts]
) -> None:
    """One limit row's invariant; shared with the model's `clean()`."""
    where = f"limit {rule} {test} {part or '(whole test)'}"
    if rule not in LIMIT_RULES:
        raise CatalogError(f"{where}: unknown rule")
    assessment = assessments.get(test)
    if assessment is None:
        raise CatalogError(f"{where}: unknown test")
    program = Program.ELPAC if rule == RESET_ELPAC_LIMIT else Program.CAASPP
    if assessment.program != program:
        raise CatalogError(f"{where}: {rule} is a limit for {program} tests")
    if (part or WHOLE_TEST) not in assessment.parts:
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


# --- the catalog -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RulesCatalog:
    version: str
    incidents: Mapping[str, IncidentType]
    assessments: Mapping[str, AssessmentFacts]
    # (rule, test, part or WHOLE_TEST) -> value
    limits: Mapping[tuple[str, str, str], int] = field(default_factory=dict)

    def limit(self, rule: str, test: str, part: str | None) -> int | None:
        return self.limits.get((rule, test, part or WHOLE_TEST))

    def applicable_incidents(
        self, test: str, part: str | None, delivery: str
    ) -> tuple[IncidentType, ...]:
        """The wizard's radio list (F-1 step 2) for one test and part."""
        return tuple(i for i in self.incidents.values() if i.applies_to(test, part, delivery))

    def applicability(self, incident: IncidentType) -> str:
        """E.g. "Summative ELPAC or Initial ELPAC, Listening, online"."""
        labels = [a.label for code, a in self.assessments.items() if code in incident.tests]
        text = " or ".join(labels) if len(labels) < 3 else ", ".join(labels)
        if incident.parts:
            text += ", " + " or ".join(p.short_label for p in PartCode if p in incident.parts)
        if incident.deliveries != frozenset(Delivery):
            text += ", " + " or ".join(
                delivery.short_label for delivery in Delivery if delivery in incident.deliveries
            )
        return text


def assessments_from_data(items: Iterable[Mapping[str, Any]]) -> Mapping[str, AssessmentFacts]:
    assessments: dict[str, AssessmentFacts] = {}
    for raw in items:
        assessment = assessment_from_data(raw)
        if assessment.code in assessments:
            raise CatalogError(f"assessment {assessment.code}: listed twice")
        assessments[assessment.code] = assessment
    return MappingProxyType(assessments)


def catalog_from_data(data: Mapping[str, Any]) -> RulesCatalog:
    """Build a catalog from the fixtures' structure: the incident catalog file's keys plus
    "assessments" from the assessment catalog file (the database rows are turned into it)."""
    assessments = assessments_from_data(data.get("assessments", []))
    incidents: dict[str, IncidentType] = {}
    for raw in data.get("incident_types", []):
        incident = incident_from_data(raw, assessments)
        if incident.code in incidents:
            raise CatalogError(f"incident {incident.code}: listed twice")
        incidents[incident.code] = incident
    limits: dict[tuple[str, str, str], int] = {}
    for raw in data.get("limits", []):
        key = (raw["rule"], raw["test"], raw.get("part") or WHOLE_TEST)
        check_limit(*key, raw["value"], assessments)
        if key in limits:
            raise CatalogError(f"limit {' '.join(key)}: listed twice")
        limits[key] = raw["value"]
    check_gap(limits)
    return RulesCatalog(
        version=str(data.get("version", "")),
        incidents=MappingProxyType(incidents),
        assessments=assessments,
        limits=MappingProxyType(limits),
    )


def fixture_data(
    incident_path: Path = catalog_fixtures.CURRENT_INCIDENT_CATALOG,
    assessment_path: Path = catalog_fixtures.CURRENT_ASSESSMENT_CATALOG,
) -> dict[str, Any]:
    """Both fixture files as one structure for `catalog_from_data`."""
    data = catalog_fixtures.read_fixture(incident_path, catalog_fixtures.INCIDENT_FORMAT)
    assessments = catalog_fixtures.read_fixture(assessment_path, catalog_fixtures.ASSESSMENT_FORMAT)
    return {**data, "assessments": assessments["assessments"]}


def load_fixture(
    incident_path: Path = catalog_fixtures.CURRENT_INCIDENT_CATALOG,
    assessment_path: Path = catalog_fixtures.CURRENT_ASSESSMENT_CATALOG,
) -> RulesCatalog:
    """The catalog straight from the versioned fixture files, without a database."""
    return catalog_from_data(fixture_data(incident_path, assessment_path))
