"""The email settings page, /notices/email/ (issue 10, item 1): each person chooses an email for
each note and decision, or one a day. Every role may see and save their own choice; a visitor
who is not signed in is sent to sign in; a bad answer is said next to its field and changes
nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import EmailPreference

pytestmark = pytest.mark.django_db

URL = "/notices/email/"
PERSONAS = [
    "lea_coordinator",
    "colleague",
    "outsider",
    "test_administrator",
    "cde_reviewer",
    "cde_admin",
    "caltac_agent",
]
DAILY_SAVED = "Saved: one email a day with your notes and decisions."
IMMEDIATE_SAVED = "Saved: an email for each note and decision, as it happens."


def _checked(body: str) -> list[str]:
    """The values of the checked radio buttons."""
    return re.findall(r'<input[^>]*value="(\w+)"[^>]*checked', body)


def _daily(user) -> bool | None:
    preference = EmailPreference.objects.filter(user=user).first()
    return None if preference is None else preference.daily_digest


def test_the_url_is_the_email_settings_view():
    assert reverse("notifications:email_settings") == URL


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_sees_and_saves_their_own_choice(request, client, persona, colleague):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1 and "Email settings" in body
    assert _checked(body) == ["immediate"]  # the default: an email for each
    assert "no-reply@stairs.example.org" in body  # the sender to allow (N-4)

    response = client.post(URL, {"delivery": "daily"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    body = response.content.decode()
    assert DAILY_SAVED in body
    assert _checked(body) == ["daily"]  # kept
    assert _daily(user) is True
    if user != colleague:
        assert _daily(colleague) is None  # nobody else's choice changes

    response = client.post(URL, {"delivery": "immediate"}, follow=True)
    assert IMMEDIATE_SAVED in response.content.decode()
    assert _checked(response.content.decode()) == ["immediate"]
    assert _daily(user) is False


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    for response in (client.get(URL), client.post(URL, {"delivery": "daily"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert "next=/notices/email/" in response["Location"]
    assert not EmailPreference.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose how you want these emails."),
        ({"delivery": ""}, "Choose how you want these emails."),
        (
            {"delivery": "weekly"},
            "Select a valid choice. weekly is not one of the available choices.",
        ),
    ],
    ids=["no-choice", "empty", "unknown-value"],
)
def test_a_bad_answer_is_said_next_to_the_field_and_changes_nothing(
    client, lea_coordinator, data, message
):
    EmailPreference.objects.create(user=lea_coordinator, daily_digest=True)
    client.force_login(lea_coordinator)
    response = client.post(URL, data)
    assert response.status_code == 200  # the form again, not a redirect
    body = response.content.decode()
    # The message beside the field (crispy's feedback, tied to it) and in the summary above.
    field_message = re.search(
        r'<(?:div|p|span)[^>]*id="error_1_id_delivery"[^>]*>\s*(?:<strong>)?(.*?)<', body, re.S
    )
    assert field_message is not None and field_message.group(1).strip() == message
    assert 'aria-invalid="true"' in body or "is-invalid" in body
    # The error summary above the form links to the choice (its first button).
    label = "Emails about notes and appeal decisions"
    assert f'<a class="alert-link" href="#id_delivery_0">{label}: {message}</a>' in body
    assert "Saved:" not in body
    assert _daily(lea_coordinator) is True  # nothing changed


def test_the_page_costs_the_same_queries_with_or_without_a_choice(client, lea_coordinator):
    client.force_login(lea_coordinator)
    client.get(URL)  # the session's first request does its own one-off work
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
        EmailPreference.objects.update_or_create(
            user=lea_coordinator, defaults={"daily_digest": True}
        )
    assert counts[0] == counts[1]
    # the user, the preference, the grants for the menu, the bell (the session: the cache)
    assert counts[0] == 4, [q["sql"] for q in queries.captured_queries]
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, {"delivery": "immediate"}).status_code == 302
    # The user, the preference read; then email_preference_set: its transaction and
    # update_or_create's (savepoints in a test), the preference locked and updated, the held
    # rows looked up (none: nothing to update). The session comes from the cache.
    assert len(queries) == 9, "\n".join(q["sql"][:70] for q in queries.captured_queries)
