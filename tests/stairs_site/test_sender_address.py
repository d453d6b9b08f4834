"""The one sender address (N-4) is shown where users are told to allow it."""

import pytest
from django.test import override_settings
from django.urls import reverse


@pytest.mark.django_db
@override_settings(DEFAULT_FROM_EMAIL="STAIRS Help <help@stairs.test>")
def test_password_reset_pages_name_the_sender_address(client):
    # rule N-4: recipients are told which address to allow.
    for name in ("accounts:password_reset_done", "accounts:login"):
        response = client.get(reverse(name))
        assert response.context["sender_address"] == "help@stairs.test"
    page = client.get(reverse("accounts:password_reset_done")).content.decode()
    assert "help@stairs.test" in page
