"""The stored due moment (`Appeal.due_at`, rule A-2), CDE's closure days (T-2) in the database
and the admin, the template tag that phrases the clock, and the migration that filled due_at."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.template import Context, Engine, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals.models import Appeal, ClosureDay
from appeals.services import appeal_closures, appeal_create
from incidents import services as case_services
from stairs.vocabulary import AppealType, Reviewer
from students.dates import PACIFIC
from tests.incidents import conftest as case_fixtures
from tests.incidents.conftest import FILING_MOMENT, draft
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

windows = case_fixtures.windows
filing_day = case_fixtures.filing_day
submitted_students = case_fixtures.submitted_students


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=PACIFIC)


@pytest.fixture
def case(lea_coordinator, tree, windows, filing_day):
    return draft(lea_coordinator, tree.school_a1)


def _file(case, actor, **kwargs):
    return _create(case, actor, StudentFactory(school=case.school), **kwargs)


def _create(case, actor, student, **kwargs):
    return appeal_create(
        case=case,
        student=student,
        test_event=None,
        appeal_type=AppealType.RESET,
        reviewer=Reviewer.CALTAC,
        rule="A-TEST",
        reason="Because.",
        manual_review=False,
        actor=actor,
        **kwargs,
    )


# --- appeal_create ----------------------------------------------------------------------------


def test_appeal_create_stores_due_at_four_business_days_after_receipt(case, lea_coordinator):
    # rules A-2, T-2: received Wednesday 2027-03-10 (the filing day): Thu, Fri, Mon, Tue; the
    # clocks went forward on Sunday the 14th and the due moment is still local end of day.
    appeal = _file(case, lea_coordinator)
    appeal.refresh_from_db()
    assert appeal.received_at == FILING_MOMENT
    assert appeal.due_at == end_of(date(2027, 3, 16))


def test_appeal_create_counts_from_the_given_receipt(case, lea_coordinator):
    # rule A-2: received on Saturday 2027-03-27 counts from Monday; Cesar Chavez Day (Wednesday
    # the 31st) is skipped: Tue, Thu, Fri, Mon
    received = datetime(2027, 3, 27, 11, 0, tzinfo=PACIFIC)
    appeal = _file(case, lea_coordinator, received_at=received)
    assert appeal.due_at == end_of(date(2027, 4, 5))


def test_appeal_create_skips_closure_days(case, lea_coordinator):
    # rule T-2: CDE closed on Friday 2027-03-12: due Wednesday instead of Tuesday
    ClosureDay.objects.create(date=date(2027, 3, 12), reason="Office move")
    assert _file(case, lea_coordinator).due_at == end_of(date(2027, 3, 17))


def test_closure_days_are_read_once_per_case_and_day_of_receipt(
    lea_coordinator, tree, windows, filing_day, django_assert_num_queries
):
    # A case's submission files up to 500 appeals received at one moment on one case instance:
    # the closure days are read for the first only.
    first, second, third = (StudentFactory(school=tree.school_a1) for _ in range(3))
    case = draft(lea_coordinator, tree.school_a1)
    with CaptureQueriesContext(connection) as reading:
        _create(case, lea_coordinator, first)
    with django_assert_num_queries(len(reading.captured_queries) - 1):
        appeal = _create(case, lea_coordinator, second)
    assert appeal.due_at == end_of(date(2027, 3, 16))
    # a caller may pass them in: nothing is read either, on a fresh instance of the case
    fresh = type(case).objects.get(pk=case.pk)
    closures = appeal_closures(FILING_MOMENT)
    with django_assert_num_queries(len(reading.captured_queries) - 1):
        _create(fresh, lea_coordinator, third, closures=closures)


def test_appeal_closures_reads_the_days_that_can_matter(filing_day):
    ClosureDay.objects.create(date=date(2027, 3, 9), reason="Before the receipt")
    ClosureDay.objects.create(date=date(2027, 3, 12), reason="Inside")
    ClosureDay.objects.create(date=date(2027, 9, 1), reason="Far after")
    assert appeal_closures(FILING_MOMENT) == frozenset({date(2027, 3, 12)})


def test_a_submitted_case_stores_the_due_moment_on_each_appeal(
    lea_coordinator, tree, windows, filing_day, submitted_students
):
    # rule A-2: through the real submission (incidents.services.case_submit)
    case = draft(lea_coordinator, tree.school_a1, students=submitted_students)
    case_services.case_submit(case=case, actor=lea_coordinator)
    dues = set(Appeal.objects.filter(case=case).values_list("due_at", flat=True))
    assert dues == {end_of(date(2027, 3, 16))}


def test_due_at_is_required_in_the_database(case, lea_coordinator):
    appeal = _file(case, lea_coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(due_at=None)


# --- ClosureDay -------------------------------------------------------------------------------


def test_a_date_is_closed_once():
    ClosureDay.objects.create(date=date(2027, 3, 12), reason="Office move")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosureDay.objects.create(date=date(2027, 3, 12), reason="Twice")


def test_dates_between_is_inclusive_and_one_query(django_assert_num_queries):
    for day in (1, 2, 3, 4):
        ClosureDay.objects.create(date=date(2027, 3, day), reason=f"Closed {day}")
    with django_assert_num_queries(1):
        days = ClosureDay.dates_between(date(2027, 3, 2), date(2027, 3, 3))
    assert days == frozenset({date(2027, 3, 2), date(2027, 3, 3)})


def _staff(user, superuser: bool = False):
    user.is_staff = True
    user.is_superuser = superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_cde_administrator_adds_a_closure_day_in_the_admin(client, cde_admin):
    # rule T-2: extra closure days are reference data, edited by CDE administrators
    client.force_login(_staff(cde_admin, superuser=True))
    assert client.get(reverse("admin:appeals_closureday_changelist")).status_code == 200
    response = client.post(
        reverse("admin:appeals_closureday_add"),
        {"date": "2027-03-12", "reason": "Office move"},
    )
    assert response.status_code == 302
    assert ClosureDay.objects.get().reason == "Office move"
    # the same date twice is refused next to the field
    response = client.post(
        reverse("admin:appeals_closureday_add"), {"date": "2027-03-12", "reason": "Again"}
    )
    assert response.status_code == 200 and ClosureDay.objects.count() == 1
    assert "already exists" in response.content.decode()


@pytest.mark.parametrize("persona", ["lea_coordinator", "cde_reviewer", "caltac_agent"])
def test_other_staff_cannot_edit_closure_days(request, client, persona):
    user = _staff(request.getfixturevalue(persona))
    client.force_login(user)
    response = client.post(
        reverse("admin:appeals_closureday_add"), {"date": "2027-03-12", "reason": "No"}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ClosureDay.objects.exists()


# --- the template tag -------------------------------------------------------------------------

# A page listing appeals: the rows are included templates, each with its own render level.
ENGINE = Engine(
    loaders=[
        (
            "django.template.loaders.locmem.Loader",
            {
                "page.html": "{% load due %}{% for due in dues %}{% include 'row.html' %}"
                "{% endfor %}|{% due_phrase none %}",
                "row.html": "{% load due %}[{% due_phrase due now %}]",
            },
        )
    ],
    libraries={"due": "appeals.templatetags.due"},
)


def test_the_tag_phrases_and_reads_the_closure_days_once_per_page(django_assert_num_queries):
    # rules A-2, T-2: the phrases of pages; one query for the closure days however many rows
    ClosureDay.objects.create(date=date(2027, 3, 15), reason="Closed Monday")
    now = datetime(2027, 3, 11, 9, 0, tzinfo=PACIFIC)  # Thursday
    dues = [end_of(date(2027, 3, 11)), end_of(date(2027, 3, 16)), end_of(date(2027, 3, 10))]
    with django_assert_num_queries(1):
        out = ENGINE.get_template("page.html").render(Context({"dues": dues, "now": now}))
    # Friday, (Monday closed), Tuesday: 2 business days; no due moment, no phrase
    assert out == "[due today][due in 2 business days][overdue by 1 business day]|"


def test_the_tag_uses_closure_days_the_view_gives(django_assert_num_queries):
    template = Template("{% load due %}{% due_phrase due now %}")
    now = datetime(2027, 3, 11, 9, 0, tzinfo=PACIFIC)
    context = Context({"due": end_of(date(2027, 3, 16)), "now": now, "closure_days": frozenset()})
    with django_assert_num_queries(0):
        assert template.render(context) == "due in 3 business days"


# --- the migration ----------------------------------------------------------------------------


# Received (Pacific) -> due (the end of the local day): a Wednesday across the March change of
# hour, a Monday a minute before midnight (Tuesday in UTC), a Saturday, and two on one day.
RECEIVED_AND_DUE = [
    (datetime(2027, 3, 10, 10, 0, tzinfo=PACIFIC), date(2027, 3, 16)),
    (datetime(2026, 11, 30, 23, 59, tzinfo=PACIFIC), date(2026, 12, 4)),
    (datetime(2026, 12, 1, 0, 0, tzinfo=PACIFIC), date(2026, 12, 7)),
    (datetime(2026, 12, 5, 9, 0, tzinfo=PACIFIC), date(2026, 12, 11)),
    (datetime(2026, 12, 5, 17, 0, tzinfo=PACIFIC), date(2026, 12, 11)),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_due_at_of_existing_appeals(lea_coordinator, tree):
    # rule A-2: appeals filed before the column get the due moment appeal_create computes
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("appeals", "0001_appeals")])
    try:
        case = draft(lea_coordinator, tree.school_a1, incident_date=date(2026, 11, 20))
        with connection.cursor() as cursor:
            for received, _ in RECEIVED_AND_DUE:
                cursor.execute(
                    "INSERT INTO appeals_appeal (case_id, student_id, appeal_type, reviewer,"
                    " status, manual_review, rule, reason, received_at, created_at, updated_at)"
                    " VALUES (%s, %s, 'RESET', 'CALTAC', 'PENDING', false, '', '', %s, %s, %s)",
                    [
                        case.pk,
                        StudentFactory(school=tree.school_a1).pk,
                        received,
                        received,
                        received,
                    ],
                )
    finally:
        MigrationExecutor(connection).migrate(latest)
    stored = sorted(Appeal.objects.values_list("received_at", "due_at"))
    assert stored == sorted((received, end_of(due)) for received, due in RECEIVED_AND_DUE)
