"""Search Appeals and the STAIRS and Appeals Report (issue 9, item 8): the appeals of
``appeals_for(user)``, filtered and sorted, for a page of 25 and for the streamed report.

Built for 400,000 appeals (issue 9, "Speed"): the default order and each sort walk an index of
their own (appeals/migrations/0004_search_indexes.py) and stop after a page; the count stops at
a cap; a coordinator's scope is a join to the case, which the planner may start from the LEA's
cases when the LEA is small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Final

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, User
from appeals import business_days
from appeals.models import OPEN_STATUSES, Appeal, ClosureDay
from incidents.queries import appeals_for
from students.dates import local_date

# The sortable columns: key -> ordering, each ending on the primary key so that a page
# boundary never moves between two requests. Status and type sort newest first inside a
# status or type, both ways a backward walk of one index.
APPEAL_SORTS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "-received": ("-received_at", "-pk"),
        "received": ("received_at", "pk"),
        "due": ("due_at", "pk"),
        "-due": ("-due_at", "-pk"),
        "number": ("case__number", "pk"),
        "-number": ("-case__number", "-pk"),
        "ssid": ("student__ssid", "pk"),
        "-ssid": ("-student__ssid", "-pk"),
        "status": ("status", "-received_at", "-pk"),
        "-status": ("-status", "received_at", "pk"),
        "type": ("appeal_type", "-received_at", "-pk"),
        "-type": ("-appeal_type", "received_at", "pk"),
    }
)
# Newest received first, as Search STAIRS lists the newest cases first. Unless another order is
# asked for, a case number filter sorts by case number and a due filter by due date (what is
# due soonest, or longest overdue): the order of the index that finds them, where walking the
# newest first would read most of the state's appeals before it met an old case's.
DEFAULT_APPEAL_SORT: Final = "-received"
NUMBER_SORT: Final = "number"
DUE_SORT: Final = "due"

# The appeal type filter's value for an appeal whose type CDE chooses by hand (manual review).
MANUAL_TYPE: Final = "MANUAL"
# The due filter: open and past due, or open and due by the end of the N-th business day
# from today (A-2's clock counts four).
OVERDUE: Final = "overdue"
DUE_WITHIN_DAYS: Final = (1, 2, 3, 4)
SCHOOL_IDS_MAX: Final = 1_000
# The highest case number of each length's beginning: every number has this shape (2027-000123).
_NUMBER_FORMAT: Final = "9999-999999"


@dataclass(frozen=True)
class AppealFilters:
    """Search Appeals's filters (and the report's: the same ones), already validated."""

    appeal_type: str = ""  # an AppealType code, or MANUAL_TYPE
    status: str = ""
    reviewer: str = ""
    ssid: str = ""
    number: str = ""  # a case number or its beginning
    due: str = ""  # OVERDUE or a number of business days
    school: int | None = None  # a school's id (coordinators pick from their schools)
    school_text: str = ""  # a CDS code or the beginning of a school's name
    test: str = ""
    sort: str = ""  # empty: the default for the filters (``order``)

    @property
    def order(self) -> str:
        if self.sort in APPEAL_SORTS:
            return self.sort
        if self.number:
            return NUMBER_SORT
        return DUE_SORT if self.due else DEFAULT_APPEAL_SORT


def _due_by(days: int, now: datetime) -> datetime:
    """The end of the ``days``-th business day from today (today counting as day 0 when it is
    a business day), as appeals/business_days.py counts A-2's clock."""
    today = local_date(now)
    closures = ClosureDay.dates_between(today, today + business_days.CLOSURE_HORIZON)
    return business_days.add_business_days(now, days, closures)


def _schools_named(text: str) -> list[int] | QuerySet:
    """The schools whose CDS code or name begins with ``text``: their ids, read first (one
    query over the 10,000 schools), so the appeals are found from those schools' cases; a
    join would walk the appeals newest first, all 400,000 of them when no school matches.
    Past SCHOOL_IDS_MAX schools (a county's CDS prefix) the text is no narrower than the
    appeals' own order, and the subquery serves."""
    schools = Organization.objects.filter(kind=OrganizationKind.SCHOOL).filter(
        Q(cds_code__startswith=text) | Q(name__istartswith=text)
    )
    ids = list(schools.values_list("pk", flat=True)[: SCHOOL_IDS_MAX + 1])
    return schools.values("pk") if len(ids) > SCHOOL_IDS_MAX else ids


