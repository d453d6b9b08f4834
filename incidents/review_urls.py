"""The reviewers' pages (issue 9): the review queues, an appeal's decision page and the POST
actions of the review services (claim, release, approve for filing, approve, reject, bulk, away).
"""

from django.urls import path

from incidents import review_views

app_name = "review"

urlpatterns = [
    path("", review_views.queue, name="queue"),
    path("bulk/", review_views.bulk, name="bulk"),
    path("away/", review_views.away, name="away"),
    path("<int:pk>/", review_views.appeal, name="appeal"),
    path("<int:pk>/claim/", review_views.claim, name="claim"),
    path("<int:pk>/release/", review_views.release, name="release"),
    path("<int:pk>/preapprove/", review_views.preapprove, name="preapprove"),
    path("<int:pk>/approve/", review_views.approve, name="approve"),
    path("<int:pk>/reject/", review_views.reject, name="reject"),
]
