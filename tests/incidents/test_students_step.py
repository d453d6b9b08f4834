"""The wizard's Students step (F-1 step 4, F-3, F-10): typed SSIDs, the number of students,
the eligibility shown before submitting, with and without JavaScript, and who may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.incidents.conftest import draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lea_coordinator, tree, windows, filing_day):
    return draft(lea_coordinator, tree.school_a1)


def _url(case) -> str:
    return reverse("incidents:wizard_students", args=[case.pk])


def test_smoke(client, case, lea_coordinator, submitted_students):
    client.force_login(lea_coordinator)
    response = client.get(_url(case))
    assert response.status_code == 200
    ssids = "\n".join(s.ssid for s in submitted_students)
    response = client.post(_url(case), {"student_count": 3, "ssids": ssids, "action": "check"})
    assert response.status_code == 302, response.context["form"].errors
    response = client.get(response["Location"])
    print(response.content.decode())
