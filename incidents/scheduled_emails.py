"""The emails STAIRS sends by itself each morning (issue 10, item 1): the draft reminder to LEA
coordinators (N-5) and CDE's daily digest of what waits for its decision (N-3).

A run queues keyed rows ("draft-reminder:<date>:<lea>:<program>", "cde-digest:<date>"), so a
task that runs twice on one day writes each recipient's email once. A fixed number of queries
finds whom to tell at state scale (1,000 LEAs, 150,000 cases, 410,000 appeals) and the rows are
written in one statement. The payload holds ids and the day only: the worker counts again when
it sends, and an email whose reason has gone by then (the drafts submitted, the window closed,
CDE's queue emptied) or whose day has passed is not sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from django.db import transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import LEA_COORDINATOR_ROLES, ROLE_PROGRAM, Organization, User
from appeals import business_days
from appeals.assignment import team_members
from appeals.models import OPEN_STATUSES, Appeal
from incidents.case_models import Case
from incidents.review_queries import Tab, queue_clock
from notifications.renderers import EmailKind, NotificationNotNeeded, absolute_url
from notifications.services import Recipient, scheduled_emails_queue
from stairs.vocabulary import AppealStatus, CaseStatus, Program, Reviewer
from students import dates

DRAFT_REMINDER: Final = "incidents.draft_reminder"
CDE_DIGEST: Final = "incidents.cde_digest"
# The digest lists this many appeals, soonest due first; the queue holds the rest.
DIGEST_APPEALS: Final = 10
CDE_APPROVAL_STATUSES: Final = (CaseStatus.PENDING_CDE_APPROVAL, CaseStatus.PARTIAL_CDE_APPROVAL)


def _still_today(payload: Mapping[str, Any]) -> date:
    """Today (Pacific) when the email is written; a reminder from an earlier day (its sending
    held up by failures past midnight) is not sent, since that day's own reminder replaces it."""
    today = dates.local_date(timezone.now())
    if date.fromisoformat(payload["date"]) != today:
        raise NotificationNotNeeded("This daily email is for an earlier day.")
    return today


# --- N-5: the draft reminder ------------------------------------------------------------------


def drafts_in_open_windows(
    today: date, cases: QuerySet[Case] | None = None
) -> list[tuple[int, str, int, date]]:
    """Each (LEA, program) of ``cases`` (all cases by default) with drafts and a testing window
    open on ``today``: (LEA id, program, number of drafts, last day of the soonest-closing open
    window). One query: the drafts (through case_status_idx) joined to the open windows of
    their LEA and program, grouped by LEA and program.

    A site coordinator's draft is counted for its school's LEA: the case carries the LEA.
    """
    cases = Case.objects.all() if cases is None else cases
    return list(
        cases.filter(
            status=CaseStatus.DRAFT,
            lea__testing_windows__program=F("program"),
            lea__testing_windows__start_date__lte=today,
            lea__testing_windows__end_date__gte=today,
        )
        .order_by("lea_id", "program")
        .values_list("lea_id", "program")
        # distinct: a draft is counted once even if two open windows overlapped.
        .annotate(
            drafts=Count("pk", distinct=True), closes_on=Min("lea__testing_windows__end_date")
        )
    )


def _lea_coordinators_of(lea_ids: set[int]) -> dict[tuple[int, str], list[Recipient]]:
    """The active LEA coordinators of these LEAs, by (LEA id, program): one query."""
    found: dict[tuple[int, str], list[Recipient]] = defaultdict(list)
    grants = (
        User.objects.filter(
            is_active=True,
            grants__role__in=LEA_COORDINATOR_ROLES,
            grants__organization_id__in=sorted(lea_ids),
        )
        .order_by("pk")
        .values_list("pk", "email", "grants__organization_id", "grants__role")
    )
    for user_id, email, lea_id, role in grants:
        found[(lea_id, ROLE_PROGRAM[role])].append((user_id, email))
    return found


@transaction.atomic
def draft_reminders_queue(*, now: datetime | None = None) -> int:
    """N-5: one reminder a day to the program's LEA coordinator(s) of each LEA with drafts of
    that program while its testing window is open.

    Steps: the (LEA, program) pairs with drafts in an open window (one query); their LEA
    coordinators (one query); one keyed row per coordinator and pair, written once a day
    however often this runs. Returns how many rows this run wrote.
    """
    today = dates.local_date(now or timezone.now())
    pending = drafts_in_open_windows(today)
    coordinators = _lea_coordinators_of({lea_id for lea_id, *_ in pending})
    emails = [
        (
            f"draft-reminder:{today.isoformat()}:{lea_id}:{program}",
            {"lea_id": lea_id, "program": program, "date": today.isoformat()},
            coordinators[(lea_id, program)],
        )
        for lea_id, program, _drafts, _closes_on in pending
        if coordinators.get((lea_id, program))
    ]
    return scheduled_emails_queue(kind=DRAFT_REMINDER, emails=emails)


