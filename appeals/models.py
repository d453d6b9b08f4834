"""Appeals (issue 8, part 1): one per selected SSID of a submitted case, and their timeline.

The case is referred to by string ("incidents.Case"): appeals sit below incidents in the app
layers and never import it. Statuses move only through appeals/services.py along
appeals/transitions.py.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization, Program
from stairs import vocabulary
from students.models import Student, TestEvent

AppealStatus = models.TextChoices(  # type: ignore[misc]
    "AppealStatus", vocabulary.AppealStatus.choices()
)
AppealTypeChoice = models.TextChoices(  # type: ignore[misc]
    "AppealTypeChoice", vocabulary.AppealType.choices()
)
ReviewerChoice = models.TextChoices(  # type: ignore[misc]
    "ReviewerChoice", vocabulary.Reviewer.choices()
)
# The constraints' and indexes' lists of transitions.OPEN and the rejections, as plain strings
# (migrations serialize them).
OPEN_STATUSES: list[str] = [
    vocabulary.AppealStatus.PENDING,
    vocabulary.AppealStatus.PENDING_APPROVAL,
]
REJECTED_STATUSES: list[str] = [
    vocabulary.AppealStatus.REJECTED_BY_CDE,
    vocabulary.AppealStatus.REJECTED_BY_CALTAC,
    vocabulary.AppealStatus.REJECTED_BY_SYSTEM,
]


class Appeal(models.Model):
    """An appeal of one student's test event, filed by a case."""

    # No index of its own: appeal_unique_per_case (case, student) serves lookups by case.
    case = models.ForeignKey(
        "incidents.Case", on_delete=models.CASCADE, related_name="appeals", db_index=False
    )
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="appeals")
    # The case's LEA, school and program, copied when the appeal is filed (a submitted case never
    # changes them): who may see an appeal (incidents.queries.appeals_for) and Search Appeals's
    # school filter read the appeal's own row and indexes, with no join to its case.
    # Served by appeal_lea_newest_idx and appeal_school_newest_idx, which lead with them.
    lea = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    program = models.CharField(max_length=8, choices=Program.choices)
    test_event = models.ForeignKey(
        TestEvent, on_delete=models.PROTECT, related_name="appeals", null=True, blank=True
    )
    # Empty while CDE must choose the appeal by hand (manual review).
    appeal_type = models.CharField(
        "appeal", max_length=24, choices=AppealTypeChoice.choices, blank=True
    )
    reviewer = models.CharField(max_length=8, choices=ReviewerChoice.choices)
    status = models.CharField(max_length=20, choices=AppealStatus.choices)
    manual_review = models.BooleanField(default=False)
    rule = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    # A-2's four business days run from receipt: the case's submission.
    received_at = models.DateTimeField()
    # A-2, T-2: the end of the fourth business day after receipt (appeals/business_days.py),
    # computed once by appeal_create and stored (its migration filled the older rows).
    due_at = models.DateTimeField("due")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # What the effect acts on (003): only the DEI entries of the test (A-RESET-10, A-REOPEN-3,
    # A-RESET-4 under a Data Entry Issue); else the test itself.
    dei_only = models.BooleanField("DEI entries only", default=False)
    # D-1: the approved appeal also records a domain-level irregularity notation (ELPAC resets).
    notation = models.BooleanField("records an irregularity notation", default=False)
    # The test event's facts when the appeal was filed (status, questions completed, expiry), so
    # reviewers see whether they changed since (appeals/review.py `event_changes`).
    filed_state = models.JSONField("test at filing", default=dict, blank=True)
    # The review (issue 9): who holds it, A-1's approval before filing, the decision. The people
    # have no index of their own: accounts are deactivated, never deleted, and the queues read
    # the holder through appeal_mine_idx. Every index is written by every sweep and decision.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    preapproved_at = models.DateTimeField("approved for filing", null=True, blank=True)
    preapproved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    decision_reason = models.TextField(blank=True)
    # Approved as a recorded exception that changes nothing on the test (a Grace Period
    # Extension for a CAASPP PT, domain.md's contradiction under A-GPE-1).
    exception = models.BooleanField("recorded exception", default=False)

    class Meta:
        # By the case's id, not the case's own ordering, which would join the case to order.
        ordering = ["case_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(appeal_type__in=[*AppealTypeChoice.values, ""]),
                name="appeal_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__in=ReviewerChoice.values), name="appeal_reviewer_valid"
            ),
            # Only CDE chooses an appeal by hand: an appeal without a type is CDE's (D-3).
            models.CheckConstraint(
                condition=~Q(appeal_type="") | Q(reviewer=ReviewerChoice.CDE),
                name="appeal_untyped_is_cde",
            ),
            # Grace Period Extension and Restore are pending only once CDE approved them
            # for filing; before that they are pending approval.
            models.CheckConstraint(
                condition=~Q(
                    appeal_type__in=[
                        AppealTypeChoice.GRACE_PERIOD_EXTENSION,
                        AppealTypeChoice.RESTORE,
                    ],
                    status=AppealStatus.PENDING,
                    preapproved_at__isnull=True,
                ),
                name="appeal_approval_first",
            ),
            # A decision has its moment and, for a rejection, its reason.
            models.CheckConstraint(
                condition=Q(status__in=[*OPEN_STATUSES, AppealStatus.WITHDRAWN])
                | Q(decided_at__isnull=False),
                name="appeal_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=REJECTED_STATUSES) | ~Q(decision_reason=""),
                name="appeal_rejection_has_reason",
            ),
            # An approved appeal has a type: a manual review's choice is stored on approval.
            models.CheckConstraint(
                condition=~Q(status=AppealStatus.APPROVED) | ~Q(appeal_type=""),
                name="appeal_approved_has_type",
            ),
            # One appeal per student per case.
            models.UniqueConstraint(fields=["case", "student"], name="appeal_unique_per_case"),
        ]
        # Search Appeals and the review queues (next issue) filter on these.
        indexes = [
            # A coordinator's appeals (appeals_for), newest first, by LEA or by school.
            models.Index(
                fields=["lea", "program", "-received_at", "-id"], name="appeal_lea_newest_idx"
            ),
            models.Index(
                fields=["school", "program", "-received_at", "-id"],
                name="appeal_school_newest_idx",
            ),
            # Search Appeals for an LEA's coordinator with a status or type filter: its capped
            # count and its page read only the matching appeals of the LEA (without them, a
            # BitmapAnd of three indexes or a sequential scan: bench/RESULTS.md, appeals/0009).
            models.Index(
                fields=["lea", "program", "status", "-received_at", "-id"],
                name="appeal_lea_status_idx",
            ),
            models.Index(
                fields=["lea", "program", "appeal_type", "-received_at", "-id"],
                name="appeal_lea_type_idx",
            ),
            # The queues: a team's open appeals by due date, unclaimed or a reviewer's own.
            models.Index(
                fields=["reviewer", "due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="appeal_open_queue_idx",
            ),
            models.Index(
                fields=["claimed_by", "due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="appeal_mine_idx",
            ),
            # The queues' Unclaimed tab, its count and its page by due date: without it the
            # capped count reads the table until 1,001 unclaimed rows match (bench/RESULTS.md).
            models.Index(
                fields=["reviewer", "due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES, claimed_by__isnull=True),
                name="appeal_unclaimed_idx",
            ),
            models.Index(
                fields=["reviewer", "-decided_at"],
                condition=Q(decided_at__isnull=False),
                name="appeal_decided_idx",
            ),
            # Search Appeals (incidents/appeal_search.py): each order walks an index and stops
            # after a page; status and type filters with the default order too.
            models.Index(fields=["-received_at", "-id"], name="appeal_received_idx"),
            models.Index(fields=["due_at", "id"], name="appeal_due_order_idx"),
            models.Index(fields=["status", "-received_at", "-id"], name="appeal_status_order_idx"),
            models.Index(
                fields=["appeal_type", "-received_at", "-id"], name="appeal_type_order_idx"
            ),
            # Its due filters (overdue, due within N business days), by due date.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="appeal_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        kind = self.get_appeal_type_display() or "Appeal (CDE chooses)"
        return f"{kind} for SSID {self.student.ssid}"

    @property
    def is_open(self) -> bool:
        """Still waiting for a decision (pending, or pending approval, A-1)."""
        return self.status in OPEN_STATUSES

    @property
    def type_label(self) -> str:
        return self.get_appeal_type_display() or "Appeal for CDE to choose"


class AppealEventKind(models.TextChoices):
    CREATED = "CREATED", "Appeal filed"
    STATUS_CHANGED = "STATUS_CHANGED", "Status changed"
    CLAIMED = "CLAIMED", "Claimed"
    RELEASED = "RELEASED", "Released"
    ASSIGNED = "ASSIGNED", "Assigned"
    APPROVED_FOR_FILING = "PREAPPROVED", "Approved for filing"
    DECIDED = "DECIDED", "Decided"
    RESUBMITTED = "RESUBMITTED", "Resubmitted"
    OVERDUE = "OVERDUE", "Overdue"


class AppealEvent(models.Model):
    """An appeal's timeline: one row per change (who, when, from, to, what, why)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=16, choices=AppealEventKind.choices)
    from_status = models.CharField(max_length=20, choices=AppealStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AppealStatus.choices)
    detail = models.CharField("what changed", max_length=300)
    reason = models.TextField("why", blank=True)

    class Meta:
        ordering = ["appeal", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AppealEventKind.values), name="appealevent_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(from_status__in=[*AppealStatus.values, ""])
                & Q(to_status__in=AppealStatus.values),
                name="appealevent_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on appeal {self.appeal_id}"


class AppealOverdue(models.Model):
    """The mark the overdue sweep (appeals/assignment.py) leaves on an appeal the first time it
    is past its due moment (A-2), so its team is told once. A row of its own rather than a
    column of Appeal: the sweep may mark tens of thousands at once, and a narrow insert costs a
    fraction of an update of the wide, many-indexed appeal row (bench/RESULTS.md). A resubmitted
    appeal loses its mark with its new due date."""

    appeal = models.OneToOneField(
        Appeal, on_delete=models.CASCADE, primary_key=True, related_name="overdue"
    )
    reviewer = models.CharField(max_length=8, choices=ReviewerChoice.choices)
    at = models.DateTimeField("marked overdue at")

    class Meta:
        verbose_name = "overdue mark"

    def __str__(self) -> str:
        return f"Appeal {self.appeal_id} overdue since {self.at:%Y-%m-%d %H:%M}"


class ClosureDay(models.Model):
    """A day CDE and CalTAC are closed beyond the weekends and California's state holidays (T-2):
    not a business day for the four-day clock of A-2. Reference data, edited in the admin."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200, help_text="Why the offices are closed that day.")

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.reason}"

    @classmethod
    def dates_between(cls, first: date, last: date) -> frozenset[date]:
        """The closure days from ``first`` to ``last`` inclusive, in one query, for the pure
        functions of appeals/business_days.py."""
        return frozenset(
            cls.objects.filter(date__range=(first, last)).values_list("date", flat=True)
        )


class DecisionTally(models.Model):
    """How many appeals a reviewer team decided on a Pacific day, and how many of them by their
    due moment (A-2: four business days): the reviewers' dashboard's two charts sum the team's
    rows of eight weeks (a few thousand at state scale, one per reviewer and day) instead of
    counting its 100,000 decisions of those weeks (issue 10, "Speed"; bench/RESULTS.md).
    Written by the decision services of appeals/decisions.py in their own transaction
    (appeals/tally.py); the decisions it counts are those of
    ``incidents.review_queries.decided_appeals`` at the moment they are made.

    One row per team, day and reviewer (``decided_by``; none for the system's rejections), so
    two reviewers deciding at once each add to their own row and never wait on a shared one.
    A decision stays counted on the day it was made: a resubmission after a rejection by the
    system starts a new review, counted again when it is decided, and leaves the past day as it
    was."""

    team = models.CharField(max_length=8, choices=ReviewerChoice.choices)
    day = models.DateField("Pacific day")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    decided = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField("decided by the due moment", default=0)

    class Meta:
        constraints = [
            # The reviewers' rows, and the index the dashboard reads by team and day.
            models.UniqueConstraint(
                fields=["team", "day", "decided_by"], name="decisiontally_team_day_reviewer_uniq"
            ),
            # The system's row of a team and day (a NULL reviewer is never equal to another).
            models.UniqueConstraint(
                fields=["team", "day"],
                condition=Q(decided_by__isnull=True),
                name="decisiontally_team_day_system_uniq",
            ),
            models.CheckConstraint(
                condition=Q(team__in=ReviewerChoice.values), name="decisiontally_team_valid"
            ),
            models.CheckConstraint(
                condition=Q(on_time__lte=models.F("decided")), name="decisiontally_on_time_le"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.day:%Y-%m-%d}: {self.on_time} of {self.decided} on time"
