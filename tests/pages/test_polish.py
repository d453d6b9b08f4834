"""What a new user hit on the sign-in and password pages (issue 7, part C)."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
WRONG = "do not match an active account"


def test_a_failed_sign_in_shows_its_message_once(client, colleague):
    response = client.post(SIGN_IN, {"username": colleague.email, "password": "nope"})
    assert response.content.decode().count(WRONG) == 1


def test_signing_out_says_so(client, colleague):
    client.force_login(colleague)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0].startswith(SIGN_IN)
    body = response.content.decode()
    assert "You are signed out of STAIRS." in body
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_leads_back_to_sign_in_and_to_a_reset(client, colleague, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(SIGN_IN, {"username": colleague.email, "password": "nope"})
    body = response.content.decode()
    assert "Too many sign-in attempts" in body
    assert f'href="{reverse("accounts:login")}">Back to sign in' in body
    assert f'href="{reverse("accounts:password_reset")}"' in body


def test_password_change_speaks_plainly(client, colleague):
    client.force_login(colleague)
    url = reverse("accounts:password_change")
    body = client.get(url).content.decode()
    assert "Current password" in body and "Old password" not in body
    assert "Type the new password again" in body and "New password confirmation" not in body
    assert "At least 12 characters" in body
    assert "personal information" not in body  # Django's list of validator rules

    body = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "a-long-new-passphrase",
            "new_password2": "a-different-passphrase",
        },
    ).content.decode()
    assert "That is not your current password. Type it again." in body
    assert "The two new passwords are not the same." in body
    assert "fields didn" not in body and "entered incorrectly" not in body
    colleague.refresh_from_db()
    assert colleague.check_password(DEFAULT_PASSWORD)


def test_password_reset_link_page_speaks_plainly(client, colleague):
    uid = urlsafe_base64_encode(force_bytes(colleague.pk))
    token = default_token_generator.make_token(colleague)
    response = client.get(
        reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True
    )
    body = response.content.decode()
    assert "Choose a new password" in body
    assert "Type the new password again" in body and "New password confirmation" not in body
