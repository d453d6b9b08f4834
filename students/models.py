"""Students, the assessment catalog, test events and testing windows: the facts every STAIRS case
and appeal is about.

The catalog (Assessment, AssessmentPart) is reference data: loaded by a data migration from a
versioned fixture (students/fixtures/assessment_catalog_v1.json) and editable in the admin. Test
events change status only through students/effects.py, which writes a TestEventChange row for
every change.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, Program
from stairs import vocabulary
from students import dates

MAX_GRADE = 12
ALL_GRADES = list(range(MAX_GRADE + 1))

ssid_validator = RegexValidator(r"^\d{10}$", "An SSID is exactly 10 digits.")
test_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9_]*$", "A code is capital letters, digits and underscores."
)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keeps microseconds, which DjangoJSONEncoder drops: a Restore must put back exactly the
    stored expiry (23:59:59.999999 local)."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def validate_grade_list(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(g, int) and 0 <= g <= MAX_GRADE for g in value
    ):
        raise ValidationError("Give a list of grades from 0 (kindergarten) to 12, e.g. [3, 4, 5].")


# The choices are built from the one vocabulary (stairs/vocabulary.py): a code and its label are
# written there once; these names stay so model code and forms keep reading naturally.
PartCode = models.TextChoices("PartCode", vocabulary.PartCode.choices())  # type: ignore[misc]
Delivery = models.TextChoices("Delivery", vocabulary.Delivery.choices())  # type: ignore[misc]
TestStatus = models.TextChoices("TestStatus", vocabulary.TestStatus.choices())  # type: ignore[misc]


# Statuses of a test the student has opened and that still carries its answers.
STARTED_STATUSES = frozenset(
    {
        TestStatus.IN_PROGRESS,
        TestStatus.PAUSED,
        TestStatus.SUBMITTED,
        TestStatus.EXPIRED,
        TestStatus.INVALIDATED,
    }
)
# Statuses whose clock is still running (T-1).
OPEN_STATUSES = frozenset({TestStatus.IN_PROGRESS, TestStatus.PAUSED})


class ConditionCode(models.TextChoices):
    # NTE and PGE are named in 002; INV is STAIRS's code for an approved Invalidate (A-INVAL-1):
    # scored, with a note that an irregularity occurred.
    NTE = "NTE", "NTE: not tested, significant medical emergency"
    PGE = "PGE", "PGE: parent/guardian exemption"
    INV = "INV", "INV: invalidated, scored with an irregularity note"


class EnglishLearnerStatus(models.TextChoices):
    """The English Language Acquisition Status (ELAS) of CALPADS."""

    EO = "EO", "English only (EO)"
    IFEP = "IFEP", "Initially fluent English proficient (IFEP)"
    EL = "EL", "English learner (EL)"
    RFEP = "RFEP", "Reclassified fluent English proficient (RFEP)"
    TBD = "TBD", "To be determined (TBD)"


class Assessment(models.Model):
    """A test of the catalog; its code is one of contracts.md's stable identifiers."""

    code = models.CharField(max_length=20, unique=True, validators=[test_code_validator])
    label = models.CharField(max_length=100)
    program = models.CharField(max_length=8, choices=Program.choices)
    grades = models.JSONField(
        "grades served",
        default=list,
        validators=[validate_grade_list],
        help_text="Grades that take this test; 0 is kindergarten.",
    )
    offered_online = models.BooleanField("online, through the TDS", default=True)
    offered_on_paper = models.BooleanField("on paper, entered in the DEI", default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(program__in=Program.values), name="assessment_program_valid"
            ),
            models.CheckConstraint(
                condition=Q(offered_online=True) | Q(offered_on_paper=True),
                name="assessment_has_a_delivery",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def serves_grade(self, grade: int) -> bool:
        return grade in self.grades

    def offers(self, delivery: str) -> bool:
        return self.offered_online if delivery == Delivery.ONLINE else self.offered_on_paper


class AssessmentPart(models.Model):
    """A part or domain of a test (NON_PT, PT; LISTENING ...). A test taken as a whole (CAST, the
    CAAs, CSA) has one part with a blank code, so every test event points at a part."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(max_length=10, choices=PartCode.choices, blank=True)
    pause_rule = models.BooleanField(
        "20-minute pause rule", default=False, help_text="T-3: ELPAC Reading, Listening; non-PT."
    )
    expiry_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(366)],
        help_text="T-1: calendar days from opening to expiry; empty when no expiry applies.",
    )
    online_dei_grades = models.JSONField(
        "grades whose online test is also scored in the DEI",
        default=list,
        blank=True,
        validators=[validate_grade_list],
        help_text="E.g. ELPAC Speaking in every grade, Initial ELPAC Writing in K-2 (001, 003).",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assessment__sort_order", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="assessmentpart_unique"),
            models.CheckConstraint(
                condition=Q(code__in=[*PartCode.values, ""]), name="assessmentpart_code_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """ "Smarter Balanced ELA non-PT (CAT)", "Summative ELPAC Reading", "CAST"."""
        base = self.assessment.label
        return f"{base} {self.get_code_display()}" if self.code else base

    @property
    def is_whole_test(self) -> bool:
        return self.code == ""


def _school_leas(school_ids: set[int]) -> dict[int, int | None]:
    return dict(Organization.objects.filter(pk__in=school_ids).values_list("pk", "parent_id"))


class StudentQuerySet(models.QuerySet):
    """Bulk writes keep ``Student.lea`` the school's LEA, as ``Student.save`` does."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        leas = _school_leas({o.school_id for o in objs if o.lea_id is None})
        for student in objs:
            if student.lea_id is None:
                student.lea_id = leas.get(student.school_id)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if {"school", "school_id"} & set(fields):
            leas = _school_leas({o.school_id for o in objs})
            for student in objs:
                student.lea_id = leas.get(student.school_id)
            fields = [*fields, "lea"]
        return super().bulk_update(objs, fields, *args, **kwargs)


class Student(models.Model):
    """A student, known to STAIRS by SSID. The name is shown only inside the user's scope."""

    ssid = models.CharField("SSID", max_length=10, unique=True, validators=[ssid_validator])
    first_name = models.CharField("legal first name", max_length=60)
    middle_name = models.CharField("legal middle name", max_length=60, blank=True)
    last_name = models.CharField("legal last name", max_length=60)
    birth_date = models.DateField("birth date")
    grade = models.PositiveSmallIntegerField(
        help_text="0 is kindergarten.", validators=[MaxValueValidator(MAX_GRADE)]
    )
    school = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="students",
        limit_choices_to={"kind": OrganizationKind.SCHOOL},
    )
    # The school's LEA, copied onto the row (save() and the bulk writes keep it), so that an LEA
    # coordinator's students are found without the join to the schools and a name search reads
    # the LEA's own entries of the name indexes (students/0004; bench/RESULTS.md, "Every page at
    # state scale").
    lea = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        limit_choices_to={"kind": OrganizationKind.LEA},
        db_index=False,  # student_lea_*_prefix_idx lead with it (students/0004)
    )
    has_iep = models.BooleanField("IEP", default=False)
    has_section_504 = models.BooleanField("Section 504 plan", default=False)
    special_education_for_testing = models.BooleanField(default=False)
    english_learner_status = models.CharField(
        "English language acquisition status",
        max_length=4,
        choices=EnglishLearnerStatus.choices,
        default=EnglishLearnerStatus.EO,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "ssid"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ssid__regex=r"^\d{10}$"), name="student_ssid_format"
            ),
            models.CheckConstraint(condition=Q(grade__lte=MAX_GRADE), name="student_grade_range"),
            models.CheckConstraint(
                condition=Q(english_learner_status__in=EnglishLearnerStatus.values),
                name="student_elas_valid",
            ),
        ]
        # The name search's case-insensitive prefix indexes, on UPPER(name) text_pattern_ops,
        # are PostgreSQL-only and live in migration 0003 alone (it says why).
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="student_name_idx"),
            models.Index(
                fields=["school", "last_name", "first_name"], name="student_school_name_idx"
            ),
        ]

    def __str__(self) -> str:
        # The SSID only: __str__ ends up in logs and admin messages, names must not (architecture).
        return f"SSID {self.ssid}"

    def save(self, *args, **kwargs) -> None:
        if self.school_id is not None:
            self.lea_id = self.school.parent_id
            fields = kwargs.get("update_fields")
            if fields is not None and {"school", "school_id"} & set(fields):
                kwargs["update_fields"] = [*fields, "lea"]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.school_id and self.school.kind != OrganizationKind.SCHOOL:
            raise ValidationError({"school": "A student is enrolled at a school, not an LEA."})

    @property
    def full_name(self) -> str:
        middle = f" {self.middle_name}" if self.middle_name else ""
        return f"{self.first_name}{middle} {self.last_name}"

    @property
    def sortable_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def grade_label(self) -> str:
        return dates.grade_label(self.grade)

    @property
    def iep_or_504(self) -> bool:
        return self.has_iep or self.has_section_504


