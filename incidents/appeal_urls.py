"""Search Appeals and the "STAIRS and Appeals Report" (issue 9, item 8): every appeal in the
user's scope."""

from django.urls import path  # noqa: F401

app_name = "appeals"

urlpatterns: list = []
