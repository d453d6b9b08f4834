"""The Students step's fixtures: a draft with every earlier step done, and its coordinator
signed in."""

from __future__ import annotations

import pytest

from tests.incidents.conftest import draft


@pytest.fixture
def case(lea_coordinator, tree, windows, filing_day):
    """A Submitted Early draft (Re-open, A-REOPEN-1) at school A1 with every earlier step done."""
    return draft(lea_coordinator, tree.school_a1)


@pytest.fixture
def signed_in(client, lea_coordinator, case):
    # After `case`, whose clock travel would otherwise end the session as idle.
    client.force_login(lea_coordinator)
    return client
