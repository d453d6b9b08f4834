"""Turn one untrusted situation (a JSON object from `stairs_rules`, or the wizard's cleaned data)
into a `Situation`, or say which field is wrong.

Pure: no Django, no I/O. The first problem found wins, in the order of contracts.md's table
(unknown fields first), and is raised as `SituationError(field, message)`; its `str()` is the
command's "<field>: <what is wrong>".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any, Final

from appeals.assessments import ASSESSMENTS, DELIVERIES, ONLINE
from appeals.rules_base import IN_PROGRESS, TEST_STATUSES, Situation, SituationError
from appeals.rules_catalog import CHOICE, YES_NO, IncidentType, RulesCatalog

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
MIN_GRADE: Final = 0  # kindergarten
MAX_GRADE: Final = 12


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


def _one_of(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]


def _code(
    raw: Mapping[str, Any], name: str, allowed: Collection[str], default: str | None = None
) -> str:
    if raw.get(name) is None and (name not in raw or default is None):
        if default is None:
            listed = (
                "a code of the incident catalog"
                if len(allowed) > 10
                else f"one of {_one_of(tuple(allowed))}"
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
        raise SituationError(name, f"{value!r} is not one of {_one_of(allowed)}")
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


def _part(raw: Mapping[str, Any], test: str) -> str | None:
    value = raw.get("part")
    parts = ASSESSMENTS[test].parts
    if not parts:
        # C-1: CAST, CAA and CSA are counted as a whole; a part would be a mistake, not a hint.
        if value is not None:
            raise SituationError("part", f"{test} has no parts; leave part out")
        return None
    if value is None:
        raise SituationError("part", f"required for {test}, one of {_one_of(parts)}")
    if not isinstance(value, str):
        raise SituationError("part", f"expected a string, got {_type_name(value)}")
    if value not in parts:
        raise SituationError("part", f"{value!r} is not a part of {test}; use {_one_of(parts)}")
    return value


def _answers(raw: Mapping[str, Any], incident: str, catalog: RulesCatalog) -> Mapping[str, Any]:
    value = raw.get("answers", {})
    if not isinstance(value, dict):
        raise SituationError("answers", f"expected an object, got {_type_name(value)}")
    it = catalog.incidents[incident]
    for key in value:
        if it.question(key) is None:
            asked = _one_of([q.key for q in it.questions]) if it.questions else "none"
            raise SituationError(
                f"answers.{key}", f"not a follow-up question of {incident} (its questions: {asked})"
            )
    answers: dict[str, str | bool] = {}
    for q in it.questions:
        field = f"answers.{q.key}"
        answer = value.get(q.key)
        if q.answer_type == YES_NO:
            if answer is None:
                raise SituationError(field, f"required for {incident}, true or false")
            if not isinstance(answer, bool):
                raise SituationError(field, f"expected true or false, got {_type_name(answer)}")
        elif q.answer_type == CHOICE:
            codes = q.choice_codes
            if answer is None:
                raise SituationError(field, f"required for {incident}, one of {_one_of(codes)}")
            if not isinstance(answer, str):
                raise SituationError(field, f"expected a string, got {_type_name(answer)}")
            if answer not in codes:
                raise SituationError(field, f"{answer!r} is not one of {_one_of(codes)}")
        answers[q.key] = answer
    return MappingProxyType(answers)


def not_applicable_message(it: IncidentType, test: str, part: str | None, delivery: str) -> str:
    where = ASSESSMENTS[test].part_label(part) + (" on paper" if delivery != ONLINE else "")
    return f"{it.code} does not apply to {where}; it is for {it.applicability()}"


def parse_situation(raw: object, catalog: RulesCatalog) -> Situation:
    """Validate every field of contracts.md's situation and apply its defaults."""
    if not isinstance(raw, dict):
        raise SituationError("situation", f"expected an object, got {_type_name(raw)}")
    unknown = raw.keys() - _FIELD_SET
    if unknown:
        raise SituationError(str(sorted(unknown, key=str)[0]), "unknown field")
    incident = _code(raw, "incident", catalog.incidents)
    test = _code(raw, "test", ASSESSMENTS)
    part = _part(raw, test)
    grade = _whole_number(raw, "grade", None)
    if not MIN_GRADE <= grade <= MAX_GRADE:
        raise SituationError("grade", f"{grade} is outside 0-12 (0 is kindergarten)")
    delivery = _code(raw, "delivery", DELIVERIES, ONLINE)
    questions_completed = _whole_number(raw, "questions_completed", 0)
    if questions_completed < 0:
        raise SituationError("questions_completed", f"{questions_completed} is negative")
    iep_or_504 = _flag(raw, "iep_or_504", False)
    test_status = _code(raw, "test_status", TEST_STATUSES, IN_PROGRESS)
    reset_by_appeal = _flag(raw, "reset_by_appeal", False)
    within_window = _flag(raw, "within_window", True)
    answers = _answers(raw, incident, catalog)
    it = catalog.incidents[incident]
    # The catalog's applicability is the wizard's radio list: a combination it would never offer
    # is an input error, not a decision (see rules.not_applicable_message for the wording).
    if not it.not_stairs_incident and not it.applies_to(test, part, delivery):
        raise SituationError("incident", not_applicable_message(it, test, part, delivery))
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
