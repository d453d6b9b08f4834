"""The reviewers' pages (issue 9): the review queues, an appeal's decision page and the POST
actions of the review services (claim, release, approve for filing, approve, reject, bulk, away).
"""

from django.urls import path  # noqa: F401

app_name = "review"

urlpatterns: list = []
