"""Demo data: about 200 students per school, realistic test events, every rule showable;
idempotent, deterministic and fast."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.db.models import Count
from django.utils import timezone

from accounts import demo as accounts_demo
from students import demo, demo_plan
from students.models import Student, TestEvent, TestingWindow
from students.models import TestStatus as S
from students.queries import window_is_open
from tests.students.factories import catalog_part

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


def _seed() -> dict:
    catalog_part("SB_ELA", "NON_PT")
    accounts_demo.seed()
    started = time.monotonic()
    out = StringIO()
    demo.seed(stdout=out)
    return {"seconds": time.monotonic() - started, "out": out.getvalue()}


@pytest.fixture
def seeded():
    with time_machine.travel(f"{TODAY.isoformat()}T10:00-08:00", tick=True):
        yield _seed()


@pytest.fixture
def seeded_on(calendar_day: date) -> date:
    """The demo seeded on each of the calendar days that break date arithmetic (B1)."""
    _seed()
    return calendar_day


def _snapshot():
    students = list(Student.objects.order_by("ssid").values_list("ssid", "first_name", "grade"))
    events = list(
        TestEvent.objects.order_by("student__ssid", "part_id").values_list(
            "student__ssid", "part_id", "status", "questions_completed", "opened_at"
        )
    )
    return students, events


def test_about_two_hundred_students_per_school_quickly(seeded):
    assert seeded["seconds"] < 10
    per_school = dict(Student.objects.values_list("school__cds_code").annotate(n=Count("pk")))
    assert per_school == {cds: 200 for cds, _, _ in demo_plan.SCHOOLS}
    grades = set(Student.objects.values_list("grade", flat=True))
    assert grades == set(range(13))


def test_seeding_again_changes_nothing(seeded):
    before = _snapshot()
    with time_machine.travel(f"{TODAY.isoformat()}T16:00-08:00", tick=True):
        demo.seed()
    assert _snapshot() == before


def test_the_plan_is_deterministic():
    first = [
        demo_plan.plan_school(random.Random(demo_plan.SEED), *school, 2026)
        for school in demo_plan.SCHOOLS[:1]
    ]
    again = [
        demo_plan.plan_school(random.Random(demo_plan.SEED), *school, 2026)
        for school in demo_plan.SCHOOLS[:1]
    ]
    assert first == again


def test_events_are_realistic(seeded):
    statuses = Counter(TestEvent.objects.values_list("status", flat=True))
    for status in (S.NOT_STARTED, S.IN_PROGRESS, S.PAUSED, S.SUBMITTED, S.EXPIRED):
        assert statuses[status] > 20, status
    assert statuses[S.RESET] >= 2 and statuses[S.INVALIDATED] >= 2
    partly = TestEvent.objects.filter(status=S.IN_PROGRESS, questions_completed__gt=0)
    assert partly.exists()
    # K-2 students take only the ELPAC.
    k2 = TestEvent.objects.filter(student__grade__lte=2)
    assert set(k2.values_list("part__assessment__program", flat=True)) == {"ELPAC"}
    assert TestEvent.objects.filter(delivery="PAPER", dei_entries=True).exists()


def test_each_showcase_is_on_record(seeded):
    reset = TestEvent.objects.get(student__ssid="1000000012")
    assert reset.status == S.RESET and reset.reset_by_appeal and reset.prior_state
    invalid = TestEvent.objects.get(student__ssid="2000000001")
    assert (invalid.status, invalid.condition_code) == (S.INVALIDATED, "INV")
    noted = TestEvent.objects.get(student__ssid="4000000002")
    assert noted.notations.exists()
    exactly_ten = TestEvent.objects.get(student__ssid="3000000002")
    assert (exactly_ten.status, exactly_ten.questions_completed) == (S.PAUSED, 10)
    assert "1000000012: A-RESTORE-1" in seeded["out"]


def test_the_demo_is_consistent_with_the_clock_on_any_day(seeded_on):
    """B1: seeded on 2026-12-01 the demo held an in-progress test that had expired two days
    earlier. On every awkward day, open tests are still open, expired ones have expired, nothing
    opened in the future or outside its LEA's window, and every window is open today."""
    now = timezone.now()
    events = TestEvent.objects.exclude(status__in=[S.NOT_STARTED, S.RESET]).select_related(
        "part__assessment", "student__school__parent"
    )
    assert events.filter(status__in=[S.IN_PROGRESS, S.PAUSED]).exists()
    for event in events:
        assert event.opened_at <= now, event
        if event.status in (S.IN_PROGRESS, S.PAUSED):
            assert event.expires_at is None or event.expires_at > now, event
        if event.status == S.EXPIRED:
            assert event.expires_at < now, event
        lea = event.student.school.parent
        program = event.part.assessment.program
        opened_on = timezone.localdate(event.opened_at)
        assert window_is_open(lea=lea, program=program, on=opened_on), event
    assert TestingWindow.objects.count() == 4
    for window in TestingWindow.objects.select_related("lea"):
        assert window_is_open(lea=window.lea, program=window.program, on=seeded_on)


def test_windows_for_both_leas_and_programs(seeded):
    assert TestingWindow.objects.count() == 4
    for cds in ("99000010000000", "99000020000000"):
        lea = TestingWindow.objects.filter(lea__cds_code=cds).first().lea
        for program in ("CAASPP", "ELPAC"):
            assert window_is_open(lea=lea, program=program, on=TODAY)
            assert not window_is_open(lea=lea, program=program, on=date(2027, 7, 1))


def test_seeding_later_in_the_year_moves_the_windows_to_hold_the_day(seeded):
    later = TODAY + timedelta(days=200)  # 2027-06-15: after the first LEA's standard window
    with time_machine.travel(f"{later.isoformat()}T10:00-07:00", tick=True):
        demo.seed()
    assert TestingWindow.objects.count() == 4
    for window in TestingWindow.objects.select_related("lea"):
        assert window_is_open(lea=window.lea, program=window.program, on=later)


def test_seeding_without_the_schools_says_what_to_do(db):
    catalog_part("SB_ELA", "NON_PT")
    with pytest.raises(demo.DemoDataError, match="seed the organizations first"):
        demo.seed()
