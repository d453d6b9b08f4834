"""The site's own error views, where Django's default would not render the product's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Django's default renders 403_csrf.html without the request, so the page would lose the
    # layout's navigation and the nonce its scripts need under the Content-Security-Policy. The
    # reason is for developers and stays out of the page.
    return render(request, "403_csrf.html", status=403)
