"""The input of the rules: one student's test in one incident (`Situation`, the fields of
contracts.md), and `parse_situation`, which turns an untrusted JSON object (from `stairs_rules`
or the wizard's cleaned data) into one, or says which field is wrong.

Pure: no Django, no I/O. The first problem found wins, in the order of contracts.md's table
(unknown fields first), and is raised as `SituationError(field, message)`; its `str()` is the
command's "<field>: <what is wrong>". Tests, parts and follow-up questions are checked against
the catalog, so a test or an answer an administrator adds is accepted without a release.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from appeals.rules.catalog import CHOICE, YES_NO, IncidentType, RulesCatalog
from stairs.vocabulary import Delivery, TestStatus

FIELDS: Final = (
    "incident",
    "test",
    "part",
    "grade",
    "delivery",
    "questions_completed",
    "iep_or_504",
    "test_status",
    "reset_by_appeal",
    "within_window",
    "answers",
)
_FIELD_SET: Final = frozenset(FIELDS)
# Plain strings, computed once: parsing runs per student (the benchmark's hot path).
_DELIVERIES: Final = tuple(delivery.value for delivery in Delivery)
_STATUSES: Final = tuple(status.value for status in TestStatus)
MIN_GRADE: Final = 0  # kindergarten
MAX_GRADE: Final = 12


class SituationError(ValueError):
    """A situation the rules cannot take; `str()` is contracts.md's "<field>: <what is wrong>"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True, kw_only=True)
class Situation:
    """One student's test in one incident: the input fields of contracts.md."""

    incident: str
    test: str
    grade: int
    part: str | None = None
    delivery: str = Delivery.ONLINE
    questions_completed: int = 0
    iep_or_504: bool = False
    test_status: str = TestStatus.IN_PROGRESS
    reset_by_appeal: bool = False
    within_window: bool = True
    answers: Mapping[str, str | bool] = field(default_factory=lambda: MappingProxyType({}))


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def one_of(values: tuple[str, ...] | list[str]) -> str:
    """ "A, B or C" for messages."""
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]


def _code(
    raw: Mapping[str, Any], name: str, allowed: Collection[str], default: str | None = None
) -> str:
    if raw.get(name) is None and (name not in raw or default is None):
        if default is None:
            listed = (
                "a code of the incident catalog"
                if len(allowed) > 10
                else f"one of {one_of(tuple(allowed))}"
            )
            raise SituationError(name, f"required, {listed}")
        return default
    value = raw[name]  # present; an explicit null for an optional field is a wrong type
    if not isinstance(value, str):
        raise SituationError(name, f"expected a string, got {_type_name(value)}")
    if value not in allowed:  # a mapping or a tuple: membership is cheap, order is kept
        allowed = tuple(allowed)
        if len(allowed) > 10:  # the incident catalog: too long to list in one line
            raise SituationError(name, f"unknown {name} {value!r}")
        raise SituationError(name, f"{value!r} is not one of {one_of(allowed)}")
    return value


def _whole_number(raw: Mapping[str, Any], name: str, default: int | None) -> int:
    if name not in raw and default is not None:
        return default
    value = raw.get(name)
    if value is None and default is None:
        raise SituationError(name, "required, a whole number")
    # JSON true/false are Python ints; 7.0 is not a count. Neither is accepted.
    if isinstance(value, bool) or not isinstance(value, int):
        raise SituationError(name, f"expected a whole number, got {_type_name(value)}")
    return value


def _flag(raw: Mapping[str, Any], name: str, default: bool) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise SituationError(name, f"expected true or false, got {_type_name(value)}")
    return value


def _part(raw: Mapping[str, Any], test: str, catalog: RulesCatalog) -> str | None:
    value = raw.get("part")
    parts = catalog.assessments[test].part_codes
    if not parts:
        # C-1: CAST, CAA and CSA are counted as a whole; a part would be a mistake, not a hint.
        if value is not None:
            raise SituationError("part", f"{test} has no parts; leave part out")
        return None
    if value is None:
        raise SituationError("part", f"required for {test}, one of {one_of(parts)}")
    if not isinstance(value, str):
        raise SituationError("part", f"expected a string, got {_type_name(value)}")
    if value not in parts:
        raise SituationError("part", f"{value!r} is not a part of {test}; use {one_of(parts)}")
    return value


