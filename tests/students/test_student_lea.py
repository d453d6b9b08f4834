"""A student row keeps its school's LEA (students/0004), whichever way it is written, so that the
LEA's scope and name search can read it without the schools (U-4 and F-10 unchanged)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.access import scope_for
from students.models import Student
from students.queries import student_search, student_search_ids, students_for
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _lea_of(student: Student) -> int:
    return Student.objects.values_list("lea_id", flat=True).get(pk=student.pk)


def test_save_takes_the_schools_lea_and_follows_a_move(tree):
    student = StudentFactory(school=tree.school_a1)
    assert _lea_of(student) == tree.lea_a.pk
    student.school = tree.school_b1
    student.save(update_fields=["school"])
    assert _lea_of(student) == tree.lea_b.pk


def test_bulk_writes_keep_the_lea_as_a_roster_import_does(tree):
    built = [StudentFactory.build(school=school) for school in (tree.school_a2, tree.school_b1)]
    first, second = Student.objects.bulk_create(built)
    assert (_lea_of(first), _lea_of(second)) == (tree.lea_a.pk, tree.lea_b.pk)
    first.school_id = tree.school_b1.pk
    Student.objects.bulk_update([first], ["school_id"])
    assert _lea_of(first) == tree.lea_b.pk


def test_a_school_moved_to_another_lea_takes_its_students_along(tree, lea_coordinator, outsider):
    # U-4, F-10: the old LEA's coordinator no longer finds them; the new LEA's does.
    student = StudentFactory(school=tree.school_a2)
    tree.school_a2.parent = tree.lea_b
    tree.school_a2.save()
    assert _lea_of(student) == tree.lea_b.pk
    assert not students_for(lea_coordinator).filter(pk=student.pk).exists()
    assert students_for(outsider).filter(pk=student.pk).exists()


@pytest.mark.parametrize(
    "persona",
    ["lea_coordinator", "colleague", "outsider", "test_administrator", "cde_reviewer", "nobody"],
)
def test_the_scope_on_the_row_is_the_scope_through_the_schools(persona, request, tree):
    # U-4: the same students as the definition through the school's parent, for every role.
    user = request.getfixturevalue(persona) if persona != "nobody" else _no_role(tree)
    for school in (tree.school_a1, tree.school_a2, tree.school_b1):
        StudentFactory.create_batch(2, school=school)
    through_schools = Student.objects.filter(scope_for(user).school_q("school"))
    assert set(students_for(user)) == set(through_schools)


def _no_role(tree):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.mark.parametrize("persona", ["colleague", "lea_coordinator", "cde_reviewer"])
def test_a_name_search_matches_the_same_students_in_every_scope(persona, request, tree):
    # A school's scope compares lowercased names, the others the UPPER prefix indexes: the same
    # matches either way, whatever the case typed, every word on any of the three names.
    user = request.getfixturevalue(persona)
    maria = StudentFactory(school=tree.school_a1, first_name="María", last_name="García")
    StudentFactory(school=tree.school_a1, first_name="Mario", last_name="Garcés")
    StudentFactory(
        school=tree.school_a1, first_name="Ana", middle_name="Maria", last_name="Garcia-Lopez"
    )
    StudentFactory(school=tree.school_a1, first_name="Maria", last_name="Lopez")
    found = {s.last_name for s in student_search(user, "GARC mar")}
    assert found == {"García", "Garcés", "Garcia-Lopez"}
    assert [s.pk for s in student_search(user, "garcía maría")] == [maria.pk]
    assert list(student_search(user, "100%_ off")) == []


def test_the_ids_of_a_search_come_in_name_order_up_to_the_limit(tree, lea_coordinator):
    for last, first in [("Quill", "Zed"), ("Quill", "Amy"), ("Quillan", "Bo"), ("Quest", "Al")]:
        StudentFactory(school=tree.school_a2, last_name=last, first_name=first)
    ordered = [s.pk for s in student_search(lea_coordinator, "qui")]
    assert student_search_ids(lea_coordinator, "qui", limit=10) == ordered
    assert len(student_search_ids(lea_coordinator, "qui", limit=2)) == 2


def test_a_site_coordinators_name_search_page_finds_only_their_school(client, tree, colleague):
    StudentFactory(school=tree.school_a1, first_name="Rosa", last_name="Quintero")
    StudentFactory(school=tree.school_a2, first_name="Rosa", last_name="Quintana")
    client.force_login(colleague)
    response = client.post(reverse("students:search"), {"q": "quint rosa"}, follow=True)
    body = response.content.decode()
    assert "Quintero, Rosa" in body and "Quintana" not in body
