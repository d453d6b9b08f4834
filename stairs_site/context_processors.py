from django.conf import settings
from django.http import HttpRequest


def sender(request: HttpRequest) -> dict[str, str]:
    # N-4: pages that tell users to allow STAIRS mail (password reset, the footer) name the one
    # configured sender address.
    return {"DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL}
