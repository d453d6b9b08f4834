"""A roster import never undoes what an approved appeal did to a test, unless the row shows the
student opened or submitted the test after it; the rows left out are listed by row and SSID."""

from __future__ import annotations

import pytest
from django.utils import timezone

from students import dates, effects
from students.models import TestEvent, TestStatus
from tests.students.rosters import HEADER, moment_ago, row, run_import, write_csv

# Openings are counted back from now and must stay inside the school year imported.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_school_year")]

WITH_SUBMISSION = [*HEADER, "submitted_at"]
ELA_PT = "Smarter Balanced ELA Performance task (PT)"


def _import_one(tmp_path, name: str = "roster.csv", header=HEADER, **cells) -> str:
    out, err = run_import(write_csv(tmp_path, [row(header, **cells)], header, name=name))
    assert err == ""
    return out


def _ela_pt() -> TestEvent:
    return TestEvent.objects.select_related("part__assessment", "student").get(
        part__assessment__code="SB_ELA", part__code="PT"
    )


def test_reimporting_the_file_from_before_a_reset_keeps_the_reset(tmp_path, tree):
    # rule A-RESTORE-1: a test reset by a Reset Appeal stays restorable.
    pre_reset = {
        "test": "SB_ELA", "part": "PT", "status": "IN_PROGRESS", "opened_at": moment_ago(3),
        "questions_completed": "4",
    }  # fmt: skip
    _import_one(tmp_path, **pre_reset)
    effects.event_reset(event=_ela_pt(), actor=None, reason="Incorrect SSID used")

    out = _import_one(tmp_path, **pre_reset)

    event = _ela_pt()
    assert event.status == TestStatus.RESET and event.reset_by_appeal
    assert event.prior_state["status"] == TestStatus.IN_PROGRESS
    assert (event.opened_at, event.questions_completed) == (None, 0)
    assert "Test events: 0 created, 0 updated. 1 row left a test as an approved appeal" in out
    assert f"Row 2: SSID 1000000001: {ELA_PT} stays reset" in out
    assert "no opening or submission after that" in out
    assert "Rosa" not in out and "Vega" not in out  # SSIDs only, never names
    restored = effects.event_restore(event=event, actor=None, reason="Reset in error")
    assert (restored.status, restored.questions_completed) == (TestStatus.IN_PROGRESS, 4)


def test_reimporting_the_file_from_before_a_reopen_keeps_the_reopened_test(tmp_path, tree):
    # rule A-REOPEN-4: re-opened for 10 days from the re-open, not from the first opening.
    expired = {
        "test": "SB_ELA", "part": "PT", "status": "IN_PROGRESS", "opened_at": moment_ago(12),
        "questions_completed": "2",
    }  # fmt: skip
    _import_one(tmp_path, **expired)
    assert _ela_pt().status == TestStatus.EXPIRED  # T-1: 10 days for a PT
    reopened = effects.event_reopen(event=_ela_pt(), actor=None, reason="School closure")
    assert reopened.expires_at == dates.expires_at(timezone.now(), 10)

    out = _import_one(tmp_path, **expired)

    event = _ela_pt()
    assert event.status == TestStatus.PAUSED
    assert event.expires_at == reopened.expires_at
    assert f"Row 2: SSID 1000000001: {ELA_PT} stays paused" in out
    assert "(Re-opened, " in out


def test_a_submission_after_the_reopen_is_imported_and_keeps_the_reopen_expiry(tmp_path, tree):
    # rule A-REOPEN-4: newer evidence (a submission after the re-open) is the roster's to record,
    # and the expiry stays the re-open's.
    opened = moment_ago(12)
    _import_one(tmp_path, test="SB_ELA", part="PT", status="IN_PROGRESS", opened_at=opened)
    reopened = effects.event_reopen(
        event=_ela_pt(),
        actor=None,
        reason="Excused absence",
        now=timezone.now() - timezone.timedelta(days=2),
    )

    out = _import_one(
        tmp_path, header=WITH_SUBMISSION, test="SB_ELA", part="PT", status="SUBMITTED",
        opened_at=opened, submitted_at=moment_ago(hours=1), questions_completed="6",
    )  # fmt: skip

    event = _ela_pt()
    assert (event.status, event.questions_completed) == (TestStatus.SUBMITTED, 6)
    assert event.expires_at == reopened.expires_at
    assert "Test events: 0 created, 1 updated." in out and "approved appeal" not in out


def test_a_new_opening_after_a_reset_is_imported_and_ends_the_restore(tmp_path, tree):
    # rule A-RESTORE-1: once the student started again there is nothing left to restore.
    _import_one(tmp_path, test="SB_ELA", part="PT", status="SUBMITTED", opened_at=moment_ago(5))
    effects.event_reset(
        event=_ela_pt(),
        actor=None,
        reason="Wrong grade",
        now=timezone.now() - timezone.timedelta(days=2),
    )

    _import_one(tmp_path, test="SB_ELA", part="PT", status="IN_PROGRESS", opened_at=moment_ago(1))

    event = _ela_pt()
    assert event.status == TestStatus.IN_PROGRESS
    assert (event.prior_state, event.reset_by_appeal) == (None, False)


def test_a_grace_period_extension_is_not_undone_by_an_older_row(tmp_path, tree):
    # rule A-GPE-1: the extension waits for the student; a row from before it changes nothing.
    paused = {
        "test": "SB_MATH", "part": "NON_PT", "status": "PAUSED", "opened_at": moment_ago(3),
        "questions_completed": "10",
    }  # fmt: skip
    _import_one(tmp_path, **paused)
    event = TestEvent.objects.get()
    effects.event_extend_grace_period(event=event, actor=None, reason="Power outage")

    out = _import_one(tmp_path, **{**paused, "questions_completed": "12"})

    event.refresh_from_db()
    assert event.grace_period_extended_at is not None and event.questions_completed == 10
    assert "(Grace period extended, " in out


def test_a_stale_row_that_clashes_with_a_reset_is_listed_not_refused(tmp_path, tree):
    # rule A-RESTORE-1: a file without opened_at cannot say when the student started; against a
    # Reset test its IN_PROGRESS row is left out and listed, and the rest of the file goes in.
    header = ["ssid", "last_name", "first_name", "birth_date", "grade", "school_cds", "test",
              "part", "status"]  # fmt: skip
    _import_one(tmp_path, test="SB_ELA", part="PT", status="SUBMITTED", opened_at=moment_ago(5))
    effects.event_reset(event=_ela_pt(), actor=None, reason="Wrong grade")
    rows = [
        row(header, test="SB_ELA", part="PT", status="IN_PROGRESS"),
        row(header, test="SB_MATH", part="PT", status="NOT_STARTED"),
    ]

    out, _ = run_import(write_csv(tmp_path, rows, header, name="statuses.csv"))

    assert _ela_pt().status == TestStatus.RESET
    assert "Test events: 1 created, 0 updated." in out
    assert f"Row 2: SSID 1000000001: {ELA_PT} stays reset" in out
