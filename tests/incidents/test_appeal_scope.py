"""Who sees which appeals (`appeals_for`, issue 9 item 10; U-4, F-7): the appeals of the cases of
`cases_for`, through the same `case_visibility`, on the LEA, school and program each appeal copies
from its case."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from incidents.queries import appeals_for, cases_for
from tests.factories import user_with_role
from tests.incidents import test_appeal_search

pytestmark = pytest.mark.django_db

appeals = test_appeal_search.appeals


def _seen(user) -> set[int]:
    return set(appeals_for(user).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "persona",
    ["lea_coordinator", "colleague", "outsider", "cde_reviewer", "caltac_agent"],
)
def test_a_user_sees_the_appeals_of_the_cases_they_see(request, appeals, persona):
    user = request.getfixturevalue(persona)
    expected = {a.pk for a in appeals.values() if cases_for(user).filter(pk=a.case_id).exists()}
    assert expected  # every persona here sees some appeal
    assert _seen(user) == expected


def test_the_outsider_sees_none_of_lea_as_appeals(appeals, outsider):
    # rule U-4
    assert _seen(outsider) == {appeals["b1"].pk}


def test_nobody_without_a_program_role_sees_an_appeal(tree, appeals, test_administrator):
    # rule F-7: an ELPAC coordinator does not see the LEA's CAASPP appeals
    assert _seen(user_with_role(Role.LEA_ELPAC_COORDINATOR, tree.lea_a)) == set()
    assert _seen(test_administrator) == set()


def test_scope_reads_the_appeals_own_row_in_three_queries(
    appeals, lea_coordinator, django_assert_num_queries
):
    fresh = User.objects.get(pk=lea_coordinator.pk)  # no scope cached yet
    with django_assert_num_queries(3):  # the grants, the program grants, the appeals
        list(appeals_for(fresh))
    sql = str(appeals_for(fresh).query)
    assert '"incidents_case"' not in sql
    assert " IN (SELECT" not in sql


def test_each_appeal_carries_its_cases_place_and_program(appeals):
    for appeal in appeals.values():
        appeal.refresh_from_db()
        case = appeal.case
        assert (appeal.lea_id, appeal.school_id, appeal.program) == (
            case.lea_id,
            case.school_id,
            case.program,
        )
