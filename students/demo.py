"""Demo students, test events and testing windows for the demo LEAs, as planned by
``students.demo_plan``.

Dates are counted back from the moment of seeding (kept inside the testing windows), so open
tests have not expired yet and expired ones have, on any day it is seeded.

Idempotent: students are upserted by SSID; test events are created when missing and never
overwritten, because a demo may have changed them through appeals since. The showcase students
are listed by ``seed`` on stdout.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from students import dates, effects
from students.demo_plan import (
    SCHOOLS,
    SEED,
    Calendar,
    Planned,
    calendar_for,
    plan_school,
    showcase_index,
)
from students.models import (
    AssessmentPart,
    ChangeKind,
    Delivery,
    Student,
    TestEvent,
    TestEventChange,
    TestingWindow,
    TestStatus,
)


class DemoDataError(RuntimeError):
    pass


def seed(*, stdout: Any = None, now: datetime | None = None) -> None:
    """Create or refresh the demo students, test events and testing windows, dated back from
    ``now`` (the clock by default)."""
    calendar = calendar_for(now or timezone.now())
    rng = random.Random(SEED)
    plans = [
        plan_school(rng, cds, prefix, grades, calendar.school_year)
        for cds, prefix, grades in SCHOOLS
    ]
    with transaction.atomic():
        schools = _schools()
        _windows(calendar)
        parts = {
            (p.assessment.code, p.code): p
            for p in AssessmentPart.objects.select_related("assessment")
        }
        if not parts:
            raise DemoDataError("The assessment catalog is empty: run the migrations first.")
        students = _upsert_students(plans, schools)
        created = _create_events(plans, students, parts, calendar)
        _apply_showcase_effects(created)
    if stdout is not None:
        stdout.write(
            f"Demo students: {len(students)}; test events created: {len(created)}; "
            f"testing windows: {len(calendar.windows)}."
        )
        stdout.write("Demo students showing the rules (SSID: what):")
        for ssid, shows in showcase_index():
            stdout.write(f"  {ssid}: {shows}")


# --- writing -------------------------------------------------------------------------------------


def _schools() -> dict[str, Organization]:
    codes = [cds for cds, _, _ in SCHOOLS]
    schools = {
        o.cds_code: o for o in Organization.objects.filter(kind="SCHOOL", cds_code__in=codes)
    }
    missing = sorted(set(codes) - set(schools))
    if missing:
        raise DemoDataError(
            f"Demo schools {', '.join(missing)} are missing: seed the organizations first "
            "(python manage.py seed_demo does)."
        )
    return schools


def _windows(calendar: Calendar) -> None:
    """One window per LEA and program for the school year of the day of seeding; seeding again
    later in the year moves it to hold the new day."""
    leas = {
        o.cds_code: o
        for o in Organization.objects.filter(
            kind="LEA", cds_code__in={w[0] for w in calendar.windows}
        )
    }
    first, last = date(calendar.school_year, 7, 1), date(calendar.school_year + 1, 6, 30)
    for cds, program, start, end in calendar.windows:
        TestingWindow.objects.filter(
            lea=leas[cds], program=program, start_date__range=(first, last)
        ).exclude(start_date=start).delete()
        TestingWindow.objects.update_or_create(
            lea=leas[cds], program=program, start_date=start, defaults={"end_date": end}
        )


def _upsert_students(
    plans: list[list[dict[str, Any]]], schools: dict[str, Organization]
) -> dict[str, Student]:
    wanted = {}
    for school_plan in plans:
        for item in school_plan:
            values = dict(item["student"])
            values["school_id"] = schools[values.pop("school_cds")].pk
            wanted[values["ssid"]] = values
    existing = {s.ssid: s for s in Student.objects.filter(ssid__in=wanted)}
    fields = [f for f in next(iter(wanted.values())) if f != "ssid"]
    new, changed = [], []
    for ssid, values in wanted.items():
        student = existing.get(ssid)
        if student is None:
            new.append(Student(**values))
        elif any(getattr(student, f) != values[f] for f in fields):
            for f in fields:
                setattr(student, f, values[f])
            changed.append(student)
    Student.objects.bulk_create(new)
    Student.objects.bulk_update(changed, [*fields, "updated_at"])
    return {s.ssid: s for s in Student.objects.filter(ssid__in=wanted)}


def _opened(calendar: Calendar, age: int, hour_seed: int) -> datetime:
    day = max(calendar.today - timedelta(days=age), calendar.earliest)
    hour, minute = 8 + hour_seed % 6, (hour_seed * 7) % 60
    # Never after the moment of seeding (on July 1 every test opens that morning).
    moment = datetime.combine(day, time(hour, minute), tzinfo=dates.PACIFIC)
    moment = min(moment, calendar.now - timedelta(minutes=1 + hour_seed % 30))
    return max(moment, datetime.combine(calendar.earliest, time.min, tzinfo=dates.PACIFIC))


def _create_events(
    plans: list[list[dict[str, Any]]],
    students: dict[str, Student],
    parts: dict[tuple[str, str], AssessmentPart],
    calendar: Calendar,
) -> list[tuple[TestEvent, str]]:
    existing = set(
        TestEvent.objects.filter(
            school_year=calendar.school_year, student__in=students.values()
        ).values_list("student_id", "part_id")
    )
    new: list[tuple[TestEvent, str]] = []
    for school_plan in plans:
        for item in school_plan:
            student = students[item["student"]["ssid"]]
            for n, plan in enumerate(item["events"]):
                part = parts[(plan.test, plan.part)]
                if (student.pk, part.pk) in existing:
                    continue
                event = TestEvent(
                    student=student,
                    part=part,
                    school_year=calendar.school_year,
                    grade=student.grade,
                    delivery=plan.delivery,
                )
                _set_state(event, plan, calendar, hour_seed=int(student.ssid[-3:]) + n)
                new.append((event, plan.then))
    TestEvent.objects.bulk_create([e for e, _ in new], batch_size=1000)
    now = timezone.now()
    TestEventChange.objects.bulk_create(
        [
            TestEventChange(
                test_event=e,
                at=now,
                kind=ChangeKind.IMPORTED,
                to_status=e.status,
                detail="Demo data.",
            )
            for e, _ in new
        ],
        batch_size=1000,
    )
    return new


def _set_state(event: TestEvent, plan: Planned, calendar: Calendar, hour_seed: int) -> None:
    """Dates consistent with the status on the day of seeding: open tests have not expired,
    expired ones have, nothing opened before its window or after today."""
    event.status = plan.status
    if plan.status == TestStatus.NOT_STARTED:
        return
    days = event.part.expiry_days if event.delivery == Delivery.ONLINE else None
    age = plan.age or 5
    if plan.status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED):
        age = 1 + age % max((days or 30) - 1, 1)
    elif plan.status == TestStatus.EXPIRED and days:
        age = days + 1 + age % 25
    elif plan.status == TestStatus.SUBMITTED:
        age = 1 + age % 60
    event.opened_at = _opened(calendar, age, hour_seed)
    event.expires_at = event.expiry_for(event.opened_at)
    expired = dates.is_expired(event.expires_at, calendar.now)
    if plan.status == TestStatus.EXPIRED and not expired:
        # Clamped to the window's start and still running: it is simply in progress.
        event.status = TestStatus.IN_PROGRESS
    elif plan.status in (TestStatus.IN_PROGRESS, TestStatus.PAUSED) and expired:
        event.status = TestStatus.EXPIRED
    event.questions_completed = plan.questions if plan.questions is not None else 0
    if plan.status == TestStatus.SUBMITTED:
        delay = min(age - 1, (days or 30) - 1) if age > 1 else 0
        event.submitted_at = event.opened_at + timedelta(days=delay // 2, hours=1)
    uses_dei = event.delivery == Delivery.PAPER or event.grade in event.part.online_dei_grades
    event.dei_entries = (
        plan.dei if plan.dei is not None else uses_dei and event.questions_completed > 0
    )


def _demo_actor() -> User | None:
    return User.objects.filter(email="agent@caltac.example.org").first()


def _apply_showcase_effects(created: list[tuple[TestEvent, str]]) -> None:
    todo = [(e, then) for e, then in created if then]
    if not todo:
        return
    actor, reason = _demo_actor(), "Demo data: shows the rule on this student's profile."
    for event, then in todo:
        if then == "reset":
            effects.event_reset(event=event, actor=actor, reason=reason, reference="Demo")
        elif then == "invalidate":
            effects.event_invalidate(event=event, actor=actor, reason=reason, reference="Demo")
        elif then == "notation":
            effects.event_add_notation(
                event=event,
                actor=actor,
                text="Irregularity: a student used an electronic device during testing (C-2).",
                reason=reason,
                reference="Demo",
            )
