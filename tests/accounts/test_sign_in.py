"""Sign-in, lockout, idle expiry, password reset and change, and the U-5 gate."""

import time

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY
from accounts.models import AccountEvent, Role
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/sign-in/"


def _sign_in(client, email, password=DEFAULT_PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_sign_in_with_email_and_password_lands_on_home(client, colleague):
    response = _sign_in(client, colleague.email)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_email_is_matched_case_insensitively(client, colleague):
    response = _sign_in(client, colleague.email.upper())
    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_clear_message(client, colleague):
    response = _sign_in(client, colleague.email, "not-the-password")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_account_cannot_sign_in(client, colleague):
    colleague.is_active = False
    colleague.save()
    response = _sign_in(client, colleague.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_require_sign_in(client, tree):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_sign_out_is_post_only_and_ends_the_session(client, colleague):
    client.force_login(colleague)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_account_locks_after_repeated_failures(client, colleague, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, colleague.email, "wrong-password")
    # Even the right password is refused while the account is locked.
    response = _sign_in(client, colleague.email)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many sign-in attempts" in body
    assert "locked for 30 minutes after 5 failed sign-ins" in body
    assert "_auth_user_id" not in client.session


def test_failures_on_one_account_do_not_lock_another(client, colleague, lea_coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, colleague.email, "wrong-password")
    assert _sign_in(client, lea_coordinator.email).status_code == 302


def test_idle_session_expires_and_says_why(client, colleague, settings):
    client.force_login(colleague)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "signed out after 30 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_active_session_is_kept_alive_by_requests(client, colleague, settings):
    client.force_login(colleague)
    client.get(reverse("home"))
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


@override_settings(SESSION_IDLE_TIMEOUT=60)
def test_idle_timeout_is_configurable(client, colleague):
    client.force_login(colleague)
    client.get(reverse("home"))
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 61
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_htmx_request_after_idle_expiry_gets_a_full_page_redirect(client, colleague, settings):
    client.force_login(colleague)
    client.get(reverse("home"))
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(LOGIN)


@pytest.fixture
def new_lea_coordinator(tree):
    return user_with_role(
        Role.LEA_ELPAC_COORDINATOR,
        tree.lea_a,
        full_name="Nora New",
        agreement_signed_at=None,
        affidavit_signed_at=None,
    )


def test_unsigned_lea_coordinator_is_sent_to_the_security_forms(client, new_lea_coordinator):
    # rule U-5
    client.force_login(new_lea_coordinator)
    for url in (reverse("home"), reverse("accounts:user_list"), reverse("accounts:user_create")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("accounts:security_agreement")
    assert client.get(reverse("accounts:security_agreement")).status_code == 200
    # Signing out stays possible.
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_security_forms_need_both_boxes_and_the_typed_name(client, new_lea_coordinator):
    # rule U-5: both the Test Security Agreement and the Affidavit
    client.force_login(new_lea_coordinator)
    url = reverse("accounts:security_agreement")
    response = client.post(url, {"agree_agreement": "on", "signature": "Nora New"})
    assert response.status_code == 200
    assert "Check this box to sign the Test Security Affidavit." in response.content.decode()
    response = client.post(
        url, {"agree_agreement": "on", "agree_affidavit": "on", "signature": "Someone Else"}
    )
    assert "Type your full name exactly as it is on your account" in response.content.decode()
    new_lea_coordinator.refresh_from_db()
    assert new_lea_coordinator.agreement_signed_at is None
    assert new_lea_coordinator.affidavit_signed_at is None


def test_signing_is_recorded_with_time_and_opens_the_system(client, new_lea_coordinator):
    # rule U-5
    client.force_login(new_lea_coordinator)
    response = client.post(
        reverse("accounts:security_agreement"),
        {"agree_agreement": "on", "agree_affidavit": "on", "signature": " nora  new "},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    new_lea_coordinator.refresh_from_db()
    assert new_lea_coordinator.agreement_signed_at is not None
    assert new_lea_coordinator.affidavit_signed_at is not None
    kinds = set(
        AccountEvent.objects.filter(subject=new_lea_coordinator).values_list("kind", flat=True)
    )
    assert {"AGREEMENT_SIGNED", "AFFIDAVIT_SIGNED"} <= kinds
    assert client.get(reverse("home")).status_code == 200


def test_site_roles_are_not_held_at_the_lea_gate(client, tree):
    # U-5 names LEA coordinators; site staff sign their affidavit outside STAIRS.
    site = user_with_role(
        Role.SITE_CAASPP_COORDINATOR,
        tree.school_a1,
        agreement_signed_at=None,
        affidavit_signed_at=None,
    )
    client.force_login(site)
    assert client.get(reverse("home")).status_code == 200


def test_password_reset_emails_a_working_link(client, colleague):
    response = client.post(reverse("accounts:password_reset"), {"email": colleague.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [colleague.email]
    assert message.subject == "STAIRS: reset your password"
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    client.logout()
    assert _sign_in(client, colleague.email, "a-new-long-passphrase").status_code == 302


def test_password_reset_for_unknown_email_reveals_nothing(client, tree):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client, colleague):
    client.force_login(colleague)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password("another-long-passphrase")


def test_password_change_refuses_a_short_password_next_to_the_field(client, colleague):
    client.force_login(colleague)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_signed_in_pages_are_not_stored_by_the_browser(client, colleague):
    client.force_login(colleague)
    assert client.get(reverse("home"))["Cache-Control"] == "no-store"


@override_settings(SESSION_MAX_AGE=3600)
def test_session_ends_after_its_absolute_limit_however_active(client, colleague):
    from accounts.middleware import SIGNED_IN_AT_KEY

    client.force_login(colleague)
    client.get(reverse("home"))
    session = client.session
    session[SIGNED_IN_AT_KEY] = time.time() - 3601
    session[LAST_SEEN_KEY] = time.time()
    session.save()
    response = client.get(reverse("home"), follow=True)
    assert "Your session has ended" in response.content.decode()


def test_idle_sign_out_keeps_the_whole_address_to_come_back_to(client, colleague, settings):
    client.force_login(colleague)
    client.get(reverse("home"))
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get("/accounts/users/?q=a&page=2")
    assert response.url == "/accounts/sign-in/?next=/accounts/users/%3Fq%3Da%26page%3D2"


def test_choosing_a_new_password_lifts_the_lockout(client, colleague, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, colleague.email, "wrong-password")
    assert _sign_in(client, colleague.email).status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": colleague.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "fresh-long-passphrase", "new_password2": "fresh-long-passphrase"},
    )
    assert _sign_in(client, colleague.email, "fresh-long-passphrase").status_code == 302


def test_lockout_of_one_address_does_not_lock_the_owner_out_elsewhere(client, colleague, settings):
    attacker = type(client)(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(LOGIN, {"username": colleague.email, "password": "guess"})
    assert (
        attacker.post(
            LOGIN, {"username": colleague.email, "password": DEFAULT_PASSWORD}
        ).status_code
        == 429
    )
    assert _sign_in(client, colleague.email).status_code == 302