def draft_reminder_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The LEA's drafts of the program and the days left in its window, counted now."""
    today = _still_today(payload)
    lea = Organization.objects.filter(pk=payload["lea_id"]).only("name").first()
    found = drafts_in_open_windows(
        today, Case.objects.filter(lea_id=payload["lea_id"], program=payload["program"])
    )
    if lea is None or not found:
        raise NotificationNotNeeded("No draft is left, or the testing window has closed.")
    _lea, program, drafts, closes_on = found[0]
    return {
        "lea": lea.name,
        "program": Program(program).label,
        "drafts": drafts,
        "closes_on": closes_on,
        "days_left": (closes_on - today).days,
        "search_url": absolute_url(reverse("incidents:search") + "?status=" + CaseStatus.DRAFT),
        "dashboard_url": absolute_url(reverse("home")),
    }


# --- N-3: CDE's daily digest ------------------------------------------------------------------


def _cde_open_appeals() -> QuerySet[Appeal]:
    """The appeals waiting for CDE: pending its decision, or its approval for filing (A-1).
    OPEN_STATUSES is the review queues' partial index's own list, in its order: the planner
    then sees the index's condition word for word and counts from the index alone."""
    return Appeal.objects.filter(status__in=OPEN_STATUSES, reviewer=Reviewer.CDE)


def _cde_has_work() -> bool:
    return (
        _cde_open_appeals().exists()
        or Case.objects.filter(status__in=CDE_APPROVAL_STATUSES).exists()
    )


@transaction.atomic
def cde_digest_queue(*, now: datetime | None = None) -> int:
    """N-3: one digest a day to CDE's available reviewers while appeals or cases wait for its
    approval; none when nothing does.

    Steps: whether anything waits (two EXISTS on indexes); CDE's available reviewers; one keyed
    row each, written once a day however often this runs. Returns how many rows it wrote.
    """
    today = dates.local_date(now or timezone.now())
    if not _cde_has_work():
        return 0
    reviewers = [(user.pk, user.email) for user in team_members(Reviewer.CDE)]
    key = f"cde-digest:{today.isoformat()}"
    return scheduled_emails_queue(
        kind=CDE_DIGEST, emails=[(key, {"date": today.isoformat()}, reviewers)]
    )


def cde_digest_context(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What waits for CDE now: its open appeals counted by due date (an index-only count) and
    those pending approval for filing (one count), the cases pending its approval (one grouped
    count) and the soonest-due appeals (one query, joined). Five queries with the queue
    clock's closure days, however many appeals wait."""
    _still_today(payload)
    now = timezone.now()
    clock = queue_clock(now)
    waiting = _cde_open_appeals()
    # Counting due_at (never null), a column of the open-queue index, not the primary key:
    # an index-only scan. The approvals for filing are few, of one status (their own index).
    counts = waiting.aggregate(
        appeals=Count("due_at"),
        overdue=Count("due_at", filter=Q(due_at__lt=now)),
        due=Count("due_at", filter=Q(due_at__gte=now, due_at__lte=clock.due_by)),
    )
    counts["approval"] = waiting.filter(status=AppealStatus.PENDING_APPROVAL).count()
    counts["decision"] = counts["appeals"] - counts["approval"]
    by_status = dict(
        Case.objects.filter(status__in=CDE_APPROVAL_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    cases = [
        {
            "label": CaseStatus(status).label,
            "count": by_status.get(status, 0),
            "url": absolute_url(reverse("incidents:search") + "?status=" + status),
        }
        for status in CDE_APPROVAL_STATUSES
    ]
    if not (counts["appeals"] or by_status):
        raise NotificationNotNeeded("Nothing waits for CDE's decision or approval.")
    soonest = (
        waiting.select_related("case", "student")
        .only("pk", "status", "appeal_type", "due_at", "case__number", "student__ssid")
        .order_by("due_at", "pk")[:DIGEST_APPEALS]
    )
    queue = reverse("review:queue")
    return {
        **counts,
        "cases": cases,
        "case_total": sum(row["count"] for row in cases),
        "soonest": [
            {
                "number": appeal.case.number,
                "ssid": appeal.student.ssid,
                "appeal": appeal.type_label,
                "status": AppealStatus(appeal.status).label,
                "due_on": dates.local_date(appeal.due_at),
                "due": business_days.due_phrase(now, appeal.due_at, clock.closures),
                "url": absolute_url(reverse("review:appeal", args=[appeal.pk])),
            }
            for appeal in soonest
        ],
        "tab_urls": {
            tab.value: absolute_url(f"{queue}?view={tab.value}")
            for tab in (Tab.UNCLAIMED, Tab.DUE, Tab.OVERDUE)
        },
    }


KINDS = (
    EmailKind(DRAFT_REMINDER, "incidents/email/draft_reminder", draft_reminder_context),
    EmailKind(CDE_DIGEST, "incidents/email/cde_digest", cde_digest_context),
)
