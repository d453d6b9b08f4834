"""STAIRS cases (issue 8, part 1): the case, its students with their per-SSID decision, its notes
and its timeline. Imported by incidents/models.py, so Django sees them as the app's models.

Lean on purpose (style.md): fields, constraints, indexes and one-row invariants. Statuses move
only through incidents/services.py along incidents/transitions.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization, OrganizationKind
from incidents.models import IncidentType, TestChoice
from stairs import vocabulary
from students.models import Delivery, PartCode, Program, Student, TestEvent

CaseStatus = models.TextChoices("CaseStatus", vocabulary.CaseStatus.choices())  # type: ignore[misc]
SsidInputType = models.TextChoices(  # type: ignore[misc]
    "SsidInputType", vocabulary.SsidInputType.choices()
)
AppealTypeChoice = models.TextChoices(  # type: ignore[misc]
    "AppealTypeChoice", vocabulary.AppealType.choices()
)
ReviewerChoice = models.TextChoices(  # type: ignore[misc]
    "ReviewerChoice", vocabulary.Reviewer.choices()
)

NUMBER_PATTERN = r"^[0-9]{4}-[0-9]{6}$"


class CaseNumberCounter(models.Model):
    """The last case number given in a school year. Submissions take the next one with one
    `INSERT ... ON CONFLICT DO UPDATE`, which holds the row lock until the submission commits:
    two racing submissions get consecutive numbers, never the same one, and a rolled-back
    submission gives its number back."""

    school_year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.school_year}: {self.last_number}"


class Case(models.Model):
    """A STAIRS case (F-1): a draft until submitted, then numbered and followed by its appeals."""

    number = models.CharField(
        "case number",
        max_length=11,
        null=True,
        blank=True,
        unique=True,
        help_text="YYYY-NNNNNN, given at submission; none while a draft.",
    )
    status = models.CharField(max_length=24, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    lea = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="lea_cases",
        limit_choices_to={"kind": OrganizationKind.LEA},
        verbose_name="LEA",
    )
    school = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="school_cases",
        limit_choices_to={"kind": OrganizationKind.SCHOOL},
        null=True,
        blank=True,
    )
    # Step 1 (F-1). Blank until the wizard's step saves it; submission requires each.
    incident_date = models.DateField("date of the testing incident", null=True, blank=True)
    incident_time = models.TimeField("time of the incident", null=True, blank=True)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    program = models.CharField(max_length=8, choices=Program.choices, blank=True)
    test = models.CharField(max_length=20, choices=TestChoice.choices, blank=True)
    part = models.CharField("part or domain", max_length=10, choices=PartCode.choices, blank=True)
    delivery = models.CharField(max_length=6, choices=Delivery.choices, blank=True)
    # Steps 2 and 3. PROTECT: a retired incident type stays readable on past cases.
    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.PROTECT, related_name="cases", null=True, blank=True
    )
    answers = models.JSONField("follow-up answers", default=dict, blank=True)
    breach_call_record = models.TextField(
        blank=True, help_text="S-3: who was called at CDE (or CalTAC) and when."
    )
    # Step 4 (F-3).
    student_count = models.PositiveIntegerField("number of students", null=True, blank=True)
    ssid_input_type = models.CharField(
        "SSID input type", max_length=6, choices=SsidInputType.choices, blank=True
    )
    description = models.TextField(blank=True, help_text="F-4: no personal information.")
    plan_of_action = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    late = models.BooleanField(default=False, help_text="S-5: submitted more than 24 h after.")
    filed_on_behalf = models.BooleanField("filed by CalTAC on the LEA's behalf", default=False)
    school_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(ssid_input_type__in=[*SsidInputType.values, ""]),
                name="case_ssid_input_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(program__in=[*Program.values, ""]), name="case_program_valid"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__regex=NUMBER_PATTERN),
                name="case_number_format",
            ),
            # A draft has no number and no submission; a submitted case has all three.
            models.CheckConstraint(
                condition=Q(
                    status=CaseStatus.DRAFT,
                    number__isnull=True,
                    submitted_at__isnull=True,
                    submitted_by__isnull=True,
                )
                | (
                    ~Q(status=CaseStatus.DRAFT)
                    & Q(
                        number__isnull=False,
                        submitted_at__isnull=False,
                        submitted_by__isnull=False,
                        school__isnull=False,
                        incident_date__isnull=False,
                        incident_type__isnull=False,
                    )
                ),
                name="case_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__lte=12), name="case_grade_range"
            ),
        ]
        # Search STAIRS filters (issue 8, part 8). The case number has its unique index.
        indexes = [
            # Search STAIRS's default order (newest first) for CDE and CalTAC, who see every
            # case: the first page reads 25 index entries instead of sorting the state.
            models.Index(fields=["-submitted_at", "-created_at", "-id"], name="case_newest_idx"),
            models.Index(fields=["status", "-submitted_at"], name="case_status_idx"),
            models.Index(fields=["school", "-submitted_at"], name="case_school_idx"),
            models.Index(fields=["lea", "-submitted_at"], name="case_lea_idx"),
            models.Index(fields=["test", "part"], name="case_test_idx"),
            models.Index(fields=["incident_type"], name="case_incident_type_idx"),
            models.Index(fields=["incident_date"], name="case_incident_date_idx"),
        ]

    def __str__(self) -> str:
        return f"Case {self.number}" if self.number else f"Draft case {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == CaseStatus.DRAFT


class CaseStudent(models.Model):
    """One SSID of a case: its test event for the case's test and part, and the rules' decision
    as it was when shown and when submitted (contracts.md's output fields)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="students")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    test_event = models.ForeignKey(
        TestEvent, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    appeal = models.CharField(max_length=24, choices=AppealTypeChoice.choices, blank=True)
    reviewer = models.CharField(max_length=8, choices=ReviewerChoice.choices, blank=True)
    appealable = models.BooleanField(default=False)
    manual_review = models.BooleanField(default=False)
    irregularity_notation = models.BooleanField(default=False)
    rule = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    selected = models.BooleanField("selected for appeal", default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "student"], name="casestudent_unique"),
            models.CheckConstraint(
                condition=Q(appeal__in=[*AppealTypeChoice.values, ""]),
                name="casestudent_appeal_valid",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__in=[*ReviewerChoice.values, ""]),
                name="casestudent_reviewer_valid",
            ),
            # Only an SSID the rules found appealable can be selected for an appeal (F-1 step 6).
            models.CheckConstraint(
                condition=Q(selected=False) | Q(appealable=True),
                name="casestudent_selected_is_appealable",
            ),
        ]
        indexes = [models.Index(fields=["student"], name="casestudent_student_idx")]

    def __str__(self) -> str:
        return f"SSID {self.student.ssid} in {self.case}"


class CaseNote(models.Model):
    """The Notes thread of a case (N-2). No personal information, like the description."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="casenote_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.case}"


class CaseEventKind(models.TextChoices):
    CREATED = "CREATED", "Draft created"
    UPDATED = "UPDATED", "Draft updated"
    SUBMITTED = "SUBMITTED", "Submitted"
    STATUS_CHANGED = "STATUS_CHANGED", "Status changed"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    NOTE_ADDED = "NOTE_ADDED", "Note added"


class CaseEvent(models.Model):
    """The case's timeline: one row per change (who, when, from, to, what, why)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, choices=CaseEventKind.choices)
    from_status = models.CharField(max_length=24, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=CaseStatus.choices, blank=True)
    detail = models.CharField("what changed", max_length=300)
    reason = models.TextField("why", blank=True)

    class Meta:
        ordering = ["case", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CaseEventKind.values), name="caseevent_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(from_status__in=[*CaseStatus.values, ""])
                & Q(to_status__in=[*CaseStatus.values, ""]),
                name="caseevent_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"
