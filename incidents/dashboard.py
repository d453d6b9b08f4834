"""The reads of "MyTOMS at a Glance", the coordinators' dashboard (issue 10, item 3; N-5).

A fixed number of queries whatever the size of the LEA: the scope's filter once, one grouped
count by status, one grouped count per week and status for the chart, one query for the
announcements, one for the window of the draft notice, and capped lists for the to-do items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.access import scope_for
from accounts.models import (
    LEA_COORDINATOR_ROLES,
    SITE_COORDINATOR_ROLES,
    Role,
    User,
)
from appeals.models import Appeal
from incidents import charts
from incidents.announcement_models import Announcement, Audience
from incidents.case_models import Case, CaseNote
from incidents.queries import REJECTED_STATUSES, case_visibility
from stairs.vocabulary import CaseStatus
from students import dates
from students.models import TestingWindow

# Each to-do list shows this many items; the rest are one search away.
TO_DO_LIST_LIMIT: Final = 10
NOTES_DAYS: Final = 7
CHART_WEEKS: Final = 8
REVIEWER_ROLES: Final = frozenset({Role.CDE_REVIEWER, Role.CALTAC_AGENT})


def is_coordinator(user: User) -> bool:
    """Whether ``user`` gets the dashboard: an LEA or site coordinator role (scope cached)."""
    return bool(scope_for(user).roles & (LEA_COORDINATOR_ROLES | SITE_COORDINATOR_ROLES))


def audiences_for(user: User) -> list[str]:
    """The announcement audiences ``user`` belongs to (everyone belongs to EVERYONE)."""
    roles = scope_for(user).roles
    audiences = [Audience.EVERYONE.value]
    if roles & LEA_COORDINATOR_ROLES:
        audiences.append(Audience.LEA_COORDINATORS.value)
    if roles & SITE_COORDINATOR_ROLES:
        audiences.append(Audience.SITE_COORDINATORS.value)
    if roles & REVIEWER_ROLES:
        audiences.append(Audience.REVIEWERS.value)
    return audiences


def announcements_for(user: User, today: date) -> list[Announcement]:
    """The announcements in effect on ``today`` (a Pacific date) for ``user``'s audiences."""
    return list(
        Announcement.objects.filter(
            starts_on__lte=today, ends_on__gte=today, audience__in=audiences_for(user)
        ).order_by("-starts_on", "-pk")
    )


@dataclass(frozen=True)
class DraftNotice:
    """N-5's automatic notice: how many drafts, and the soonest-closing open window of them."""

    drafts: int
    closes_on: date | None
    days_left: int | None


@dataclass(frozen=True)
class DraftItem:
    case: Case
    closes_on: date | None
    days_left: int | None


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class Dashboard:
    announcements: list[Announcement]
    notice: DraftNotice | None
    drafts: list[DraftItem]
    noted: list[Case]
    rejected: list[Appeal]
    counts: list[StatusCount]
    chart: charts.StackedBars
    today: date

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)

    @property
    def has_todo(self) -> bool:
        return bool(self.drafts or self.noted or self.rejected)


def _open_window(today: date) -> QuerySet[TestingWindow]:
    return TestingWindow.objects.filter(start_date__lte=today, end_date__gte=today)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # Monday, as Postgres' date_trunc('week')


def _chart(cases: QuerySet[Case], today: date) -> charts.StackedBars:
    first = _week_start(today) - timedelta(weeks=CHART_WEEKS - 1)
    since = datetime.combine(first, time.min, tzinfo=dates.PACIFIC)
    grouped = (
        cases.filter(submitted_at__gte=since)
        .annotate(week=TruncWeek("submitted_at", tzinfo=dates.PACIFIC))
        .order_by()
        .values_list("week", "status")
        .annotate(n=Count("*"))
    )
    weeks = [first + timedelta(weeks=k) for k in range(CHART_WEEKS)]
    labels = {week: f"{week:%b} {week.day}" for week in weeks}
    values = {(labels[dates.local_date(week)], status): n for week, status, n in grouped}
    submitted = [(s.value, s.label) for s in CaseStatus if s != CaseStatus.DRAFT]
    return charts.stacked_bars(
        "Cases submitted per week, by status now",
        submitted,
        [labels[week] for week in weeks],
        values,
    )