def _answers(raw: Mapping[str, Any], incident: str, catalog: RulesCatalog) -> Mapping[str, Any]:
    value = raw.get("answers", {})
    if not isinstance(value, dict):
        raise SituationError("answers", f"expected an object, got {_type_name(value)}")
    incident_type = catalog.incidents[incident]
    for key in value:
        if incident_type.question(key) is None:
            asked = (
                one_of([item.key for item in incident_type.questions])
                if incident_type.questions
                else "none"
            )
            raise SituationError(
                f"answers.{key}", f"not a follow-up question of {incident} (its questions: {asked})"
            )
    answers: dict[str, str | bool] = {}
    for question in incident_type.questions:
        name = f"answers.{question.key}"
        answer = value.get(question.key)
        if not question.is_asked(answers):
            if answer is not None:
                key, expected = question.asked_when or ("", "")
                raise SituationError(name, f"only asked when {key} is {expected}; leave it out")
            continue
        if question.answer_type == YES_NO:
            if answer is None:
                raise SituationError(name, f"required for {incident}, true or false")
            if not isinstance(answer, bool):
                raise SituationError(name, f"expected true or false, got {_type_name(answer)}")
        elif question.answer_type == CHOICE:
            codes = question.choice_codes
            if answer is None:
                raise SituationError(name, f"required for {incident}, one of {one_of(codes)}")
            if not isinstance(answer, str):
                raise SituationError(name, f"expected a string, got {_type_name(answer)}")
            if answer not in codes:
                raise SituationError(name, f"{answer!r} is not one of {one_of(codes)}")
        answers[question.key] = answer
    return MappingProxyType(answers)


def not_applicable_message(
    incident: IncidentType, test: str, part: str | None, delivery: str, catalog: RulesCatalog
) -> str:
    where = catalog.assessments[test].part_label(part)
    if delivery != Delivery.ONLINE:
        where += " on paper"
    return f"{incident.code} does not apply to {where}; it is for {catalog.applicability(incident)}"


def parse_situation(raw: object, catalog: RulesCatalog) -> Situation:
    """Validate every field of contracts.md's situation and apply its defaults."""
    if not isinstance(raw, dict):
        raise SituationError("situation", f"expected an object, got {_type_name(raw)}")
    unknown = raw.keys() - _FIELD_SET
    if unknown:
        raise SituationError(str(sorted(unknown, key=str)[0]), "unknown field")
    incident = _code(raw, "incident", catalog.incidents)
    test = _code(raw, "test", catalog.assessments)
    part = _part(raw, test, catalog)
    grade = _whole_number(raw, "grade", None)
    if not MIN_GRADE <= grade <= MAX_GRADE:
        raise SituationError("grade", f"{grade} is outside 0-12 (0 is kindergarten)")
    delivery = _code(raw, "delivery", _DELIVERIES, Delivery.ONLINE)
    questions_completed = _whole_number(raw, "questions_completed", 0)
    if questions_completed < 0:
        raise SituationError("questions_completed", f"{questions_completed} is negative")
    iep_or_504 = _flag(raw, "iep_or_504", False)
    test_status = _code(raw, "test_status", _STATUSES, TestStatus.IN_PROGRESS)
    reset_by_appeal = _flag(raw, "reset_by_appeal", False)
    within_window = _flag(raw, "within_window", True)
    answers = _answers(raw, incident, catalog)
    incident_type = catalog.incidents[incident]
    # The catalog's applicability is the wizard's radio list: a combination it would never offer
    # is an input error, not a decision.
    if not incident_type.not_stairs_incident and not incident_type.applies_to(test, part, delivery):
        raise SituationError(
            "incident", not_applicable_message(incident_type, test, part, delivery, catalog)
        )
    return Situation(
        incident=incident,
        test=test,
        part=part,
        grade=grade,
        delivery=delivery,
        questions_completed=questions_completed,
        iep_or_504=iep_or_504,
        test_status=test_status,
        reset_by_appeal=reset_by_appeal,
        within_window=within_window,
        answers=answers,
    )
