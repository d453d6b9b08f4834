"""PLACEHOLDER until the helper building this module merges: every view is a 404."""

from django.http import Http404


def search(request, *args, **kwargs):
    raise Http404


def log(request, *args, **kwargs):
    raise Http404


def detail(request, *args, **kwargs):
    raise Http404


def delete(request, *args, **kwargs):
    raise Http404


def withdraw(request, *args, **kwargs):
    raise Http404


def note_add(request, *args, **kwargs):
    raise Http404
