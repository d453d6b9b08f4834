"""The Django admin is the CDE administrators' tool only (B14): it shows every student's name
and every account, so it must not be a second way around accounts/access.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from notifications.models import Notification, NotificationStatus
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "admin:index",
    "admin:students_student_changelist",
    "admin:accounts_user_changelist",
    "admin:notifications_notification_changelist",
]


@pytest.fixture
def student(tree):
    return StudentFactory(school=tree.school_a1, first_name="Zelda", last_name="Quintero")


def _staff(user, superuser: bool = False):
    user.is_staff = True
    user.is_superuser = superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.mark.parametrize(
    "persona", ["lea_coordinator", "colleague", "outsider", "cde_reviewer", "caltac_agent"]
)
def test_staff_who_are_not_cde_administrators_get_no_admin(request, client, student, persona):
    # Even with staff access and every model permission, the admin stays closed to anyone
    # without the CDE Administrator role.
    user = _staff(request.getfixturevalue(persona))
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user)
    for name in ADMIN_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login"))
    body = client.get(reverse("admin:login")).content.decode()
    assert "Quintero" not in body and "Zelda" not in body


def test_cde_administrator_with_staff_access_uses_the_admin(client, cde_admin, student):
    client.force_login(_staff(cde_admin, superuser=True))
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    body = client.get(reverse("admin:students_student_changelist")).content.decode()
    assert "Quintero" in body


def test_cde_administrator_without_staff_access_gets_no_admin(client, cde_admin):
    # The role alone is not enough: staff access is granted on purpose, in the admin itself.
    client.force_login(cde_admin)
    assert client.get(reverse("admin:index")).status_code == 302


def test_superuser_made_at_deployment_reaches_the_admin_to_set_up_cde(client, tree):
    # README, Deployment: `createsuperuser` makes the first account, before any role exists.
    from accounts.models import User

    root = User.objects.create_superuser("root@cde.example.org", "a-long-root-passphrase")
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 200


def test_cde_administrator_finds_failed_emails_in_the_admin(client, cde_admin):
    # B7: an invitation that could not be delivered is visible to CDE administrators.
    Notification.objects.create(
        recipient="lost@alder.example.org",
        subject="Your STAIRS account is ready",
        body="b",
        status=NotificationStatus.FAILED,
        attempts=5,
        last_error="Connection refused",
    )
    client.force_login(_staff(cde_admin, superuser=True))
    url = reverse("admin:notifications_notification_changelist")
    body = client.get(url, {"status__exact": "FAILED"}).content.decode()
    assert "lost@alder.example.org" in body and "Connection refused" in body


def test_a_non_cde_staff_user_cannot_see_failed_emails(client, lea_coordinator):
    client.force_login(_staff(lea_coordinator, superuser=False))
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 302


def test_cde_administrator_sends_a_failed_email_again_from_the_admin(
    client, cde_admin, django_capture_on_commit_callbacks, monkeypatch
):
    # Issue 10, item 1: a row given up on can be re-sent from the admin; a sent one is left.
    from notifications.tasks import send_notification

    queued: list[int] = []
    monkeypatch.setattr(send_notification, "delay", queued.append)
    failed = Notification.objects.create(
        recipient="lost@alder.example.org",
        subject="s",
        body="b",
        status=NotificationStatus.FAILED,
        attempts=8,
        last_error="SMTPRecipientsRefused: mailbox full",
    )
    sent = Notification.objects.create(
        recipient="ok@alder.example.org",
        subject="s",
        body="b",
        status=NotificationStatus.SENT,
        sent_at=failed.created_at,
    )
    client.force_login(_staff(cde_admin, superuser=True))
    url = reverse("admin:notifications_notification_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 failed email(s) queued again." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (NotificationStatus.PENDING, 0)
    assert Notification.objects.get(pk=sent.pk).status == NotificationStatus.SENT
    assert queued == [failed.pk]
