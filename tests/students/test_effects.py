"""The effects of appeal decisions on test events (domain.md section A): each effect, each
refusal, and that a refusal or a failure changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from students import dates, effects, expiry, transitions
from students.effects import EffectError
from students.models import ChangeKind, IrregularityNotation, TestEvent, TestEventChange
from students.models import TestStatus as S
from tests.students.factories import StudentFactory, make_event, pacific

pytestmark = pytest.mark.django_db

REASON = "Approved appeal"


def _unchanged(event: TestEvent) -> None:
    """The row in the database is as it was, and no timeline row was written."""
    fresh = TestEvent.objects.get(pk=event.pk)
    for field in TestEvent._meta.concrete_fields:
        if field.name != "updated_at":
            assert getattr(fresh, field.attname) == getattr(event, field.attname), field.name
    assert not TestEventChange.objects.filter(test_event=event).exists()


# --- reset ---------------------------------------------------------------------------------------


def test_reset_removes_the_tds_event_and_keeps_the_prior_state(caltac_agent):
    # rule A-RESET-9: the effect of an approved Reset.
    event = make_event(status=S.IN_PROGRESS, questions_completed=4)
    opened, expiry = event.opened_at, event.expires_at
    result = effects.event_reset(
        event=event, actor=caltac_agent, reason=REASON, reference="Appeal 7"
    )
    event.refresh_from_db()
    assert result.status == event.status == S.RESET
    assert (event.opened_at, event.expires_at, event.questions_completed) == (None, None, 0)
    assert event.reset_by_appeal
    assert event.prior_state["status"] == S.IN_PROGRESS
    assert event.prior_state["questions_completed"] == 4
    assert event.prior_state["reset_scope"] == "TDS"
    change = event.changes.get()
    assert (change.kind, change.from_status, change.to_status) == ("RESET", "IN_PROGRESS", "RESET")
    assert (change.actor, change.reason, change.reference) == (caltac_agent, REASON, "Appeal 7")
    assert opened is not None and expiry is not None


def test_reset_of_a_completed_test_with_dei_entries_removes_both(caltac_agent):
    # rule A-RESET-7: whether or not testing was completed; TDS and DEI.
    event = make_event(
        test="SUMMATIVE_ELPAC", part="SPEAKING", status=S.SUBMITTED, dei_entries=True
    )
    effects.event_reset(event=event, actor=caltac_agent, reason=REASON)
    assert event.status == S.RESET  # the caller's instance is updated too
    assert not event.dei_entries
    assert event.prior_state["dei_entries"] is True
    assert event.prior_state["reset_scope"] == "TDS+DEI"
    assert "DEI entries removed" in event.changes.get().detail


def test_a_tds_only_reset_that_would_orphan_dei_entries_is_refused(caltac_agent):
    event = make_event(
        test="SUMMATIVE_ELPAC", part="SPEAKING", status=S.SUBMITTED, dei_entries=True
    )
    with pytest.raises(EffectError, match="also has DEI entries"):
        effects.event_reset(event=event, actor=caltac_agent, reason=REASON, dei=False)
    _unchanged(event)


def test_a_dei_only_reset_keeps_the_online_test(caltac_agent):
    # rule A-RESET-4 under a Data Entry Issue, A-RESET-10: only the DEI event is reset.
    event = make_event(
        test="SUMMATIVE_ELPAC", part="SPEAKING", status=S.SUBMITTED, dei_entries=True
    )
    effects.event_reset(event=event, actor=caltac_agent, reason=REASON, tds=False)
    event.refresh_from_db()
    assert event.status == S.SUBMITTED
    assert not event.dei_entries
    assert event.questions_completed == 5
    assert event.changes.get().detail.startswith("DEI entries removed")


def test_a_dei_only_reset_without_dei_entries_is_refused(caltac_agent):
    event = make_event(status=S.SUBMITTED)
    with pytest.raises(EffectError, match="no DEI entries to reset"):
        effects.event_reset(event=event, actor=caltac_agent, reason=REASON, tds=False)
    _unchanged(event)


def test_a_paper_test_is_reset_in_the_dei(caltac_agent):
    # rule A-RESET-10: the paper test's event is its DEI entry.
    event = make_event(status=S.SUBMITTED, delivery="PAPER", dei_entries=True)
    effects.event_reset(event=event, actor=caltac_agent, reason=REASON)
    assert event.status == S.RESET and not event.dei_entries
    assert event.prior_state["reset_scope"] == "DEI"


def test_a_paper_test_has_no_tds_event_to_reset(caltac_agent):
    event = make_event(status=S.SUBMITTED, delivery="PAPER", dei_entries=True)
    with pytest.raises(EffectError, match="given on paper"):
        effects.event_reset(event=event, actor=caltac_agent, reason=REASON, dei=False)
    _unchanged(event)


def test_a_reset_of_nothing_is_refused(caltac_agent):
    event = make_event()
    with pytest.raises(EffectError, match="Say what to reset"):
        effects.event_reset(event=event, actor=caltac_agent, reason=REASON, tds=False, dei=False)
    _unchanged(event)


@pytest.mark.parametrize("status", [S.NOT_STARTED, S.RESET, S.INVALIDATED])
def test_reset_is_refused_from(status, caltac_agent):
    event = make_event(status=status)
    with pytest.raises(EffectError, match="cannot be applied") as caught:
        effects.event_reset(event=event, actor=caltac_agent, reason=REASON)
    assert event.student.ssid in str(caught.value)
    _unchanged(event)


def test_every_effect_needs_a_reason(caltac_agent):
    event = make_event()
    with pytest.raises(EffectError, match="reason"):
        effects.event_reset(event=event, actor=caltac_agent, reason="  ")
    _unchanged(event)


def test_a_lapsed_expiry_is_recorded_before_the_effect(caltac_agent):
    # rule T-1: an in-progress test past its expiry is expired, even before the sweep ran.
    opened = timezone.now() - timedelta(days=30)
    event = make_event(test="SB_ELA", part="PT", status=S.IN_PROGRESS, opened_at=opened)
    effects.event_reset(event=event, actor=caltac_agent, reason=REASON)
    kinds = list(event.changes.order_by("pk").values_list("kind", "from_status", "to_status"))
    assert kinds == [("EXPIRED", "IN_PROGRESS", "EXPIRED"), ("RESET", "EXPIRED", "RESET")]
    assert event.prior_state["status"] == S.EXPIRED


def test_a_failure_half_way_leaves_no_half_change(caltac_agent, monkeypatch):
    event = make_event(status=S.SUBMITTED)

    def broken(*args, **kwargs):
        raise RuntimeError("the timeline could not be written")

    monkeypatch.setattr(effects, "record_change", broken)
    with pytest.raises(RuntimeError):
        effects.event_reset(event=event, actor=caltac_agent, reason=REASON)
    fresh = TestEvent.objects.get(pk=event.pk)
    assert fresh.status == S.SUBMITTED and fresh.prior_state is None


# --- re-open -------------------------------------------------------------------------------------


def test_a_caaspp_test_reopened_after_expiry_is_open_ten_days_from_the_reopen(caltac_agent):
    # rule A-REOPEN-4
    event = make_event(status=S.EXPIRED, opened_at=pacific(2027, 1, 4, 9, 0))
    reopened_at = pacific(2027, 3, 1, 16, 45)
    effects.event_reopen(event=event, actor=caltac_agent, reason=REASON, now=reopened_at)
    event.refresh_from_db()
    assert event.status == S.PAUSED
    assert event.expires_at == pacific(2027, 3, 11, 23, 59, 59, 999999)
    assert event.opened_at == pacific(2027, 1, 4, 9, 0)  # the original opening stays
    assert "March 11, 2027" in event.changes.get().detail


def test_a_reopen_across_the_spring_dst_change_ends_on_the_local_day(caltac_agent):
    # rule A-REOPEN-4 and T-1 around March 14, 2027.
    event = make_event(status=S.EXPIRED, opened_at=pacific(2027, 1, 4, 9, 0))
    effects.event_reopen(
        event=event, actor=caltac_agent, reason=REASON, now=pacific(2027, 3, 10, 23, 30)
    )
    assert event.expires_at == pacific(2027, 3, 20, 23, 59, 59, 999999)
    assert event.expires_at.utcoffset() == timedelta(hours=-7)


def test_a_submitted_test_whose_expiry_is_ahead_keeps_it(caltac_agent):
    # rule A-REOPEN-1: submitted by accident; it never expired, so its own clock runs on.
    event = make_event(status=S.SUBMITTED)
    expiry = event.expires_at
    effects.event_reopen(event=event, actor=caltac_agent, reason=REASON)
    assert (event.status, event.expires_at, event.submitted_at) == (S.PAUSED, expiry, None)


def test_a_submitted_caaspp_test_past_its_expiry_gets_ten_days(caltac_agent):
    opened = timezone.now() - timedelta(days=60)
    event = make_event(status=S.SUBMITTED, opened_at=opened)
    now = timezone.now()
    effects.event_reopen(event=event, actor=caltac_agent, reason=REASON, now=now)
    assert event.expires_at == dates.expires_at(now, 10)


def test_an_expired_elpac_domain_reopens_for_its_own_twenty_days(caltac_agent):
    # The documents give no period for ELPAC; the domain's T-1 period is counted from the re-open.
    event = make_event(
        test="INITIAL_ELPAC", part="READING", status=S.EXPIRED, opened_at=pacific(2026, 9, 1, 9)
    )
    effects.event_reopen(
        event=event, actor=caltac_agent, reason=REASON, now=pacific(2026, 10, 20, 10)
    )
    assert event.expires_at == pacific(2026, 11, 9, 23, 59, 59, 999999)


@pytest.mark.parametrize(
    ("test", "part", "delivery"), [("CAA_MATH", "", "ONLINE"), ("SB_MATH", "NON_PT", "PAPER")]
)
def test_a_reopened_test_without_an_expiry_stays_without_one(test, part, delivery, caltac_agent):
    event = make_event(test=test, part=part, delivery=delivery, status=S.SUBMITTED)
    effects.event_reopen(event=event, actor=caltac_agent, reason=REASON)
    assert (event.status, event.expires_at) == (S.PAUSED, None)


def test_a_dei_only_reopen_keeps_the_tds_test(caltac_agent):
    # rule A-REOPEN-3: only selected DEI entries are re-entered.
    event = make_event(
        test="SUMMATIVE_ELPAC", part="SPEAKING", status=S.SUBMITTED, dei_entries=True
    )
    effects.event_reopen(event=event, actor=caltac_agent, reason=REASON, dei_only=True)
    event.refresh_from_db()
    assert event.status == S.SUBMITTED and event.dei_entries
    assert event.changes.get().kind == ChangeKind.REOPENED


def test_a_dei_only_reopen_without_dei_entries_is_refused(caltac_agent):
    event = make_event(status=S.SUBMITTED)
    with pytest.raises(EffectError, match="no DEI entries to re-open"):
        effects.event_reopen(event=event, actor=caltac_agent, reason=REASON, dei_only=True)
    _unchanged(event)


@pytest.mark.parametrize("status", [S.NOT_STARTED, S.IN_PROGRESS, S.PAUSED, S.RESET])
def test_reopen_is_refused_from(status, caltac_agent):
    event = make_event(status=status)
    with pytest.raises(EffectError, match="submitted or expired"):
        effects.event_reopen(event=event, actor=caltac_agent, reason=REASON)
    _unchanged(event)


def test_an_invalidated_test_cannot_be_reopened(caltac_agent):
    # rule C-3
    event = make_event(status=S.INVALIDATED)
    with pytest.raises(EffectError, match="invalidated"):
        effects.event_reopen(event=event, actor=caltac_agent, reason=REASON)
    _unchanged(event)


def test_an_open_test_past_its_expiry_can_be_reopened(caltac_agent):
    # rule T-1 then A-REOPEN-4: the sweep had not run yet.
    event = make_event(status=S.PAUSED, opened_at=timezone.now() - timedelta(days=50))
    effects.event_reopen(event=event, actor=caltac_agent, reason=REASON)
    assert event.status == S.PAUSED
    assert list(event.changes.order_by("pk").values_list("kind", flat=True)) == [
        "EXPIRED",
        "REOPENED",
    ]


# --- restore -------------------------------------------------------------------------------------


def test_restore_returns_exactly_the_prior_state(caltac_agent, cde_reviewer):
    # rule A-RESTORE-1
    event = make_event(
        test="SUMMATIVE_ELPAC", part="SPEAKING", status=S.SUBMITTED, dei_entries=True
    )
    event.refresh_from_db()
    before = {f.attname: getattr(event, f.attname) for f in TestEvent._meta.concrete_fields}
    effects.event_reset(event=event, actor=caltac_agent, reason="Reset in error")
    event = TestEvent.objects.get(pk=event.pk)  # prior state read back from JSON
    effects.event_restore(event=event, actor=cde_reviewer, reason=REASON)
    event.refresh_from_db()
    for name, value in before.items():
        if name != "updated_at":
            assert getattr(event, name) == value, name
    assert event.expires_at.microsecond == 999999
    change = event.changes.order_by("pk").last()
    assert (change.kind, change.from_status, change.to_status) == ("RESTORED", "RESET", "SUBMITTED")


def test_only_a_reset_from_a_reset_appeal_can_be_restored(cde_reviewer):
    # rule A-RESTORE-1: a Reset made outside STAIRS carries no appeal and no prior state.
    event = make_event(status=S.RESET)
    with pytest.raises(EffectError, match="not reset through a Reset Appeal"):
        effects.event_restore(event=event, actor=cde_reviewer, reason=REASON)
    _unchanged(event)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_PROGRESS, S.EXPIRED, S.INVALIDATED])
def test_restore_is_refused_from(status, cde_reviewer):
    event = make_event(status=status)
    with pytest.raises(EffectError, match="needs a test that is reset"):
        effects.event_restore(event=event, actor=cde_reviewer, reason=REASON)
    _unchanged(event)


def test_a_test_started_again_after_its_reset_cannot_be_restored(caltac_agent, cde_reviewer):
    event = make_event(status=S.SUBMITTED, dei_entries=True, delivery="PAPER")
    effects.event_reset(event=event, actor=caltac_agent, reason=REASON)
    TestEvent.objects.filter(pk=event.pk).update(status=S.IN_PROGRESS, opened_at=timezone.now())
    with pytest.raises(EffectError, match="in progress"):
        effects.event_restore(event=event, actor=cde_reviewer, reason=REASON)


# --- grace period extension ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "part"),
    [("SB_MATH", "NON_PT"), ("SUMMATIVE_ELPAC", "READING"), ("INITIAL_ELPAC", "LISTENING")],
)
def test_a_grace_period_extension_lets_a_paused_test_review(test, part, cde_reviewer):
    # rule A-GPE-1, T-3
    event = make_event(test=test, part=part, status=S.PAUSED)
    effects.event_extend_grace_period(event=event, actor=cde_reviewer, reason=REASON)
    event.refresh_from_db()
    assert event.status == S.PAUSED and event.grace_period_extended_at is not None
    assert event.changes.get().kind == ChangeKind.GRACE_PERIOD_EXTENDED


@pytest.mark.parametrize(
    ("test", "part", "delivery"),
    [
        ("SB_ELA", "PT", "ONLINE"),  # A-GPE-1 wins over 003's sentence about a PT
        ("SUMMATIVE_ELPAC", "SPEAKING", "ONLINE"),
        ("INITIAL_ELPAC", "WRITING", "ONLINE"),
        ("SB_MATH", "NON_PT", "PAPER"),
    ],
)
def test_no_grace_period_without_the_pause_rule(test, part, delivery, cde_reviewer):
    # rule A-GPE-1
    event = make_event(test=test, part=part, delivery=delivery, status=S.PAUSED)
    with pytest.raises(EffectError, match=r"no 20-minute pause rule.*\(A-GPE-1\)"):
        effects.event_extend_grace_period(event=event, actor=cde_reviewer, reason=REASON)
    _unchanged(event)


def test_a_second_grace_period_while_one_waits_is_refused(cde_reviewer):
    event = make_event(status=S.PAUSED)
    effects.event_extend_grace_period(event=event, actor=cde_reviewer, reason=REASON)
    with pytest.raises(EffectError, match="already has a grace period"):
        effects.event_extend_grace_period(event=event, actor=cde_reviewer, reason=REASON)
    assert event.changes.count() == 1


@pytest.mark.parametrize("status", [S.IN_PROGRESS, S.SUBMITTED, S.EXPIRED, S.NOT_STARTED])
def test_grace_period_is_refused_from(status, cde_reviewer):
    event = make_event(status=status)
    with pytest.raises(EffectError, match="needs a test that is paused"):
        effects.event_extend_grace_period(event=event, actor=cde_reviewer, reason=REASON)
    _unchanged(event)


# A fixed clock: 46 days back from the last hour of a day in standard time lands on the next
# day in daylight time, whose test has not expired yet (this failed between 23:00 and midnight).
@time_machine.travel(pacific(2026, 12, 1, 23, 30), tick=False)
def test_a_grace_period_cannot_revive_an_expired_paused_test(cde_reviewer):
    event = make_event(status=S.PAUSED, opened_at=pacific(2026, 10, 15, 10))
    with pytest.raises(EffectError, match="is expired, so an approved Grace Period"):
        effects.event_extend_grace_period(event=event, actor=cde_reviewer, reason=REASON)
    # A refusal writes nothing, not even the lapsed expiry: the sweep records that.
    _unchanged(event)


# --- rescore -------------------------------------------------------------------------------------


def test_rescore_opens_initial_elpac_writing_for_re_entry(caltac_agent):
    # rule A-RESCORE-1
    student = StudentFactory(grade=3)
    event = make_event(student, test="INITIAL_ELPAC", part="WRITING", status=S.SUBMITTED)
    effects.event_rescore(event=event, actor=caltac_agent, reason=REASON)
    event.refresh_from_db()
    assert event.status == S.SUBMITTED and event.rescore_opened_at is not None


@pytest.mark.parametrize(
    ("test", "part", "grade", "message"),
    [
        ("INITIAL_ELPAC", "WRITING", 2, "grades 3-12, not grade 2"),
        ("INITIAL_ELPAC", "WRITING", 0, "not grade K"),
        ("SUMMATIVE_ELPAC", "WRITING", 5, "only for Initial ELPAC Writing"),
        ("INITIAL_ELPAC", "READING", 5, "only for Initial ELPAC Writing"),
    ],
)
def test_rescore_is_refused_outside_initial_elpac_writing_3_to_12(
    test, part, grade, message, caltac_agent
):
    # rule A-RESCORE-1
    event = make_event(StudentFactory(grade=grade), test=test, part=part, status=S.SUBMITTED)
    with pytest.raises(EffectError, match=message):
        effects.event_rescore(event=event, actor=caltac_agent, reason=REASON)
    _unchanged(event)


def test_rescore_is_refused_for_a_paper_test(caltac_agent):
    # rule A-RESCORE-1: the THSS scores online tests only, and the catalog offers Hand-scoring
    # error for online Initial ELPAC Writing only (L5).
    event = make_event(
        StudentFactory(grade=5),
        test="INITIAL_ELPAC",
        part="WRITING",
        delivery="PAPER",
        status=S.SUBMITTED,
        dei_entries=True,
    )
    with pytest.raises(EffectError, match=r"given on paper.*THSS.*\(A-RESCORE-1\)") as caught:
        effects.event_rescore(event=event, actor=caltac_agent, reason=REASON)
    assert "Data Entry Issue" in str(caught.value)
    _unchanged(event)


def test_rescore_needs_submitted_scores(caltac_agent):
    event = make_event(test="INITIAL_ELPAC", part="WRITING", status=S.PAUSED)
    with pytest.raises(EffectError, match="needs a test that is submitted"):
        effects.event_rescore(event=event, actor=caltac_agent, reason=REASON)
    _unchanged(event)


# --- invalidate and notations ---------------------------------------------------------------


@pytest.mark.parametrize("status", [S.PAUSED, S.SUBMITTED, S.EXPIRED])
def test_invalidate_sets_the_condition_code_and_a_notation(status, cde_reviewer):
    # A paused test can be invalidated too: a student caught cheating is paused (issue 7, B9).
    # rule A-INVAL-1, D-1
    event = make_event(status=status, questions_completed=38)
    effects.event_invalidate(event=event, actor=cde_reviewer, reason=REASON, reference="Appeal 12")
    event.refresh_from_db()
    assert (event.status, event.condition_code) == (S.INVALIDATED, "INV")
    assert event.questions_completed == 38  # it is still scored
    notation = event.notations.get()
    assert notation.reference == "Appeal 12" and "irregularity" in notation.text
    change = event.changes.get()
    assert (change.from_status, change.to_status) == (status, S.INVALIDATED)


def test_an_elpac_test_is_never_invalidated(cde_reviewer):
    # rule C-2
    event = make_event(test="SUMMATIVE_ELPAC", part="READING", status=S.SUBMITTED)
    with pytest.raises(EffectError, match=r"irregularity notation instead \(C-2\)"):
        effects.event_invalidate(event=event, actor=cde_reviewer, reason=REASON)
    _unchanged(event)
    assert not IrregularityNotation.objects.exists()


@pytest.mark.parametrize("status", [S.IN_PROGRESS, S.NOT_STARTED, S.RESET, S.INVALIDATED])
def test_invalidate_is_refused_from(status, cde_reviewer):
    event = make_event(status=status)
    with pytest.raises(EffectError, match="cannot be applied"):
        effects.event_invalidate(event=event, actor=cde_reviewer, reason=REASON)
    _unchanged(event)


def test_a_notation_is_recorded_at_domain_level(cde_reviewer):
    # rule D-1, C-2: ELPAC validity incidents record a notation.
    event = make_event(test="SUMMATIVE_ELPAC", part="READING", status=S.SUBMITTED)
    effects.event_add_notation(
        event=event, actor=cde_reviewer, text="Electronic device used.", reference="Case 3"
    )
    assert event.notations.get().text == "Electronic device used."
    change = event.changes.get()
    assert (change.kind, change.from_status, change.to_status) == (
        "NOTATION_ADDED",
        "SUBMITTED",
        "SUBMITTED",
    )


def test_an_empty_notation_is_refused(cde_reviewer):
    event = make_event()
    with pytest.raises(EffectError, match="Write the notation"):
        effects.event_add_notation(event=event, actor=cde_reviewer, text=" ")
    _unchanged(event)


# --- the transition table and the expiry sweep ----------------------------------------------------


def test_the_table_names_the_effects_of_each_status():
    # By status alone; a page about one event calls effects_for (tests/students/test_transitions).
    def labels(status: str) -> list[str]:
        return [appeal.label for appeal in transitions.appeals_from(status)]

    assert labels(S.SUBMITTED) == ["Reset", "Re-open", "Rescore", "Invalidate"]
    assert labels(S.PAUSED) == ["Reset", "Grace Period Extension", "Invalidate"]
    assert labels(S.RESET) == ["Restore"]
    assert labels(S.NOT_STARTED) == []


def test_the_sweep_expires_open_tests_past_their_expiry_once():
    # rule T-1
    now = timezone.now()
    late = make_event(status=S.IN_PROGRESS, opened_at=now - timedelta(days=50))
    paused = make_event(
        test="SB_ELA", part="PT", status=S.PAUSED, opened_at=now - timedelta(days=11)
    )
    fresh = make_event(status=S.IN_PROGRESS, opened_at=now - timedelta(days=44))
    paper = make_event(status=S.IN_PROGRESS, delivery="PAPER", opened_at=now - timedelta(days=90))
    assert expiry.events_expire(now=now) == 2
    assert expiry.events_expire(now=now) == 0
    statuses = dict(TestEvent.objects.values_list("pk", "status"))
    assert statuses[late.pk] == statuses[paused.pk] == S.EXPIRED
    assert statuses[fresh.pk] == statuses[paper.pk] == S.IN_PROGRESS
    change = late.changes.get()
    assert (change.kind, change.actor, change.from_status) == ("EXPIRED", None, "IN_PROGRESS")


def test_a_refusal_is_one_plain_sentence_naming_the_ssid_not_the_student(caltac_agent):
    student = StudentFactory(ssid="1234509876", first_name="Zelda")
    event = make_event(student, status=S.NOT_STARTED)
    with pytest.raises(EffectError) as caught:
        effects.event_reset(event=event, actor=caltac_agent, reason=REASON)
    assert str(caught.value) == (
        "The Smarter Balanced Mathematics non-PT (CAT) test of SSID 1234509876 is not started, "
        "so an approved Reset cannot be applied: it needs a test that is in progress, paused, "
        "submitted or expired."
    )


def test_the_expiry_task_runs_the_sweep():
    from students.tasks import expire_test_events

    make_event(status=S.PAUSED, opened_at=timezone.now() - timedelta(days=50))
    assert expire_test_events.apply().get() == 1
