"""What every page says about itself (project-wide, so it lives with the project's glue)."""

from email.utils import parseaddr

from django.conf import settings
from django.http import HttpRequest

PROGRAM_NAME = "Security and Test Administration Incident Reporting System"
OWNER_NAME = "California Department of Education"


def identity(request: HttpRequest) -> dict:
    """What every page says about itself: the program, its owner, which site this is, and the
    one sender address that users must allow so that STAIRS email is not filtered (N-4)."""
    return {
        "program_name": PROGRAM_NAME,
        "owner_name": OWNER_NAME,
        "stairs_environment": settings.STAIRS_ENVIRONMENT,
        # Only the address: "STAIRS <no-reply@...>" is what a safe-senders list does not take.
        "sender_address": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
    }
