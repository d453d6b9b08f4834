from django.contrib import admin
from django.urls import include, path

from incidents import dashboard_views

urlpatterns = [
    # Coordinators get "MyTOMS at a Glance"; everyone else the accounts app's start page.
    path("", dashboard_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("students/", include("students.urls")),
    path("cases/", include("incidents.urls")),
    # Issue 9: the reviewers' queues and decisions; Search Appeals and its report.
    path("review/", include("incidents.review_urls")),
    path("appeals/", include("incidents.appeal_urls")),
    # Issue 10: the user's in-app notices (the header's bell).
    path("notices/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
