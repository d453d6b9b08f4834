"""The incident catalog in the database: loaded by the data migration, read by the rules,
guarded by constraints, editable in the admin (domain.md section C)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from appeals.rules import decide, parse_situation
from appeals.rules.catalog import CatalogError, load_fixture
from appeals.rules.decision import Decision
from incidents.models import (
    AnswerChoice,
    AppealLimit,
    FollowUpQuestion,
    IncidentType,
    Severity,
)
from incidents.queries import incident_types_for, rules_catalog
from students import dates, effects, queries
from students.models import Assessment, TestEvent, TestStatus
from tests.students.factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    root = User.objects.create_superuser(
        email="root@cde.example.org", password="not-used", full_name="Root Admin"
    )
    client.force_login(root)
    return client


def test_migrations_load_version_2_of_the_catalog():
    assert IncidentType.objects.count() == 25
    # Version 2 (issue 7, B11): nonallowable_materials, asked only for a summative given
    # instead of a practice test, and the TEST_EXPIRED cause PT_STARTED_BY_MISTAKE.
    assert FollowUpQuestion.objects.count() == 7
    assert AnswerChoice.objects.count() == 15
    gated = FollowUpQuestion.objects.get(key="nonallowable_materials")
    assert (gated.asked_when_key, gated.asked_when_answer) == (
        "what",
        "SUMMATIVE_INSTEAD_OF_PRACTICE",
    )
    assert AnswerChoice.objects.filter(
        question__incident_type__code="TEST_EXPIRED", code="PT_STARTED_BY_MISTAKE"
    ).exists()
    assert AppealLimit.objects.count() == 26
    parent = IncidentType.objects.get(code="PARENT_EXEMPTION")
    assert parent.not_stairs_incident and parent.severity == Severity.NONE  # rule F-9


def test_database_catalog_equals_the_fixture_catalog():
    from_db, from_file = rules_catalog(), load_fixture()
    assert dict(from_db.incidents) == dict(from_file.incidents)
    assert list(from_db.incidents) == list(from_file.incidents)
    assert dict(from_db.limits) == dict(from_file.limits)


def test_rules_catalog_costs_six_queries(django_assert_num_queries):
    with django_assert_num_queries(6):
        rules_catalog()


def test_edited_limit_is_read_by_the_rules():
    # rule A-RESET-2: next year's numbers are an edit, not a release
    raw = {
        "incident": "DESIGNATED_SUPPORT_ELPAC",
        "test": "SUMMATIVE_ELPAC",
        "part": "READING",
        "grade": 6,
        "questions_completed": 7,
    }
    catalog = rules_catalog()
    assert decide(parse_situation(raw, catalog), catalog).appeal is None
    AppealLimit.objects.filter(rule="A-RESET-2", test="SUMMATIVE_ELPAC", part="READING").update(
        value=7
    )
    catalog = rules_catalog()
    assert decide(parse_situation(raw, catalog), catalog).appeal == "RESET"


def test_retired_incident_is_no_longer_offered_or_accepted():
    IncidentType.objects.filter(code="STUDENT_DISRUPTION").update(active=False)
    catalog = rules_catalog()
    assert "STUDENT_DISRUPTION" not in catalog.incidents
    offered = incident_types_for("SB_ELA", "NON_PT", "ONLINE").values_list("code", flat=True)
    assert "STUDENT_DISRUPTION" not in offered


def test_wizard_list_follows_applicability():
    listening = set(
        incident_types_for("SUMMATIVE_ELPAC", "LISTENING", "ONLINE").values_list("code", flat=True)
    )
    math = set(incident_types_for("SB_MATH", "PT", "ONLINE").values_list("code", flat=True))
    assert "AUDIO_NOT_HEARD" in listening and "AUDIO_NOT_HEARD" not in math
    assert "SPEAKING_NOT_SCORED" not in math and "LANGUAGE_SUPPORT_CAASPP" in math


def test_yes_no_question_with_a_choice_makes_the_catalog_inconsistent():
    question = FollowUpQuestion.objects.get(key="pause_expired")
    AnswerChoice.objects.create(question=question, code="MAYBE", label="Maybe")
    with pytest.raises(CatalogError):
        rules_catalog()


# --- constraints: what a QuerySet.update() cannot write -------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"severity": "SEVERE"},
        {"severity": ""},  # F-9: only a not-a-STAIRS-incident entry has no severity
        {"code": "lower_case"},
    ],
)
def test_incident_type_constraints(change):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentType.objects.filter(code="CHEATING").update(**change)


def test_not_stairs_incident_cannot_carry_a_severity():
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentType.objects.filter(code="PARENT_EXEMPTION").update(severity=Severity.IMPROPRIETY)


def test_question_answer_type_is_constrained():
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpQuestion.objects.filter(key="cause").update(answer_type="NUMBER")


def test_question_key_is_unique_per_incident():
    incident = IncidentType.objects.get(code="TEST_EXPIRED")
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpQuestion.objects.create(
            incident_type=incident, key="cause", text="Again?", answer_type="YES_NO"
        )


@pytest.mark.parametrize(
    ("rule", "test", "part"),
    [
        ("A-RESET-2", "SB_ELA", "NON_PT"),  # an ELPAC rule on a CAASPP test
        ("A-RESET-2", "INITIAL_ELPAC", ""),  # A-RESET-2 is per domain
        ("A-RESET-9", "SUMMATIVE_ELPAC", "READING"),  # a CAASPP rule on the ELPAC
        ("A-INVAL-1", "SB_MATH", ""),  # Smarter Balanced limits are per part (C-1)
        ("A-INVAL-1", "CAST", "PT"),  # the CAST counts as a whole (C-1)
        ("A-RESET-7", "CAST", ""),  # not a limit rule
        ("A-RESET-9", "SB_SCIENCE", "PT"),  # not a test
    ],
)
def test_limit_rows_are_constrained_to_their_rule(rule, test, part):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppealLimit.objects.create(rule=rule, test=test, part=part, value=3)


def test_limit_row_is_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        AppealLimit.objects.create(rule="A-RESET-9", test="CAST", part="", value=4)


# --- model validation (the admin's forms) ---------------------------------------------------


def test_incident_type_clean_refuses_a_test_outside_its_programs():
    incident = IncidentType.objects.get(code="DESIGNATED_SUPPORT_ELPAC")
    incident.tests = ["SB_ELA"]
    with pytest.raises(ValidationError, match="unknown SB_ELA"):
        incident.full_clean()


def test_incident_type_clean_refuses_an_unknown_part():
    incident = IncidentType.objects.get(code="AUDIO_NOT_HEARD")
    incident.parts = ["LISTEN"]
    with pytest.raises(ValidationError, match="unknown LISTEN"):
        incident.full_clean()


def test_limit_clean_refuses_an_overlap_of_reset_and_invalidate():
    # A-RESET-9 below 12 and A-INVAL-1 above 10 would both claim 11.
    limit = AppealLimit.objects.get(rule="A-RESET-9", test="SB_ELA", part="NON_PT")
    limit.value = 12
    with pytest.raises(ValidationError, match="overlap"):
        limit.full_clean()


def test_limit_clean_accepts_closing_the_gap():
    limit = AppealLimit.objects.get(rule="A-INVAL-1", test="SB_ELA", part="NON_PT")
    limit.value = 9
    limit.full_clean()


def test_question_gate_must_name_an_answer_of_another_question():
    gated = FollowUpQuestion.objects.get(key="nonallowable_materials")
    gated.full_clean()
    gated.asked_when_answer = "WRONG_GRADES"
    with pytest.raises(ValidationError, match="with the answer 'WRONG_GRADES'"):
        gated.full_clean()
    gated.asked_when_answer = ""
    with pytest.raises(ValidationError, match="Give both"):
        gated.full_clean()


# --- admin ------------------------------------------------------------------------------------


def test_admin_lists_and_edits_the_catalog(admin_client):
    incident = IncidentType.objects.get(code="TECHNICAL_DISRUPTION")
    question = incident.questions.get(key="pause_expired")
    for url in (
        "/admin/incidents/incidenttype/",
        f"/admin/incidents/incidenttype/{incident.pk}/change/",
        f"/admin/incidents/followupquestion/{question.pk}/change/",
        "/admin/incidents/appeallimit/",
        "/admin/incidents/incidenttype/add/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_admin_edits_a_limit_value(admin_client):
    limit = AppealLimit.objects.get(rule="A-RESET-2", test="INITIAL_ELPAC", part="READING")
    response = admin_client.post(
        f"/admin/incidents/appeallimit/{limit.pk}/change/",
        {"rule": "A-RESET-2", "test": "INITIAL_ELPAC", "part": "READING", "value": 3, "note": ""},
    )
    assert response.status_code == 302
    limit.refresh_from_db()
    assert limit.value == 3


def test_admin_refuses_choices_on_a_yes_no_question(admin_client):
    question = FollowUpQuestion.objects.get(key="student_break")
    response = admin_client.post(
        f"/admin/incidents/followupquestion/{question.pk}/change/",
        {
            "text": question.text,
            "answer_type": "YES_NO",
            "sort_order": 20,
            "choices-TOTAL_FORMS": 1,
            "choices-INITIAL_FORMS": 0,
            "choices-0-code": "MAYBE",
            "choices-0-label": "Maybe",
            "choices-0-sort_order": 10,
        },
    )
    assert response.status_code == 200
    assert "has no choices" in response.content.decode()
    assert not question.choices.exists()


def test_admin_saves_incident_lists_as_checkboxes(admin_client):
    incident = IncidentType.objects.get(code="HAND_SCORING_ERROR")
    response = admin_client.post(
        f"/admin/incidents/incidenttype/{incident.pk}/change/",
        {
            "label": incident.label,
            "description": "",
            "severity": "IMPROPRIETY",
            "programs": ["ELPAC"],
            "tests": ["INITIAL_ELPAC"],
            "parts": ["WRITING"],
            "deliveries": ["ONLINE"],
            "active": "on",
            "sort_order": 210,
            "questions-TOTAL_FORMS": 0,
            "questions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.deliveries == ["ONLINE"]
    assert incident.code == "HAND_SCORING_ERROR"


# --- one catalog: the rules and the effects read the same assessment rows (issue 7, A2) ------


def _edit_part_in_the_admin(admin_client, test: str, part: str, **changes) -> None:
    """Post the assessment's change form as an administrator would, changing one part row."""
    assessment = Assessment.objects.get(code=test)
    parts = list(assessment.parts.order_by("sort_order", "id"))
    form = {
        "code": assessment.code,
        "label": assessment.label,
        "program": assessment.program,
        "grades": json.dumps(assessment.grades),
        "offered_online": "on" if assessment.offered_online else "",
        "offered_on_paper": "on" if assessment.offered_on_paper else "",
        "sort_order": assessment.sort_order,
        "parts-TOTAL_FORMS": len(parts),
        "parts-INITIAL_FORMS": len(parts),
        "parts-MIN_NUM_FORMS": 0,
        "parts-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(parts):
        values = {
            "id": row.pk,
            "assessment": assessment.pk,
            "code": row.code,
            "pause_rule": row.pause_rule,
            "expiry_days": row.expiry_days,
            "online_dei_grades": json.dumps(row.online_dei_grades),
            "sort_order": row.sort_order,
        }
        if row.code == part:
            values.update(changes)
        for name, value in values.items():
            if name == "pause_rule":
                if value:
                    form[f"parts-{i}-{name}"] = "on"
            else:
                form[f"parts-{i}-{name}"] = "" if value is None else value
    response = admin_client.post(f"/admin/students/assessment/{assessment.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]


GRACE = {
    "incident": "TECHNICAL_DISRUPTION",
    "test": "SB_MATH",
    "part": "NON_PT",
    "grade": 5,
    "test_status": "PAUSED",
    "answers": {"pause_expired": True, "student_break": False},
}


def _decide(raw: dict) -> Decision:
    catalog = rules_catalog()
    return decide(parse_situation(raw, catalog), catalog)


def test_turning_off_a_pause_rule_in_the_admin_changes_the_rules_and_the_effects_alike(
    admin_client,
):
    # rule A-GPE-1, T-3: before the edit both sides allow a Grace Period Extension ...
    event = make_event(test="SB_MATH", part="NON_PT", status=TestStatus.PAUSED)
    assert _decide(GRACE).appeal == "GRACE_PERIOD_EXTENSION"
    assert "Grace Period Extension" in queries.effects_for(event)

    _edit_part_in_the_admin(admin_client, "SB_MATH", "NON_PT", pause_rule=False)

    # ... after it neither does: the rules read the edited row, not a copy of it.
    decision = _decide(GRACE)
    assert (decision.appeal, decision.rule) == (None, "A-GPE-1")
    event = TestEvent.objects.get(pk=event.pk)
    assert "Grace Period Extension" not in queries.effects_for(event)
    with pytest.raises(effects.EffectError):
        effects.event_extend_grace_period(event=event, actor=None, reason="Approved")


def test_changing_expiry_days_in_the_admin_reaches_the_rules_and_the_stored_expiry(admin_client):
    # rule T-1: the Re-open's reason states the expiry the test event was given
    _edit_part_in_the_admin(admin_client, "SB_MATH", "PT", expiry_days=12)
    raw = {
        "incident": "TEST_EXPIRED",
        "test": "SB_MATH",
        "part": "PT",
        "grade": 5,
        "test_status": "EXPIRED",
        "answers": {"cause": "EXCUSED_ABSENCE"},
    }
    assert "expires 12 calendar days after the student starts it" in _decide(raw).reason
    event = make_event(test="SB_MATH", part="PT", status=TestStatus.IN_PROGRESS)
    assert event.expires_at == dates.expires_at(event.opened_at, 12)
