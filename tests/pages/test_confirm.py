"""Destructive actions never act on one click: the GET asks, only the POST acts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import RoleGrant

pytestmark = pytest.mark.django_db


def test_user_page_offers_deactivate_as_a_link_to_the_confirmation(
    client, lea_coordinator, colleague
):
    client.force_login(lea_coordinator)
    body = client.get(reverse("accounts:user_detail", args=[colleague.pk])).content.decode()
    url = reverse("accounts:user_deactivate", args=[colleague.pk])
    assert f'<a class="btn btn-outline-danger" href="{url}">Deactivate</a>' in body
    assert f'action="{url}"' not in body  # no one-click form


def test_deactivate_asks_first_and_changes_nothing(client, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    url = reverse("accounts:user_deactivate", args=[colleague.pk])
    body = client.get(url).content.decode()
    assert '<h1 class="h3">Deactivate Bob Alder?</h1>' in body
    assert "can no longer sign in" in body
    assert re.search(rf'<form method="post" action="{url}"', body)
    assert f'href="{reverse("accounts:user_detail", args=[colleague.pk])}">Cancel' in body
    colleague.refresh_from_db()
    assert colleague.is_active

    response = client.post(url)
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_the_confirmation_is_scoped_like_the_action(
    client, outsider, colleague, test_administrator
):
    # Another LEA's account: 404, as if it did not exist; a role that manages nobody: 403.
    url = reverse("accounts:user_deactivate", args=[colleague.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(test_administrator)
    assert client.get(url).status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active


def test_remove_role_asks_first_and_changes_nothing(client, tree, lea_coordinator, colleague):
    client.force_login(lea_coordinator)
    extra = RoleGrant.objects.create(
        user=colleague, role="TEST_ADMINISTRATOR", organization=tree.school_a2
    )
    url = reverse("accounts:grant_remove", args=[colleague.pk, extra.pk])
    detail = client.get(reverse("accounts:user_detail", args=[colleague.pk])).content.decode()
    assert f'href="{url}">Remove' in detail and f'action="{url}"' not in detail

    body = client.get(url).content.decode()
    assert "Remove the role Test Administrator / Test Examiner at Alder Middle?" in body
    assert RoleGrant.objects.filter(pk=extra.pk).exists()

    client.post(url)
    assert not RoleGrant.objects.filter(pk=extra.pk).exists()


def test_remove_confirmation_for_a_grant_of_another_account_is_404(
    client, tree, lea_coordinator, colleague, test_administrator
):
    client.force_login(lea_coordinator)
    foreign_grant = RoleGrant.objects.get(user=test_administrator)
    url = reverse("accounts:grant_remove", args=[colleague.pk, foreign_grant.pk])
    assert client.get(url).status_code == 404
