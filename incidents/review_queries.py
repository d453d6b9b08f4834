"""The reads of the reviewers' pages (issue 9, items 1 and 4): the five review queues with their
filters and capped counts, and an appeal's decision page.

Every read starts from ``queries.appeals_for``, the one definition of the appeals a user sees;
the queues then narrow it to the user's reviewer teams (`decisions.reviewer_teams`). Each queue
is served by one of the partial indexes of appeals/models.py (open by team and due date, open by
holder and due date, decided by team and decision time), so a count stays cheap at 400,000
appeals and a page costs a fixed number of queries, whatever it lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Organization, OrganizationKind, User
from appeals import business_days, transitions
from appeals.models import Appeal, AppealEvent, ClosureDay
from appeals.review import event_changes
from appeals.services import filed_state
from incidents.queries import appeals_for
from students.dates import end_of_local_day, local_date

# Past this many appeals a tab stops counting ("1,000+"): a reviewer works from the top of a
# queue sorted by due date, and a count past a thousand only costs time.
COUNT_CAP: Final = 1_000
# Overdue phrases count business days back up to a year; the "due" horizon looks ahead.
_CLOSURES_BACK: Final = timedelta(days=366)


class Tab(StrEnum):
    MINE = "mine"
    UNCLAIMED = "unclaimed"
    DUE = "due"
    OVERDUE = "overdue"
    DECIDED = "decided"


TAB_LABELS: Final = {
    Tab.MINE: "Mine",
    Tab.UNCLAIMED: "Unclaimed",
    Tab.DUE: "Due within one business day",
    Tab.OVERDUE: "Overdue",
    Tab.DECIDED: "Decided",
}

# The manual reviews (CDE chooses the appeal): the type filter's value for "no type yet".
MANUAL: Final = "MANUAL"


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, already validated (incidents/review_forms.py)."""

    appeal_type: str = ""  # an AppealType code, MANUAL, or empty
    test: str = ""
    lea: str = ""  # a CDS code's beginning, or the beginning of an LEA's name
    school: str = ""  # a CDS code's beginning, or the beginning of a school's name
    ssid: str = ""
    case: str = ""  # a case number or its beginning

    @property
    def in_use(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class Clock:
    """The moments the queues compare due dates with, and the closure days read for them (one
    query, shared with the due phrases of the rows)."""

    now: datetime
    due_by: datetime  # the end of the next business day (T-2)
    closures: frozenset[date]


def queue_clock(now: datetime) -> Clock:
    """Now, and the end of the next business day: "due within one business day" is due by then
    (A-2, T-2; weekends, California holidays and CDE's closure days skipped)."""
    today = local_date(now)
    closures = ClosureDay.dates_between(
        today - _CLOSURES_BACK, today + business_days.CLOSURE_HORIZON
    )
    next_day = business_days.next_business_day(today + timedelta(days=1), closures)
    return Clock(now=now, due_by=end_of_local_day(next_day), closures=closures)


def organizations_matching(kind: str, text: str) -> QuerySet[Organization]:
    """Schools or LEAs whose CDS code starts with ``text`` (digits) or whose name starts with it:
    the CDS code's unique index and a name prefix, never a select of 10,000 schools."""
    digits = text.replace(" ", "").replace("-", "")
    orgs = Organization.objects.filter(kind=kind)
    if digits.isdigit():
        return orgs.filter(cds_code__startswith=digits)
    return orgs.filter(name__istartswith=text)


def _filtered(appeals: QuerySet[Appeal], filters: QueueFilters) -> QuerySet[Appeal]:
    if filters.appeal_type == MANUAL:
        appeals = appeals.filter(appeal_type="")
    elif filters.appeal_type:
        appeals = appeals.filter(appeal_type=filters.appeal_type)
    if filters.test:
        appeals = appeals.filter(case__test=filters.test)
    if filters.lea:
        matching = organizations_matching(OrganizationKind.LEA, filters.lea)
        appeals = appeals.filter(lea__in=matching.values("pk"))
    if filters.school:
        matching = organizations_matching(OrganizationKind.SCHOOL, filters.school)
        appeals = appeals.filter(school__in=matching.values("pk"))
    if filters.ssid:
        appeals = appeals.filter(student__ssid=filters.ssid)
    if filters.case:
        appeals = appeals.filter(case__number__startswith=filters.case)
    return appeals


def _tab(user: User, teams: frozenset[str], tab: Tab, clock: Clock) -> QuerySet[Appeal]:
    """One queue, unfiltered and unordered: the conditions of its partial index."""
    appeals = appeals_for(user)
    open_ = Q(status__in=transitions.OPEN)
    team = Q(reviewer__in=sorted(teams))
    if tab == Tab.MINE:
        return appeals.filter(open_, claimed_by=user)
    if tab == Tab.UNCLAIMED:
        return appeals.filter(open_, team, claimed_by__isnull=True)
    if tab == Tab.DUE:
        # Overdue ones are in Overdue, not here.
        return appeals.filter(open_, team, due_at__gte=clock.now, due_at__lte=clock.due_by)
    if tab == Tab.OVERDUE:
        return appeals.filter(open_, team, due_at__lt=clock.now)
    return decided_appeals(user, teams)


def decided_appeals(user: User, teams: frozenset[str]) -> QuerySet[Appeal]:
    """The Decided tab, unordered: the appeals ``teams`` decided (the reviewer dashboard's
    charts count them too)."""
    return appeals_for(user).filter(
        reviewer__in=sorted(teams), decided_at__isnull=False, status__in=transitions.DECIDED
    )


def queue_counts(
    user: User,
    teams: frozenset[str],
    filters: QueueFilters,
    clock: Clock,
    tabs: Iterable[Tab] = tuple(Tab),
) -> dict[Tab, int]:
    """Each tab's number of appeals, counted no further than ``COUNT_CAP`` + 1 (no joins unless
    a filter needs one, no ordering): every tab's count in one statement, a subquery each, which
    spares a round trip and Django's count() wrapping per tab (4 of the reviewers' start page's
    12 queries; bench/RESULTS.md, "Every page at state scale")."""
    tabs = list(tabs)
    counts, params = [], []
    for n, tab in enumerate(tabs):
        capped = _filtered(_tab(user, teams, tab, clock), filters).order_by().values("pk")
        try:
            sql, tab_params = capped[: COUNT_CAP + 1].query.sql_with_params()
        except EmptyResultSet:  # nothing can match (an empty scope)
            counts.append("0")
            continue
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS tab{n})")  # noqa: S608 (Django's SQL)
        params.extend(tab_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts), params)
        return dict(zip(tabs, cursor.fetchone(), strict=True))


