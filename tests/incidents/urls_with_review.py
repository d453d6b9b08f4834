"""The site's URLs with a stand-in ``review:appeal`` route first, for the case page's "Decide" link
before (and after) the reviewers' pages are merged: the first namespace of a name wins."""

from django.http import HttpResponse
from django.urls import include, path

from stairs_site.urls import urlpatterns as site_urlpatterns


def _decision_page(request, pk: int) -> HttpResponse:
    return HttpResponse(f"Decide appeal {pk}")


review = ([path("<int:pk>/", _decision_page, name="appeal")], "review")

urlpatterns = [path("review-stand-in/", include(review)), *site_urlpatterns]
