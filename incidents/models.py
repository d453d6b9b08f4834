"""The incident catalog (domain.md section C) and the appeal limits the rules read.

Reference data: loaded by data migrations from the versioned fixtures
incidents/fixtures/incident_catalog_vN.json (through stairs/catalog_fixtures.py) and editable in
the admin, so next year's incident
list and numbers are an edit, not a release. `incidents.queries.rules_catalog()` turns these rows
(with the assessment rows of the students app) into the plain `RulesCatalog` that the pure rules
of appeals/rules/ take; the checks of appeals/rules/catalog.py hold for the rows as for the
fixture.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from appeals.rules.catalog import (
    INVALIDATE_LIMIT,
    RESET_CAASPP_LIMIT,
    RESET_ELPAC_LIMIT,
    CatalogError,
    check_gap,
    check_limit,
    incident_from_data,
)
from stairs import vocabulary
from stairs.vocabulary import ELPAC_DOMAINS, SMARTER_BALANCED_PARTS, AssessmentCode
from students.models import PartCode

code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9_]*$", "A code is capital letters, digits and underscores."
)
key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", "A key is lower-case letters, digits and underscores."
)

# The stable codes of contracts.md, from the one vocabulary (stairs/vocabulary.py).
TestChoice = models.TextChoices(  # type: ignore[misc]
    "TestChoice", vocabulary.AssessmentCode.choices()
)


class Severity(models.TextChoices):
    BREACH = "BREACH", "Breach"
    IRREGULARITY = "IRREGULARITY", "Irregularity"
    IMPROPRIETY = "IMPROPRIETY", "Impropriety"
    # F-9: what is not a STAIRS incident has no severity.
    NONE = "", "None (not a STAIRS incident)"


class AnswerType(models.TextChoices):
    CHOICE = "CHOICE", "One of a list"
    YES_NO = "YES_NO", "Yes or no"


class LimitRule(models.TextChoices):
    # The comparison is the documents' wording and stays in code (appeals/rules/catalog.py).
    RESET_ELPAC = RESET_ELPAC_LIMIT, "A-RESET-2: ELPAC Reset if no more than this many"
    RESET_CAASPP = RESET_CAASPP_LIMIT, "A-RESET-9: CAASPP Reset if fewer than this many"
    INVALIDATE = INVALIDATE_LIMIT, "A-INVAL-1: CAASPP Invalidate if more than this many"


class IncidentType(models.Model):
    """One testing issue of the wizard's radio list (F-1 step 2)."""

    code = models.CharField(
        max_length=40,
        unique=True,
        validators=[code_validator],
        help_text="Stable identifier used by the rules, fixtures, exports and stairs_rules.",
    )
    label = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, help_text="Shown to the coordinator under the label."
    )
    severity = models.CharField(max_length=12, choices=Severity.choices, blank=True)
    not_stairs_incident = models.BooleanField(
        "not a STAIRS incident",
        default=False,
        help_text="F-9: the wizard explains and files nothing (e.g. a late parent exemption).",
    )
    programs = models.JSONField(default=list, help_text="CAASPP, ELPAC or both.")
    tests = models.JSONField(
        default=list, blank=True, help_text="Test codes; empty means every test of the programs."
    )
    parts = models.JSONField(
        default=list, blank=True, help_text="Parts or domains; empty means any part."
    )
    deliveries = models.JSONField(
        default=list, blank=True, help_text="ONLINE, PAPER; empty means both."
    )
    active = models.BooleanField(
        default=True, help_text="Retire an incident instead of deleting it: past cases keep it."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="incidenttype_severity_valid"
            ),
            # F-9: only an entry that is not a STAIRS incident goes without a severity.
            models.CheckConstraint(
                condition=Q(not_stairs_incident=True, severity="")
                | (Q(not_stairs_incident=False) & ~Q(severity="")),
                name="incidenttype_severity_unless_not_stairs",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9_]*$"), name="incidenttype_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

    def as_data(self, questions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The fixture's shape for this row (questions passed in by the caller that has them)."""
        return {
            "code": self.code,
            "label": self.label,
            "severity": self.severity,
            "not_stairs_incident": self.not_stairs_incident,
            "programs": self.programs,
            "tests": self.tests,
            "parts": self.parts,
            "deliveries": self.deliveries,
            "questions": questions or [],
        }

    def clean(self) -> None:
        super().clean()
        # The same checks as the fixture's (lists of known codes, tests of its programs, F-9).
        from incidents.queries import assessment_facts  # queries imports this module

        try:
            incident_from_data(self.as_data(), assessment_facts())
        except CatalogError as err:
            raise ValidationError(str(err).split(": ", 1)[-1]) from err


class FollowUpQuestion(models.Model):
    """A follow-up question of F-1 step 3; its answers go to the rules by `key`."""

    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.CharField(
        max_length=40,
        validators=[key_validator],
        help_text="The answer's key in stairs_rules, e.g. pause_expired. The rules read it.",
    )
    text = models.CharField(max_length=300)
    answer_type = models.CharField(max_length=8, choices=AnswerType.choices)
    # A question asked only after a given answer to an earlier one (e.g. nonallowable_materials
    # only when `what` is SUMMATIVE_INSTEAD_OF_PRACTICE, 003 Reset 11).
    asked_when_key = models.CharField(
        "asked only when question",
        max_length=40,
        blank=True,
        validators=[key_validator],
        help_text="The key of an earlier question of the same incident, e.g. what.",
    )
    asked_when_answer = models.CharField(
        "has the answer",
        max_length=40,
        blank=True,
        help_text="One of that question's choice codes, e.g. SUMMATIVE_INSTEAD_OF_PRACTICE.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["incident_type", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(asked_when_key="", asked_when_answer="")
                | (~Q(asked_when_key="") & ~Q(asked_when_answer="")),
                name="followupquestion_asked_when_complete",
            ),
            models.UniqueConstraint(
                fields=["incident_type", "key"], name="followupquestion_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(answer_type__in=AnswerType.values),
                name="followupquestion_answer_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_type.code}.{self.key}"

    def clean(self) -> None:
        super().clean()
        if not (self.asked_when_key or self.asked_when_answer):
            return
        if not (self.asked_when_key and self.asked_when_answer):
            raise ValidationError("Give both the question and the answer it is asked after.")
        # The rules read the gate as "asked when <key> is <answer>" (appeals/rules/catalog.py).
        gate = (
            FollowUpQuestion.objects.filter(
                incident_type_id=self.incident_type_id, key=self.asked_when_key
            )
            .exclude(pk=self.pk)
            .first()
        )
        if gate is None or not gate.choices.filter(code=self.asked_when_answer).exists():
            raise ValidationError(
                f"No other question of this incident has the key {self.asked_when_key!r} "
                f"with the answer {self.asked_when_answer!r}."
            )


class AnswerChoice(models.Model):
    """One allowed answer of a CHOICE question."""

    question = models.ForeignKey(FollowUpQuestion, on_delete=models.CASCADE, related_name="choices")
    code = models.CharField(max_length=40, validators=[code_validator])
    label = models.CharField(max_length=300)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="answerchoice_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


# A database guard against rows no rule could read: which tests take parts or domains. The
# catalog rows (students' AssessmentPart) are what the rules and clean() check a limit against.
_SB_TESTS = [AssessmentCode.SB_ELA, AssessmentCode.SB_MATH]
_ELPAC_TESTS = [AssessmentCode.SUMMATIVE_ELPAC, AssessmentCode.INITIAL_ELPAC]
_WHOLE_TESTS = [code for code in AssessmentCode if code not in (*_SB_TESTS, *_ELPAC_TESTS)]


class AppealLimit(models.Model):
    """A number of questions completed that a rule compares with (A-RESET-2, A-RESET-9,
    A-INVAL-1), per test and part; a blank part is a whole test (C-1)."""

    rule = models.CharField(max_length=10, choices=LimitRule.choices)
    test = models.CharField(max_length=20, choices=TestChoice.choices)
    part = models.CharField(max_length=10, choices=PartCode.choices, blank=True)
    value = models.PositiveSmallIntegerField(help_text="Questions completed.")
    note = models.CharField(max_length=300, blank=True, help_text="Where the number comes from.")

    class Meta:
        ordering = ["rule", "test", "part"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "test", "part"], name="appeallimit_unique"),
            # Which rows make sense: ELPAC domains for A-RESET-2; Smarter Balanced parts or a
            # whole CAASPP test for A-RESET-9 and A-INVAL-1.
            models.CheckConstraint(
                condition=Q(rule=RESET_ELPAC_LIMIT, test__in=_ELPAC_TESTS, part__in=ELPAC_DOMAINS)
                | Q(
                    rule__in=[RESET_CAASPP_LIMIT, INVALIDATE_LIMIT],
                    test__in=_SB_TESTS,
                    part__in=SMARTER_BALANCED_PARTS,
                )
                | Q(
                    rule__in=[RESET_CAASPP_LIMIT, INVALIDATE_LIMIT], test__in=_WHOLE_TESTS, part=""
                ),
                name="appeallimit_rule_test_part_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.test} {self.part or '(whole test)'}: {self.value}"

    def clean(self) -> None:
        super().clean()
        if self.value is None or not self.rule or not self.test:
            return  # the field errors say it
        from incidents.queries import assessment_facts  # queries imports this module

        try:
            check_limit(self.rule, self.test, self.part, self.value, assessment_facts())
            # A-RESET-9 and A-INVAL-1 may leave a gap (CDE decides) but must not overlap.
            limits = {
                (o.rule, o.test, o.part): o.value
                for o in AppealLimit.objects.exclude(pk=self.pk).filter(test=self.test)
            }
            limits[(self.rule, self.test, self.part)] = self.value
            check_gap(limits)
        except CatalogError as err:
            raise ValidationError(str(err).split(": ", 1)[-1]) from err


# The STAIRS cases live in their own module (this one holds the catalog); importing them here is
# what makes them this app's models.
from incidents.announcement_models import Announcement, Audience  # noqa: E402
from incidents.case_models import (  # noqa: E402
    Case,
    CaseEvent,
    CaseEventKind,
    CaseNote,
    CaseNumberCounter,
    CaseStudent,
)

__all__ = [
    "Announcement",
    "AnswerChoice",
    "AppealLimit",
    "Audience",
    "Case",
    "CaseEvent",
    "CaseEventKind",
    "CaseNote",
    "CaseNumberCounter",
    "CaseStudent",
    "FollowUpQuestion",
    "IncidentType",
]
