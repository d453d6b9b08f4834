"""The user's in-app notices (issue 10, item 2): the list, mark as read, and open one.

A notice belongs to one user: anyone else's is a 404, like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications.forms import DAILY, IMMEDIATE, EmailSettingsForm
from notifications.models import EmailPreference, Notice
from notifications.services import email_preference_set, notices_mark_read

PAGE_SIZE = 25


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient_id=request.user.pk).order_by("-created_at", "-pk")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk, recipient_id=request.user.pk)
    notices_mark_read(user=request.user, notice_ids=[notice.pk])
    messages.success(request, "The notice is marked as read.")
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notices_mark_read(user=request.user, notice_ids=None)
    messages.success(
        request,
        f"{count} notice{'' if count == 1 else 's'} marked as read."
        if count
        else "There were no unread notices.",
    )
    return redirect(_back(request))


@login_required
@require_GET
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notice read and go to its page: only a local path, never another site."""
    notice = get_object_or_404(Notice, pk=pk, recipient_id=request.user.pk)
    notices_mark_read(user=request.user, notice_ids=[notice.pk])
    if url_has_allowed_host_and_scheme(
        notice.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and notice.url.startswith("/"):
        return redirect(notice.url)
    return redirect("notifications:list")


@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    """The person's choice of an email for each note and decision, or one a day."""
    preference = EmailPreference.objects.filter(user_id=request.user.pk).first()
    current = DAILY if preference and preference.daily_digest else IMMEDIATE
    # A POST with no field at all is still an answer to check (``request.POST or None`` would
    # take it for a first visit and show no message).
    form = EmailSettingsForm(
        request.POST if request.method == "POST" else None, initial={"delivery": current}
    )
    if request.method == "POST" and form.is_valid():
        daily = form.cleaned_data["delivery"] == DAILY
        email_preference_set(user=request.user, daily_digest=daily)
        messages.success(
            request,
            "Saved: one email a day with your notes and decisions."
            if daily
            else "Saved: an email for each note and decision, as it happens.",
        )
        return redirect("notifications:email_settings")
    return render(request, "notifications/email_settings.html", {"form": form})


def _back(request: HttpRequest) -> str:
    """The list page the form was on (its page number kept), else the first page."""
    page = request.POST.get("page", "")
    target = reverse("notifications:list")
    return f"{target}?page={page}" if page.isdigit() and page != "1" else target