class TestEvent(models.Model):
    """One student's test part or domain in one administration year, as the TDS/DEI know it."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="test_events")
    part = models.ForeignKey(AssessmentPart, on_delete=models.PROTECT, related_name="+")
    school_year = models.PositiveSmallIntegerField(help_text="2026 for the 2026-27 administration.")
    grade = models.PositiveSmallIntegerField(
        "grade tested", validators=[MaxValueValidator(MAX_GRADE)]
    )
    delivery = models.CharField(max_length=6, choices=Delivery.choices, default=Delivery.ONLINE)
    status = models.CharField(
        max_length=12, choices=TestStatus.choices, default=TestStatus.NOT_STARTED
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Computed from the catalog when opened (T-1) and stored."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    questions_completed = models.PositiveIntegerField(default=0)
    dei_entries = models.BooleanField("DEI entries exist", default=False)
    condition_code = models.CharField(max_length=4, choices=ConditionCode.choices, blank=True)
    # Restore (A-RESTORE-1) needs to know that a Reset came from a Reset Appeal, and what the
    # event looked like before it.
    reset_by_appeal = models.BooleanField(default=False)
    prior_state = models.JSONField(null=True, blank=True, editable=False, encoder=ExactJSONEncoder)
    grace_period_extended_at = models.DateTimeField(null=True, blank=True)
    rescore_opened_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-school_year", "part__assessment__sort_order", "part__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "part", "school_year"], name="testevent_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TestStatus.values), name="testevent_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="testevent_delivery_valid"
            ),
            models.CheckConstraint(
                condition=Q(condition_code__in=[*ConditionCode.values, ""]),
                name="testevent_condition_code_valid",
            ),
            models.CheckConstraint(
                condition=Q(grade__lte=MAX_GRADE) & Q(school_year__gte=2000),
                name="testevent_grade_and_year_range",
            ),
            # A test not (or no longer) in the TDS has no opening and no answers.
            models.CheckConstraint(
                condition=~Q(status__in=[TestStatus.NOT_STARTED, TestStatus.RESET])
                | Q(opened_at__isnull=True, questions_completed=0),
                name="testevent_unopened_is_empty",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=STARTED_STATUSES) | Q(opened_at__isnull=False),
                name="testevent_started_has_opening",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(opened_at__isnull=False, expires_at__gt=F("opened_at")),
                name="testevent_expiry_after_opening",
            ),
            models.CheckConstraint(
                condition=~Q(status=TestStatus.INVALIDATED) | Q(condition_code=ConditionCode.INV),
                name="testevent_invalidated_has_code",
            ),
        ]
        indexes = [
            # The expiry sweep reads only the events whose clock is running.
            models.Index(
                fields=["expires_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="testevent_open_expiry_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"SSID {self.student.ssid}: {self.part.label}, {self.school_year_label}"

    # Plain values in the vocabulary of contracts.md, for appeals/rules.py.
    @property
    def test_code(self) -> str:
        return self.part.assessment.code

    @property
    def part_code(self) -> str | None:
        return self.part.code or None

    @property
    def program(self) -> str:
        return self.part.assessment.program

    @property
    def school_year_label(self) -> str:
        return dates.school_year_label(self.school_year)

    @property
    def grade_label(self) -> str:
        return dates.grade_label(self.grade)

    def expiry_for(self, opened_at: datetime) -> datetime | None:
        """The catalog's expiry for an opening at ``opened_at`` (T-1).

        Only online tests expire: the documents count from the student's first TDS log-in, and a
        paper test has none.
        """
        days = self.part.expiry_days
        if days is None or self.delivery != Delivery.ONLINE:
            return None
        return dates.expires_at(opened_at, days)

    def effective_status(self, now: datetime) -> str:
        """The status, counting an open test whose expiry has passed as expired (T-1)."""
        if self.status in OPEN_STATUSES and dates.is_expired(self.expires_at, now):
            return TestStatus.EXPIRED
        return self.status


class ChangeKind(models.TextChoices):
    IMPORTED = "IMPORTED", "Roster import"
    EXPIRED = "EXPIRED", "Expired"
    RESET = "RESET", "Reset"
    REOPENED = "REOPENED", "Re-opened"
    RESTORED = "RESTORED", "Restored"
    GRACE_PERIOD_EXTENDED = "GRACE_PERIOD_EXTENDED", "Grace period extended"
    RESCORE_OPENED = "RESCORE_OPENED", "Rescore opened"
    INVALIDATED = "INVALIDATED", "Invalidated"
    NOTATION_ADDED = "NOTATION_ADDED", "Irregularity notation recorded"


class TestEventChange(models.Model):
    """The timeline of a test event: who, when, what, why (style.md, "every change")."""

    Kind = ChangeKind

    test_event = models.ForeignKey(TestEvent, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=24, choices=ChangeKind.choices)
    from_status = models.CharField(max_length=12, choices=TestStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=TestStatus.choices, blank=True)
    detail = models.CharField("what changed", max_length=300)
    reason = models.TextField("why", blank=True)
    reference = models.CharField(
        max_length=40, blank=True, help_text="The STAIRS case or appeal behind the change."
    )

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values), name="testeventchange_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class IrregularityNotation(models.Model):
    """A domain-level irregularity notation (D-1), shown on the Score Status tab."""

    test_event = models.ForeignKey(TestEvent, on_delete=models.CASCADE, related_name="notations")
    text = models.CharField(max_length=300, help_text="No personally identifiable information.")
    reference = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Notation on test event {self.test_event_id}"


class TestingWindow(models.Model):
    """An LEA's testing window for a program: appeals are filed only inside it (A-3, C-4)."""

    lea = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="testing_windows",
        limit_choices_to={"kind": OrganizationKind.LEA},
        verbose_name="LEA",
    )
    program = models.CharField(max_length=8, choices=Program.choices)
    start_date = models.DateField("first day")
    end_date = models.DateField("last day")

    class Meta:
        ordering = ["lea__name", "program", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(program__in=Program.values), name="testingwindow_program_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="testingwindow_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["lea", "program", "start_date"], name="testingwindow_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} window {self.start_date:%Y-%m-%d} to {self.end_date:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        if self.lea_id and self.lea.kind != OrganizationKind.LEA:
            raise ValidationError({"lea": "A testing window belongs to an LEA."})
        if self.start_date and self.end_date and self.lea_id and self.program:
            overlapping = TestingWindow.objects.filter(
                lea_id=self.lea_id,
                program=self.program,
                start_date__lte=self.end_date,
                end_date__gte=self.start_date,
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError("This window overlaps another window of the LEA's program.")
