"""PLACEHOLDER until the helper building this module merges: every view is a 404."""

from django.http import Http404


def new(request, *args, **kwargs):
    raise Http404


def step_incident(request, *args, **kwargs):
    raise Http404


def step_issue(request, *args, **kwargs):
    raise Http404


def step_details(request, *args, **kwargs):
    raise Http404


def step_confirm(request, *args, **kwargs):
    raise Http404


def step_select(request, *args, **kwargs):
    raise Http404


def step_plan(request, *args, **kwargs):
    raise Http404


def submitted(request, *args, **kwargs):
    raise Http404
