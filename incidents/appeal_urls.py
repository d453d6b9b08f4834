"""Search Appeals and the "STAIRS and Appeals Report" (issue 9, item 8): every appeal in the
user's scope."""

from django.urls import path

from incidents import appeal_views

app_name = "appeals"

urlpatterns = [
    path("", appeal_views.search, name="search"),
    path("report.<str:fmt>", appeal_views.report, name="report"),
]
