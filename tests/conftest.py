"""Shared fixtures: the organization tree and the personas every access test uses.

The personas follow healthchecks' Alice, Bob and Charlie: ``lea_coordinator`` is the allowed
user, ``colleague`` works at a school of the same LEA and should also see what the LEA sees of
that school, and ``outsider`` coordinates another LEA and must see nothing of LEA A.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
import time_machine

from accounts.models import Organization, Role, User
from notifications.tasks import send_notification
from tests.factories import CaltacFactory, LeaFactory, SchoolFactory, StateFactory, user_with_role

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told that this is a test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PACIFIC_TIME = "America/Los_Angeles"

# Moments on which date arithmetic tends to break (issue 7, B1), in California time: the first
# and last day of a testing window, both daylight-saving changes (1:30 a.m. happens twice in
# November and not at all in March), a state holiday and the turn of the school year on July 1.
# Tests that take the ``calendar_day`` fixture run once on each.
CALENDAR_DAYS = {
    "window-first-day": "2026-08-17T07:45",
    "dst-fall-back": "2026-11-01T01:30",
    "thanksgiving": "2026-11-26T12:00",
    "dst-spring-forward": "2027-03-14T03:30",
    "window-last-day": "2027-06-11T23:30",
    "school-year-last-day": "2027-06-30T23:55",
    "school-year-first-day": "2027-07-01T00:05",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--travel-to",
        metavar="YYYY-MM-DDTHH:MM",
        help="run the whole suite as if it were this moment in California (finds tests that "
        "depend on today's date); the browser tests are skipped then",
    )


def _pacific(moment: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(PACIFIC_TIME))


def pytest_configure(config: pytest.Config) -> None:
    moment = config.getoption("--travel-to", default=None)
    if moment:
        traveller = time_machine.travel(_pacific(moment), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--travel-to", default=None):
        # The browser's clock cannot travel with the server's: cookies would expire at once.
        skip = pytest.mark.skip(reason="--travel-to: the browser's clock does not travel")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def run_outbox(django_capture_on_commit_callbacks, monkeypatch):
    """Run the on-commit handoff with the worker in this process: ``with run_outbox(): ...``.

    The transaction commits inside the block; its callbacks then hand the rows to
    ``send_notification``, which runs here instead of on a Celery worker, into ``mail.outbox``.
    """
    monkeypatch.setattr(send_notification, "delay", lambda pk: send_notification(pk))
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mid_school_year() -> Iterator[date]:
    """For tests that count days back from now inside one school year (roster openings, say):
    an ordinary Wednesday in November, so "50 days ago" never falls into the previous year."""
    moment = _pacific("2026-11-18T10:00")
    with time_machine.travel(moment, tick=True):
        yield moment.date()


@pytest.fixture(params=list(CALENDAR_DAYS.values()), ids=list(CALENDAR_DAYS))
def calendar_day(request: pytest.FixtureRequest) -> Iterator[date]:
    """Runs the test at each of CALENDAR_DAYS (the clock ticks on from there); gives the date."""
    moment = _pacific(request.param)
    with time_machine.travel(moment, tick=True):
        yield moment.date()


@dataclass
class Tree:
    state: Organization
    caltac: Organization
    lea_a: Organization
    school_a1: Organization
    school_a2: Organization
    lea_b: Organization
    school_b1: Organization


@pytest.fixture
def tree(db) -> Tree:
    lea_a = LeaFactory(name="Alder Unified", cds_code="19111110000000")
    lea_b = LeaFactory(name="Birch Unified", cds_code="19222220000000")
    return Tree(
        state=StateFactory(),
        caltac=CaltacFactory(),
        lea_a=lea_a,
        school_a1=SchoolFactory(parent=lea_a, name="Alder Elementary", cds_code="19111116000001"),
        school_a2=SchoolFactory(parent=lea_a, name="Alder Middle", cds_code="19111116000002"),
        lea_b=lea_b,
        school_b1=SchoolFactory(parent=lea_b, name="Birch High", cds_code="19222226000001"),
    )


@pytest.fixture
def lea_coordinator(tree: Tree) -> User:
    return user_with_role(
        Role.LEA_CAASPP_COORDINATOR,
        tree.lea_a,
        email="alice@alder.example.org",
        full_name="Alice Alder",
    )


@pytest.fixture
def colleague(tree: Tree) -> User:
    return user_with_role(
        Role.SITE_CAASPP_COORDINATOR,
        tree.school_a1,
        email="bob@alder.example.org",
        full_name="Bob Alder",
    )


@pytest.fixture
def outsider(tree: Tree) -> User:
    return user_with_role(
        Role.LEA_CAASPP_COORDINATOR,
        tree.lea_b,
        email="charlie@birch.example.org",
        full_name="Charlie Birch",
    )


@pytest.fixture
def test_administrator(tree: Tree) -> User:
    return user_with_role(
        Role.TEST_ADMINISTRATOR,
        tree.school_a1,
        email="tara@alder.example.org",
        full_name="Tara Alder",
    )


@pytest.fixture
def other_school_test_administrator(tree: Tree) -> User:
    return user_with_role(
        Role.TEST_ADMINISTRATOR,
        tree.school_a2,
        email="tom@alder.example.org",
        full_name="Tom Alder",
    )


@pytest.fixture
def cde_reviewer(tree: Tree) -> User:
    return user_with_role(
        Role.CDE_REVIEWER, tree.state, email="dana@cde.example.org", full_name="Dana State"
    )


@pytest.fixture
def cde_admin(tree: Tree) -> User:
    return user_with_role(
        Role.CDE_ADMINISTRATOR, tree.state, email="ada@cde.example.org", full_name="Ada State"
    )


@pytest.fixture
def caltac_agent(tree: Tree) -> User:
    return user_with_role(
        Role.CALTAC_AGENT, tree.caltac, email="carl@caltac.example.org", full_name="Carl Help"
    )
