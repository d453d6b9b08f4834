"""Testing windows: "is the window open for this LEA and program on this date" (A-3, C-4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from students.models import TestingWindow
from students.queries import window_is_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(tree) -> TestingWindow:
    return TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 1, 11), end_date=date(2027, 6, 4)
    )


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2027, 1, 10), False),  # the day before
        (date(2027, 1, 11), True),  # the first day
        (date(2027, 3, 14), True),
        (date(2027, 6, 4), True),  # the last day
        (date(2027, 6, 5), False),  # the day after
    ],
)
def test_the_window_is_open_from_its_first_to_its_last_day(window, tree, day, open_):
    # rule C-4, A-3
    assert window_is_open(lea=tree.lea_a, program="CAASPP", on=day) is open_


def test_a_window_is_per_program_and_per_lea(window, tree):
    day = date(2027, 3, 1)
    assert not window_is_open(lea=tree.lea_a, program="ELPAC", on=day)
    assert not window_is_open(lea=tree.lea_b, program="CAASPP", on=day)
    assert window_is_open(lea=tree.lea_a.pk, program="CAASPP", on=day)


def test_an_lea_without_a_window_is_closed(tree):
    assert not window_is_open(lea=tree.lea_b, program="ELPAC", on=date(2027, 3, 1))


def test_a_second_window_of_the_year_opens_again(window, tree):
    TestingWindow.objects.create(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 7, 1), end_date=date(2027, 7, 31)
    )
    assert not window_is_open(lea=tree.lea_a, program="CAASPP", on=date(2027, 6, 20))
    assert window_is_open(lea=tree.lea_a, program="CAASPP", on=date(2027, 7, 31))


def test_overlapping_windows_are_refused(window, tree):
    overlap = TestingWindow(
        lea=tree.lea_a, program="CAASPP", start_date=date(2027, 6, 4), end_date=date(2027, 6, 30)
    )
    with pytest.raises(ValidationError, match="overlaps"):
        overlap.full_clean()


def test_a_window_ends_after_it_starts_and_belongs_to_an_lea(tree):
    backwards = TestingWindow(
        lea=tree.school_a1, program="ELPAC", start_date=date(2027, 6, 4), end_date=date(2027, 6, 1)
    )
    with pytest.raises(ValidationError) as caught:
        backwards.full_clean()
    assert "lea" in caught.value.message_dict
