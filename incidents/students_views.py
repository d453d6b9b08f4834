"""PLACEHOLDER until the helper building this module merges: every view is a 404."""

from django.http import Http404


def step_students(request, *args, **kwargs):
    raise Http404


def eligibility(request, *args, **kwargs):
    raise Http404


def ssid_template(request, *args, **kwargs):
    raise Http404
