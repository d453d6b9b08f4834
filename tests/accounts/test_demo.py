"""Re-running seed_demo puts every demo account back as the README describes (B12)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import demo
from accounts.models import Role, RoleGrant

pytestmark = pytest.mark.django_db

User = get_user_model()


def _sign_in(client, email: str, password: str = demo.DEMO_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_seeding_again_restores_every_demo_account(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    orgs = demo.seed()
    lena = User.objects.get(email="lea.caaspp@losrobles.example.org")
    grace = User.objects.get(email="site.caaspp@losrobles.example.org")
    tess = User.objects.get(email="ta@losrobles.example.org")
    carl = User.objects.get(email="agent@caltac.example.org")
    dana = User.objects.get(email="reviewer@cde.example.org")

    # A trial changes things: a password, the signed forms, a deactivation, roles, a lockout.
    lena.set_password("a-password-chosen-during-the-trial")
    lena.full_name = "Lena Trial"
    lena.phone = "(916) 555-0100"
    lena.save()
    assert _sign_in(client, lena.email, "a-password-chosen-during-the-trial").status_code == 302
    client.post(
        reverse("accounts:security_agreement"),
        {"agree_agreement": "on", "agree_affidavit": "on", "signature": "Lena Trial"},
    )
    client.post(reverse("accounts:logout"))
    lena.refresh_from_db()
    assert lena.has_signed_security_forms
    User.objects.filter(pk=tess.pk).update(is_active=False, is_staff=True)
    RoleGrant.objects.create(user=grace, role=Role.TEST_ADMINISTRATOR, organization=orgs["lr_high"])
    carl.grants.all().delete()
    for _ in range(3):
        _sign_in(client, dana.email, "wrong-password")
    assert _sign_in(client, dana.email).status_code == 429  # locked out

    demo.seed()

    for entry in demo.USERS:
        user = User.objects.get(email=entry.email)
        assert user.is_active and user.full_name == entry.full_name and user.phone == ""
        assert user.check_password(demo.DEMO_PASSWORD)
        # README: the LEA coordinators start without signed security forms (U-5)
        assert user.has_signed_security_forms == entry.signed
        assert [(g.role, g.organization) for g in user.grants.all()] == [
            (entry.role, orgs[entry.organization_key])
        ]
        # Only the CDE administrator reaches the Django admin (B14).
        assert user.is_staff == (entry.role == Role.CDE_ADMINISTRATOR)
    assert not User.objects.get(email="lea.caaspp@losrobles.example.org").has_signed_security_forms
    # The lockout is lifted.
    assert _sign_in(client, dana.email).status_code == 302


def test_seeding_twice_without_changes_keeps_the_same_rows():
    demo.seed()
    users = dict(User.objects.values_list("email", "pk"))
    grants = set(RoleGrant.objects.values_list("pk", flat=True))
    demo.seed()
    assert dict(User.objects.values_list("email", "pk")) == users
    assert set(RoleGrant.objects.values_list("pk", flat=True)) == grants