def dashboard_for(
    user: User, *, now: datetime | None = None, announcements: list[Announcement] | None = None
) -> Dashboard:
    """Everything the coordinator's dashboard shows, scoped like Search STAIRS (``cases_for``):
    an LEA role its LEA's cases of its program, a site role its school's. ``announcements``:
    those already read for this visit, not read again."""
    now = now or timezone.now()
    today = dates.local_date(now)
    visible = case_visibility(user)
    cases = Case.objects.all() if visible is None else Case.objects.filter(visible)
    appeals = Appeal.objects.all() if visible is None else Appeal.objects.filter(visible)

    # COUNT(*), not COUNT(id): an index-only scan of case_lea_status_idx or case_school_status_idx.
    by_status = dict(cases.order_by().values_list("status").annotate(n=Count("*")))
    counts = [StatusCount(s.value, s.label, by_status.get(s.value, 0)) for s in CaseStatus]

    draft_cases = cases.filter(status=CaseStatus.DRAFT)
    window_end = (
        _open_window(today)
        .filter(lea_id=OuterRef("lea_id"), program=OuterRef("program"))
        .order_by("end_date")
        .values("end_date")[:1]
    )
    drafts = [
        DraftItem(
            case, case.window_end, (case.window_end - today).days if case.window_end else None
        )
        # The oldest drafts first picked from the scope's index, then joined to their school
        # and incident: joining every draft (750 in the big LEA) first hashed every school.
        for case in Case.objects.filter(
            pk__in=draft_cases.order_by("created_at", "pk").values("pk")[:TO_DO_LIST_LIMIT]
        )
        .select_related("school", "incident_type")
        .annotate(window_end=Subquery(window_end))
        .order_by("created_at", "pk")
    ]
    notice = None
    if by_status.get(CaseStatus.DRAFT, 0):
        closing = (
            _open_window(today)
            .filter(
                Exists(draft_cases.filter(lea_id=OuterRef("lea_id"), program=OuterRef("program")))
            )
            .order_by("end_date")
            .values_list("end_date", flat=True)
            .first()
        )
        notice = DraftNotice(
            by_status[CaseStatus.DRAFT], closing, (closing - today).days if closing else None
        )

    since = now - timedelta(days=NOTES_DAYS)
    # From the week's notes (casenote_recent_idx), not from every case of the scope: the cases
    # with the newest notes by others, then those few cases with their newest note's time.
    recent = CaseNote.objects.filter(created_at__gte=since).exclude(author=user)
    newest_first = (
        recent.filter(case__in=cases)
        .values("case_id")
        .annotate(last=Max("created_at"))
        .order_by("-last", "-case_id")
        .values("case_id")[:TO_DO_LIST_LIMIT]
    )
    latest_note = (
        recent.filter(case=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    )
    noted = list(
        cases.filter(pk__in=newest_first)
        .annotate(last_note_at=Subquery(latest_note))
        .select_related("school")
        .order_by("-last_note_at", "-pk")
    )
    rejected = list(
        appeals.filter(status__in=REJECTED_STATUSES)
        .select_related("student", "case")
        .only(
            "pk",
            "status",
            "appeal_type",
            "decided_at",
            "case_id",
            "case__number",
            "student__ssid",
        )
        .order_by("-decided_at", "-pk")[:TO_DO_LIST_LIMIT]
    )
    return Dashboard(
        announcements=announcements_for(user, today) if announcements is None else announcements,
        notice=notice,
        drafts=drafts,
        noted=noted,
        rejected=rejected,
        counts=counts,
        chart=_chart(cases, today),
        today=today,
    )


__all__ = ["Dashboard", "announcements_for", "dashboard_for", "is_coordinator"]
