"""Adding a user: the invitation goes through the outbox (B7), and adding an email that already
has an account answers exactly as for a new one (B6), for each persona."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.emails import INVITATION
from accounts.models import AccountEvent, Role, User
from notifications.models import Notification, NotificationStatus
from notifications.tasks import MAX_ATTEMPTS, send_notification

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.person@alder.example.org"
# Nothing listens on the discard port: a real SMTP backend that fails at once.
FAILING_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }
}


def _add(client, email=NEW_EMAIL, role=Role.TEST_ADMINISTRATOR, organization=None, **extra):
    return client.post(
        reverse("accounts:user_create"),
        {
            "email": email,
            "full_name": "New Person",
            "phone": "(916) 555-0100",
            "grant": f"{organization.pk}:{role}",
            **extra,
        },
    )


def _link_path(message) -> str:
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _stored_text() -> str:
    """Everything the outbox table holds, as text: where a secret must not be."""
    return repr(list(Notification.objects.values()))


def test_invitation_is_queued_with_the_account_id_only(
    client, tree, lea_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(lea_coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _add(client, organization=tree.school_a2)
    assert response.status_code == 302
    user = User.objects.get(email=NEW_EMAIL)
    row = Notification.objects.get()
    assert (row.kind, row.recipient, row.body) == (INVITATION, NEW_EMAIL, "")
    assert row.payload == {"user_id": user.pk, "site_url": "http://testserver"}
    # Nothing is sent inside the request; the handoff to the worker waits for the commit.
    assert mail.outbox == []
    assert len(callbacks) == 1
    assert "/password/reset/" not in _stored_text()


def test_worker_writes_the_one_time_link_when_it_sends(client, tree, lea_coordinator, run_outbox):
    client.force_login(lea_coordinator)
    with run_outbox():
        _add(client, organization=tree.school_a2)
    assert Notification.objects.get().status == NotificationStatus.SENT
    (invitation,) = mail.outbox
    assert invitation.to == [NEW_EMAIL]
    assert invitation.subject == "Your STAIRS account is ready: choose a password"
    # The link was written for the email only, never stored.
    assert "/password/reset/" not in _stored_text()
    client.logout()
    response = client.get(_link_path(invitation), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "first-long-passphrase", "new_password2": "first-long-passphrase"},
    )
    assert response.status_code == 302
    signed_in = client.post(
        reverse("accounts:login"),
        {"username": NEW_EMAIL, "password": "first-long-passphrase"},
    )
    assert signed_in.status_code == 302


def test_page_says_the_invitation_is_on_its_way_not_that_it_was_sent(client, tree, lea_coordinator):
    client.force_login(lea_coordinator)
    response = _add(client, organization=tree.school_a2)
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"An invitation is on its way to {NEW_EMAIL}." in message
    assert "emailed" not in message.lower() and "sent" not in message.lower()


def test_smtp_failure_keeps_the_invitation_for_a_retry_and_cde_sees_a_final_failure(
    client, tree, lea_coordinator, run_outbox, settings
):
    locmem = settings.MAILERS
    settings.MAILERS = FAILING_SMTP
    client.force_login(lea_coordinator)
    with run_outbox():
        response = _add(client, organization=tree.school_a2)
    # The account exists and the page answers as usual: the email is queued, not lost.
    assert response.status_code == 302
    row = Notification.objects.get()
    assert row.status == NotificationStatus.PENDING
    assert row.attempts == 1 and row.last_error
    assert "/password/reset/" not in _stored_text()

    # The retry (the beat task hands it over again after its pause) sends once the mail
    # server is back.
    settings.MAILERS = locmem
    assert send_notification(row.pk) == "skipped"  # not before its pause is over
    _pause_over(row)
    assert send_notification(row.pk) == "sent"
    assert len(mail.outbox) == 1 and "/password/reset/" in mail.outbox[0].body

    # Another invitation that keeps failing ends FAILED, where CDE administrators find it.
    settings.MAILERS = FAILING_SMTP
    with run_outbox():
        _add(client, email="second@alder.example.org", organization=tree.school_a1)
    second = Notification.objects.get(recipient="second@alder.example.org")
    for _ in range(MAX_ATTEMPTS - 1):
        _pause_over(second)
        send_notification(second.pk)
    second.refresh_from_db()
    assert (second.status, second.attempts) == (NotificationStatus.FAILED, MAX_ATTEMPTS)


def _pause_over(row: Notification) -> None:
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_invitation_for_an_account_deactivated_before_sending_is_not_sent(
    client, tree, lea_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(lea_coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        _add(client, organization=tree.school_a2)
    User.objects.filter(email=NEW_EMAIL).update(is_active=False)
    row = Notification.objects.get()
    assert send_notification(row.pk) == "not needed"
    row.refresh_from_db()
    assert row.status == NotificationStatus.SKIPPED
    assert mail.outbox == []


# B6: adding an email that already has an account.


def _answer(response, email: str) -> tuple:
    """What the adding coordinator gets back, with the email itself blanked out."""
    messages = [str(m).replace(email, "<email>") for m in get_messages(response.wsgi_request)]
    return response.status_code, response["Location"], messages


@pytest.mark.parametrize(
    "persona", ["colleague", "outsider", "cde_reviewer", "deactivated_outsider"]
)
def test_adding_an_existing_email_answers_exactly_as_for_a_new_one(
    request, client, tree, lea_coordinator, persona
):
    # rule U-4: nothing about accounts outside the LEA is revealed, however the email is used
    if persona == "deactivated_outsider":
        existing = request.getfixturevalue("outsider")
        User.objects.filter(pk=existing.pk).update(is_active=False)
    else:
        existing = request.getfixturevalue(persona)
    client.force_login(lea_coordinator)
    for_new = _add(client, organization=tree.school_a2)
    other_client = type(client)()  # a fresh session, so no message is left over
    other_client.force_login(lea_coordinator)
    for_existing = _add(other_client, email=existing.email.upper(), organization=tree.school_a2)
    assert _answer(for_existing, existing.email) == _answer(for_new, NEW_EMAIL)
    assert "already" not in repr(_answer(for_existing, existing.email))


@pytest.mark.parametrize("persona", ["colleague", "outsider", "cde_reviewer"])
def test_an_existing_account_gets_the_role_and_a_notice_and_keeps_its_details(
    request, client, tree, lea_coordinator, persona, run_outbox
):
    existing = request.getfixturevalue(persona)
    before = (existing.full_name, existing.phone, existing.password)
    client.force_login(lea_coordinator)
    with run_outbox():
        _add(client, email=existing.email, organization=tree.school_a2)
    existing.refresh_from_db()
    assert (existing.full_name, existing.phone, existing.password) == before
    assert existing.grants.filter(role=Role.TEST_ADMINISTRATOR, organization=tree.school_a2)
    assert AccountEvent.objects.filter(
        subject=existing, kind="GRANT_ADDED", actor=lea_coordinator, organization=tree.school_a2
    ).exists()
    (notice,) = mail.outbox
    assert notice.to == [existing.email]
    assert "Test Administrator / Test Examiner at Alder Middle" in notice.subject
    # They have a password already: no password link for them.
    assert "/password/reset/" not in notice.body


def test_a_deactivated_account_gets_the_role_but_no_email(
    client, tree, lea_coordinator, outsider, run_outbox
):
    # It cannot sign in: the queued invitation is skipped by the worker, and stays visible.
    User.objects.filter(pk=outsider.pk).update(is_active=False)
    client.force_login(lea_coordinator)
    with run_outbox():
        _add(client, email=outsider.email, organization=tree.school_a2)
    assert outsider.grants.filter(organization=tree.school_a2).exists()
    assert mail.outbox == []
    row = Notification.objects.get(recipient=outsider.email)
    assert row.status == NotificationStatus.SKIPPED
    outsider.refresh_from_db()
    assert not outsider.is_active


def test_an_existing_account_without_a_password_gets_the_invitation(
    client, tree, lea_coordinator, cde_admin, run_outbox
):
    client.force_login(cde_admin)
    _add(client, email="pending@birch.example.org", organization=tree.school_b1)
    client.force_login(lea_coordinator)
    with run_outbox():
        _add(client, email="pending@birch.example.org", organization=tree.school_a1)
    (invitation,) = mail.outbox
    assert "/password/reset/" in invitation.body


def test_adding_an_email_twice_with_the_same_role_is_refused_by_the_field(
    client, tree, lea_coordinator
):
    # Only possible for an account already inside the LEA, so saying so reveals nothing.
    client.force_login(lea_coordinator)
    _add(client, organization=tree.school_a2)
    response = _add(client, organization=tree.school_a2)
    assert response.status_code == 200
    assert "already holds that role" in response.content.decode()


def test_a_coordinator_cannot_add_a_role_to_their_own_account_by_email(
    client, tree, lea_coordinator
):
    # rule U-3: nobody widens their own access
    client.force_login(lea_coordinator)
    response = _add(client, email=lea_coordinator.email, organization=tree.school_a2)
    assert "You cannot change your own roles" in response.content.decode()
    assert lea_coordinator.grants.count() == 1
