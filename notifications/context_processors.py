"""The header's bell: how many unread notices the signed-in user has."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import cached_property

from notifications.models import Notice


class UnreadNotices:
    """Counted on first use, once (one query): a page that does not show the bell, such as an
    htmx fragment, costs nothing."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    @cached_property
    def count(self) -> int:
        return Notice.objects.filter(recipient_id=self.user_id, read_at__isnull=True).count()


def notices(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": UnreadNotices(user.pk)}
