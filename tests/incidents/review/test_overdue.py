"""The overdue sweep (issue 9, item 7; A-2): newly overdue appeals are marked once (an
AppealOverdue row each) and their team is emailed; the Overdue queue lists them; a resubmitted
appeal loses its mark."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from appeals.assignment import appeals_mark_overdue
from appeals.models import AppealOverdue
from stairs.vocabulary import AppealStatus, Reviewer
from tests.incidents.review.conftest import add_appeals

pytestmark = pytest.mark.django_db


def test_the_sweep_marks_once_and_emails_the_team(
    client, reopen_case, caltac_agent, caltac_colleague, cde_reviewer, filing_day, run_outbox
):
    # rule A-2: four business days after receipt; past that, an appeal is overdue.
    late = add_appeals(reopen_case, 2, due_at=filing_day - timedelta(minutes=1))
    add_appeals(reopen_case, 1, due_at=filing_day + timedelta(minutes=1))
    add_appeals(
        reopen_case,
        1,
        due_at=filing_day - timedelta(days=1),
        status=AppealStatus.APPROVED,
        decided_at=filing_day,
    )
    mail.outbox.clear()
    with run_outbox():
        assert appeals_mark_overdue() == {Reviewer.CALTAC: 2}
    marks = AppealOverdue.objects.all()
    assert sorted(marks.values_list("appeal_id", "reviewer")) == sorted(
        (a.pk, Reviewer.CALTAC) for a in late
    )
    assert {mark.at for mark in marks} == {filing_day}
    # One email to each available member of CalTAC's team, none to CDE.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [caltac_agent.email, caltac_colleague.email]
    )
    assert "2 CalTAC appeals are now overdue" in mail.outbox[0].subject
    mail.outbox.clear()
    with run_outbox():
        assert appeals_mark_overdue() == {}
    assert marks.count() == 2
    assert mail.outbox == []
    client.force_login(caltac_agent)
    listed = client.get(reverse("review:queue"), {"view": "overdue"}).context["page"].object_list
    assert [a.pk for a in listed] == [a.pk for a in late]
