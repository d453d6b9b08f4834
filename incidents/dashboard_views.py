"""The start page at "/": "MyTOMS at a Glance" for coordinators (issue 10, item 3; N-5), the
reviewers' dashboard for CDE reviewers and administrators and CalTAC agents (item 4), the
accounts app's start page for everyone else (test administrators), unchanged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import views as account_views
from incidents import dashboard, reviewer_dashboard
from incidents.dashboard_cache import glance_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if dashboard.is_coordinator(request.user):
        context = account_views.home_context(request.user)
        context["glance"] = glance_for(request.user)
        return render(request, "incidents/dashboard.html", context)
    if reviewer_dashboard.is_reviewer(request.user):
        context = account_views.home_context(request.user)
        context["review_glance"] = reviewer_dashboard.dashboard_for(request.user)
        return render(request, "incidents/reviewer_dashboard.html", context)
    return account_views.home(request)
