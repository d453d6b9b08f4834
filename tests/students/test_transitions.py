"""The one transition table (students/transitions.py) and ``effects_for``: what an approved appeal
could do to one test event, which must be exactly what the effect services accept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from students import effects, queries, transitions
from students.models import TestEvent
from students.models import TestStatus as S
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db

REASON = "Approved appeal"

SERVICES = {
    "Reset": effects.event_reset,
    "Re-open": effects.event_reopen,
    "Restore": effects.event_restore,
    "Grace Period Extension": effects.event_extend_grace_period,
    "Rescore": effects.event_rescore,
    "Invalidate": effects.event_invalidate,
}


# --- the table itself ----------------------------------------------------------------------------


def test_statuses_text_reads_as_a_sentence():
    assert transitions.statuses_text("REOPEN") == "submitted or expired"
    assert transitions.statuses_text("RESET") == "in progress, paused, submitted or expired"
    assert transitions.statuses_text("GRACE_PERIOD_EXTENSION") == "paused"


# --- effects_for ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "part", "delivery", "grade", "status", "want"),
    [
        # rule C-2: an ELPAC test is never invalidated, and only Initial ELPAC Writing is
        # rescored (A-RESCORE-1): the defect was "Reset, Re-open, Rescore, Invalidate".
        ("SUMMATIVE_ELPAC", "READING", "ONLINE", 5, S.SUBMITTED, ["Reset", "Re-open"]),
        ("SB_MATH", "NON_PT", "ONLINE", 5, S.SUBMITTED, ["Reset", "Re-open", "Invalidate"]),
        ("CAA_MATH", "", "ONLINE", 5, S.EXPIRED, ["Reset", "Re-open", "Invalidate"]),
        # rule A-RESCORE-1: online Initial ELPAC Writing, grades 3-12
        ("INITIAL_ELPAC", "WRITING", "ONLINE", 5, S.SUBMITTED, ["Reset", "Re-open", "Rescore"]),
        ("INITIAL_ELPAC", "WRITING", "ONLINE", 2, S.SUBMITTED, ["Reset", "Re-open"]),
        ("INITIAL_ELPAC", "WRITING", "PAPER", 5, S.SUBMITTED, ["Reset", "Re-open"]),
        # rule A-GPE-1, T-3: a paused online test with the pause rule; a paused CAASPP test can
        # be invalidated (A-INVAL-1, issue 7 B9), an ELPAC one never (C-2)
        (
            "SB_MATH",
            "NON_PT",
            "ONLINE",
            5,
            S.PAUSED,
            ["Reset", "Grace Period Extension", "Invalidate"],
        ),
        (
            "SUMMATIVE_ELPAC",
            "LISTENING",
            "ONLINE",
            5,
            S.PAUSED,
            ["Reset", "Grace Period Extension"],
        ),
        ("SB_ELA", "PT", "ONLINE", 5, S.PAUSED, ["Reset", "Invalidate"]),
        ("SUMMATIVE_ELPAC", "SPEAKING", "ONLINE", 5, S.PAUSED, ["Reset"]),
        ("SB_MATH", "NON_PT", "PAPER", 5, S.PAUSED, ["Reset", "Invalidate"]),
        ("SB_MATH", "NON_PT", "ONLINE", 5, S.IN_PROGRESS, ["Reset"]),
        # rule A-RESTORE-1: a Reset made outside STAIRS has no Reset Appeal to undo
        ("SB_MATH", "NON_PT", "ONLINE", 5, S.RESET, []),
        ("SB_MATH", "NON_PT", "ONLINE", 5, S.NOT_STARTED, []),
        # rule C-3
        ("SB_MATH", "NON_PT", "ONLINE", 5, S.INVALIDATED, []),
    ],
)
def test_effects_for_an_event(test, part, delivery, grade, status, want):
    event = make_event(
        StudentFactory(grade=grade), test=test, part=part, delivery=delivery, status=status
    )
    assert queries.effects_for(event) == want


def test_a_test_reset_by_a_reset_appeal_can_be_restored(caltac_agent):
    # rule A-RESTORE-1
    event = make_event(status=S.SUBMITTED)
    effects.event_reset(event=event, actor=caltac_agent, reason=REASON)
    assert queries.effects_for(event) == ["Restore"]


def test_a_waiting_grace_period_is_not_offered_twice(cde_reviewer):
    event = make_event(status=S.PAUSED)
    effects.event_extend_grace_period(event=event, actor=cde_reviewer, reason=REASON)
    assert queries.effects_for(event) == ["Reset", "Invalidate"]


def test_an_open_test_past_its_expiry_counts_as_expired():
    # rule T-1: the services catch up the expiry first, so the page does too.
    event = make_event(status=S.PAUSED, opened_at=timezone.now() - timedelta(days=50))
    assert queries.effects_for(event) == ["Reset", "Re-open", "Invalidate"]
    assert event.status == S.PAUSED  # listing writes nothing


def test_effects_for_reads_nothing_more_than_the_event_page_has(django_assert_num_queries):
    event = make_event(status=S.SUBMITTED)
    event = TestEvent.objects.select_related("part__assessment", "student").get(pk=event.pk)
    with django_assert_num_queries(0):
        queries.effects_for(event)


# --- effects_for agrees with the services --------------------------------------------------------


class _Rollback(Exception):
    pass


def _service_accepts(effect: str, pk: int, actor) -> bool:
    event = TestEvent.objects.select_related("part__assessment", "student").get(pk=pk)
    try:
        with transaction.atomic():
            SERVICES[effect](event=event, actor=actor, reason=REASON)
            raise _Rollback
    except _Rollback:
        return True
    except effects.EffectError:
        return False


def _events(actor) -> list[TestEvent]:
    events = []
    for test, part, delivery, grade in [
        ("SB_MATH", "NON_PT", "ONLINE", 5),
        ("SB_ELA", "PT", "ONLINE", 5),
        ("CAA_MATH", "", "ONLINE", 5),
        ("SUMMATIVE_ELPAC", "READING", "ONLINE", 5),
        ("INITIAL_ELPAC", "WRITING", "ONLINE", 5),
        ("INITIAL_ELPAC", "WRITING", "ONLINE", 2),
        ("INITIAL_ELPAC", "WRITING", "PAPER", 5),
        ("SB_MATH", "NON_PT", "PAPER", 5),
    ]:
        for status in S.values:
            events.append(
                make_event(
                    StudentFactory(grade=grade),
                    test=test,
                    part=part,
                    delivery=delivery,
                    status=status,
                    dei_entries=delivery == "PAPER" and status != S.NOT_STARTED,
                )
            )
    reset_by_appeal = make_event(test="SUMMATIVE_ELPAC", part="LISTENING", status=S.SUBMITTED)
    effects.event_reset(event=reset_by_appeal, actor=actor, reason=REASON)
    waiting = make_event(status=S.PAUSED, grace_period_extended_at=timezone.now())
    lapsed = make_event(status=S.PAUSED, opened_at=timezone.now() - timedelta(days=50))
    return [*events, reset_by_appeal, waiting, lapsed]


def test_effects_for_lists_exactly_what_the_services_accept(caltac_agent):
    # The page must not offer an effect its service refuses, nor hide one it accepts.
    for event in _events(caltac_agent):
        listed = queries.effects_for(event)
        accepted = [e for e in SERVICES if _service_accepts(e, event.pk, caltac_agent)]
        assert listed == accepted, (event.test_code, event.part_code, event.delivery, event.status)