def appeals_matching(
    user: User, filters: AppealFilters, *, now: datetime | None = None
) -> QuerySet[Appeal]:
    """``appeals_for(user)`` narrowed by ``filters`` and in their order: the one queryset that
    the page, its count and the report read (built once: the user's grants and the closure
    days of a due filter are read once)."""
    now = now or timezone.now()
    appeals = appeals_for(user)
    if filters.appeal_type == MANUAL_TYPE:
        appeals = appeals.filter(appeal_type="")
    elif filters.appeal_type:
        appeals = appeals.filter(appeal_type=filters.appeal_type)
    if filters.status:
        appeals = appeals.filter(status=filters.status)
    if filters.reviewer:
        appeals = appeals.filter(reviewer=filters.reviewer)
    if filters.ssid:
        # F-10: an SSID of another LEA, or one that does not exist, matches no appeal in scope.
        appeals = appeals.filter(student__ssid=filters.ssid)
    if filters.number:
        # The range lets the number's own index (the one its order walks) find the prefix:
        # LIKE 'prefix%' could only filter it row by row (the database's collation is not C).
        appeals = appeals.filter(
            case__number__startswith=filters.number,
            case__number__gte=filters.number,
            case__number__lte=filters.number + _NUMBER_FORMAT[len(filters.number) :],
        )
    if filters.due == OVERDUE:
        appeals = appeals.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    elif filters.due:
        appeals = appeals.filter(
            status__in=OPEN_STATUSES,
            due_at__gte=now,
            due_at__lte=_due_by(int(filters.due), now),
        )
    if filters.school is not None:
        appeals = appeals.filter(school_id=filters.school)
    if filters.school_text:
        appeals = appeals.filter(school_id__in=_schools_named(filters.school_text))
    if filters.test:
        appeals = appeals.filter(case__test=filters.test)
    if filters.order in ("number", "-number"):
        # Every appeal's case is submitted, so numbered: said outright, the number's index
        # skips the drafts' empty numbers, which a descending walk would otherwise read first.
        appeals = appeals.filter(case__number__isnull=False)
    return appeals.order_by(*APPEAL_SORTS[filters.order])


def capped_count(appeals: QuerySet[Appeal], *, cap: int) -> int:
    """How many of ``appeals`` there are, counting no further than ``cap`` + 1 and without
    ordering, so that CDE's unfiltered 400,000 stop early."""
    return appeals.order_by()[: cap + 1].count()


def search_rows(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """The rows of Search Appeals, with what a row shows joined (the case, its school, the
    student's SSID) and nothing else read: a page is one query whatever its length."""
    return appeals.select_related("case__school", "student").only(
        "appeal_type",
        "status",
        "reviewer",
        "received_at",
        "due_at",
        "decided_at",
        "case__number",
        "case__test",
        "case__part",
        "case__school__name",
        "case__school__cds_code",
        "student__ssid",
    )


# The columns of the STAIRS and Appeals Report, in order: one row per appeal. SSIDs only,
# never a name (architecture.md, "Students are referred to by SSID").
REPORT_COLUMNS: Final = (
    "School",
    "School CDS code",
    "Test",
    "Part or domain",
    "Grade",
    "Delivery",
    "Case number",
    "Case status",
    "SSID",
    "Incident date",
    "Submitted at (Pacific)",
    "Appeal number",
    "Appeal type",
    "Appeal status",
    "Plan of action",
    "Reviewer",
    "Due (Pacific)",
    "Decided at (Pacific)",
    "Decision reason",
)


def report_rows(appeals: QuerySet[Appeal]) -> QuerySet:
    """The report's rows as tuples in REPORT_COLUMNS's order (raw values), from one query that
    the report reads in chunks: the appeals joined to their case, school and student."""
    return appeals.values_list(
        "case__school__name",
        "case__school__cds_code",
        "case__test",
        "case__part",
        "case__grade",
        "case__delivery",
        "case__number",
        "case__status",
        "student__ssid",
        "case__incident_date",
        "case__submitted_at",
        "pk",
        "appeal_type",
        "status",
        "case__plan_of_action",
        "reviewer",
        "due_at",
        "decided_at",
        "decision_reason",
    )
