"""Who sees which cases (`cases_for`, U-4) and who files where (F-7), with the personas:
the LEA coordinator (Alice), a site coordinator of the same LEA (Bob), another LEA's
coordinator (Charlie), and the state."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from incidents import services
from incidents.case_models import Case
from incidents.queries import cases_for
from tests.factories import user_with_role
from tests.incidents.conftest import draft
from tests.students.factories import StudentFactory, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(lea_coordinator, colleague, outsider, tree, windows, filing_day):
    return {
        "a1": draft(colleague, tree.school_a1),
        "a2": draft(lea_coordinator, tree.school_a2),
        "b1": draft(outsider, tree.school_b1),
    }


def _seen(user) -> set[int]:
    return set(cases_for(user).values_list("pk", flat=True))


def test_the_lea_coordinator_sees_every_case_of_their_lea(cases, lea_coordinator):
    # rule U-4
    assert _seen(lea_coordinator) == {cases["a1"].pk, cases["a2"].pk}


def test_a_site_coordinator_sees_only_their_schools_cases(cases, colleague):
    # rule U-4
    assert _seen(colleague) == {cases["a1"].pk}


def test_another_leas_coordinator_sees_none_of_them(cases, outsider):
    # rule U-4
    assert _seen(outsider) == {cases["b1"].pk}


def test_cde_and_caltac_see_every_case(cases, cde_reviewer, caltac_agent):
    everything = {case.pk for case in cases.values()}
    assert _seen(cde_reviewer) == everything
    assert _seen(caltac_agent) == everything


def test_a_coordinator_sees_only_their_programs_cases(cases, tree):
    # rule F-7: an ELPAC coordinator does not see the LEA's CAASPP cases
    elpac = user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a)
    assert _seen(elpac) == set()


def test_a_test_administrator_sees_no_case(cases, test_administrator):
    assert _seen(test_administrator) == set()


def test_scope_costs_three_queries(cases, lea_coordinator, django_assert_num_queries):
    fresh = User.objects.get(pk=lea_coordinator.pk)  # no scope cached yet
    with django_assert_num_queries(3):  # the grants, the program grants, the cases
        list(cases_for(fresh))


def test_a_coordinator_files_only_inside_their_scope_and_program(
    outsider, colleague, test_administrator, cde_reviewer, tree, windows, filing_day
):
    # rule F-7
    for actor in (outsider, test_administrator, cde_reviewer):
        with pytest.raises(ValidationError, match="may not file"):
            draft(actor, tree.school_a1)
    with pytest.raises(ValidationError, match="may not file"):
        draft(colleague, tree.school_a2)  # a site coordinator: their own school only
    with pytest.raises(ValidationError, match="only CAASPP"):
        draft(colleague, tree.school_a1, test="SUMMATIVE_ELPAC", part="LISTENING")
    assert not Case.objects.exists()


def test_caltac_files_only_a_restore_on_the_leas_behalf(
    caltac_agent, lea_coordinator, tree, windows, filing_day
):
    # rule F-7, A-RESTORE-1
    with pytest.raises(ValidationError, match="CalTAC files only a Restore"):
        draft(caltac_agent, tree.school_a1)
    case = draft(caltac_agent, tree.school_a1, incident_code="RESET_IN_ERROR")
    assert case.filed_on_behalf
    with pytest.raises(ValidationError, match="filed by CalTAC"):
        draft(lea_coordinator, tree.school_a1, incident_code="RESET_IN_ERROR")


def test_submission_rechecks_the_filer(lea_coordinator, tree, windows, filing_day):
    # rule F-7: the grant may be gone by the time the draft is submitted
    case = draft(lea_coordinator, tree.school_a1)
    lea_coordinator.grants.all().delete()
    lea_coordinator.__dict__.pop("_stairs_scope", None)
    with pytest.raises(ValidationError, match="may not file"):
        services.case_submit(case=case, actor=lea_coordinator)


def test_a_foreign_ssid_gets_the_same_answer_as_an_unknown_one(
    colleague, tree, windows, filing_day
):
    # rule F-10
    foreign = StudentFactory(school=tree.school_b1)
    make_event(foreign, test="SB_MATH", part="NON_PT")
    neighbour = StudentFactory(school=tree.school_a2)  # same LEA, not Bob's school
    case = draft(colleague, tree.school_a1)
    messages = []
    for ssid in (foreign.ssid, neighbour.ssid, "9999999999"):
        with pytest.raises(ValidationError) as err:
            services.case_set_students(case=case, actor=colleague, ssids=[ssid])
        messages.append(err.value.message_dict["ssids"][0].replace(ssid, "SSID"))
    assert len(set(messages)) == 1
    assert not case.students.exists()


def test_eleven_typed_ssids_are_refused(lea_coordinator, tree, windows, filing_day):
    # rule F-3: 11 or more students are uploaded
    students = [StudentFactory(school=tree.school_a1) for _ in range(11)]
    case = draft(lea_coordinator, tree.school_a1)
    ssids = [s.ssid for s in students]
    with pytest.raises(ValidationError, match="upload"):
        services.case_set_students(
            case=case, actor=lea_coordinator, ssids=ssids, input_type="TYPED"
        )
    rows = services.case_set_students(case=case, actor=lea_coordinator, ssids=ssids)
    case.refresh_from_db()
    assert (len(rows), case.ssid_input_type, case.student_count) == (11, "UPLOAD", 11)


def test_more_than_500_ssids_are_refused(lea_coordinator, tree, windows, filing_day):
    # rule F-3
    case = draft(lea_coordinator, tree.school_a1)
    ssids = [f"{6000000000 + n}" for n in range(501)]
    with pytest.raises(ValidationError, match="At most 500"):
        services.case_set_students(case=case, actor=lea_coordinator, ssids=ssids)
