"""The start page at "/": "MyTOMS at a Glance" for coordinators (issue 10, item 3; N-5), the
accounts app's start page for everyone else (CDE, CalTAC, test administrators), unchanged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import views as account_views
from incidents import dashboard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not dashboard.is_coordinator(request.user):
        return account_views.home(request)
    context = account_views.home_context(request.user)
    context["glance"] = dashboard.dashboard_for(request.user)
    return render(request, "incidents/dashboard.html", context)