def queue_appeals(
    user: User, teams: frozenset[str], tab: Tab, filters: QueueFilters, clock: Clock
) -> QuerySet[Appeal]:
    """One queue's rows: soonest due first (Decided: newest decision first), with what a row
    shows joined (case, school, student, holder), so a page is one query."""
    appeals = _filtered(_tab(user, teams, tab, clock), filters).select_related(
        "case__school", "student", "claimed_by", "decided_by"
    )
    if tab == Tab.DECIDED:
        return appeals.order_by("-decided_at", "-pk")
    return appeals.order_by("due_at", "pk")


@dataclass
class AppealPage:
    """What the decision page shows, read in a fixed number of queries."""

    appeal: Appeal
    events: list[AppealEvent]
    siblings: list[Appeal]  # the other appeals of the same case, by id
    facts_now: dict[str, Any]
    changes: list[str] = field(default_factory=list)


def appeal_page(user: User, pk: int, now: datetime) -> AppealPage:
    """An appeal the user may see (404 otherwise, like a missing one), with its case, test event,
    timeline and the case's other appeals; the test's facts now beside those at filing."""
    appeal = get_object_or_404(
        appeals_for(user).select_related(
            "case__school",
            "case__lea",
            "case__incident_type",
            "case__created_by",
            "case__submitted_by",
            "student",
            "test_event__part__assessment",
            "claimed_by",
            "decided_by",
            "preapproved_by",
        ),
        pk=pk,
    )
    events = list(appeal.events.select_related("actor").order_by("at", "pk"))
    siblings = list(
        Appeal.objects.filter(case_id=appeal.case_id)
        .exclude(pk=appeal.pk)
        .select_related("student")
        .order_by("pk")
    )
    facts_now = filed_state(appeal.test_event, now)
    return AppealPage(
        appeal=appeal,
        events=events,
        siblings=siblings,
        facts_now=facts_now,
        changes=event_changes(appeal.filed_state, facts_now),
    )
