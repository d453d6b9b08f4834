"""One rule for every page that changes a case (incidents.queries.case_to_change): the wizard's
steps, the Students step and its preview, and the case page's actions. Someone who may not see
the case gets a 404 everywhere, like a missing case (U-4); someone who sees it but may not
change it gets the same 403, with the reason, everywhere (F-7, D-3, A-RESTORE-1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.case_models import Case
from tests.incidents.conftest import draft

pytestmark = pytest.mark.usefixtures("filing_day", "windows")

DRAFT_PAGES = [
    "incidents:wizard_incident",
    "incidents:wizard_issue",
    "incidents:wizard_details",
    "incidents:wizard_students",
    "incidents:wizard_confirm",
    "incidents:wizard_select",
    "incidents:wizard_plan",
    "incidents:delete",
]
CDE_READS = "Only the LEA&#x27;s coordinators of this case&#x27;s program change it"
CALTAC_READS = "This is the LEA&#x27;s own case"
LEA_READS = "CalTAC filed this case on your LEA&#x27;s behalf"


def _answers(client, case: Case) -> set[tuple[int, str]]:
    """Each draft page's status (GET and POST) and the preview's, with the 403's reason."""
    found = set()
    requests = [(client.get, name) for name in DRAFT_PAGES] + [
        (client.post, name) for name in DRAFT_PAGES
    ]
    for send, name in requests:
        response = send(reverse(name, args=[case.pk]))
        found.add((response.status_code, _reason(response)))
    preview = client.post(
        reverse("incidents:wizard_eligibility", args=[case.pk]), HTTP_HX_REQUEST="true"
    )
    found.add((preview.status_code, _reason(preview)))
    return found


def _reason(response) -> str:
    if response.status_code != 403:
        return ""
    body = response.content.decode()
    for reason in (CDE_READS, CALTAC_READS, LEA_READS):
        if reason in body:
            return reason
    return "another reason"


@pytest.fixture
def lea_draft(lea_coordinator, tree) -> Case:
    return draft(lea_coordinator, tree.school_a1)


@pytest.fixture
def caltac_draft(caltac_agent, tree) -> Case:
    return draft(caltac_agent, tree.school_a1, incident_code="RESET_IN_ERROR")


def test_cde_gets_the_same_403_on_every_page_of_a_draft(client, cde_reviewer, lea_draft):
    # rule D-3, F-7: CDE reviews every case and files none
    client.force_login(cde_reviewer)
    assert _answers(client, lea_draft) == {(403, CDE_READS)}
    assert client.get(reverse("incidents:detail", args=[lea_draft.pk])).status_code == 200
    assert Case.objects.filter(pk=lea_draft.pk).exists()


def test_caltac_gets_the_same_403_on_every_page_of_an_leas_own_draft(
    client, caltac_agent, lea_draft
):
    # rule F-7: CalTAC files only a Restore, and only its own on an LEA's behalf
    client.force_login(caltac_agent)
    assert _answers(client, lea_draft) == {(403, CALTAC_READS)}


def test_the_lea_gets_the_same_403_on_every_page_of_calTACs_draft(
    client, lea_coordinator, caltac_draft
):
    # rule A-RESTORE-1: the LEA reads it; CalTAC changes it
    client.force_login(lea_coordinator)
    assert _answers(client, caltac_draft) == {(403, LEA_READS)}
    assert client.get(reverse("incidents:detail", args=[caltac_draft.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "test_administrator"])
def test_who_may_not_see_a_draft_gets_a_404_on_every_page(client, request, persona, lea_draft):
    client.force_login(request.getfixturevalue(persona))
    assert _answers(client, lea_draft) == {(404, "")}
    assert client.get(reverse("incidents:detail", args=[lea_draft.pk])).status_code == 404


def test_who_files_the_draft_opens_every_page(
    client, colleague, caltac_agent, lea_draft, caltac_draft
):
    for user, case in ((colleague, lea_draft), (caltac_agent, caltac_draft)):
        client.force_login(user)
        for name in DRAFT_PAGES:
            assert client.get(reverse(name, args=[case.pk])).status_code == 200, name
