"""The due phrase of A-2's clock in templates: ``{% load due %}`` then ``{% due_phrase
appeal.due_at %}`` renders "due today", "due in 2 business days" or "overdue by 1 business day"
(appeals/business_days.py).

The closure days are read once per rendering of a page, however many appeals it lists: a view
that already has them may pass them in the context as ``closure_days``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

from appeals import business_days
from appeals.models import ClosureDay
from students.dates import local_date

register = template.Library()

# Overdue counts reach back at most this far for closure days (a year; the table is tiny).
_LOOKBACK = timedelta(days=366)


def _closures(context: template.Context, now: datetime) -> frozenset[date]:
    if "closure_days" in context:
        return context["closure_days"]
    # The render context's first level lives as long as the whole rendering, included templates
    # and partials too (each of them stacks a level of its own above it).
    cache = context.render_context.dicts[0]
    if "closure_days" not in cache:
        today = local_date(now)
        cache["closure_days"] = ClosureDay.dates_between(
            today - _LOOKBACK, today + business_days.CLOSURE_HORIZON
        )
    return cache["closure_days"]


@register.simple_tag(takes_context=True)
def due_phrase(context: template.Context, due: datetime | None, now: Any = None) -> str:
    """The phrase for a due moment, from now (or ``now``, an aware datetime); empty without one
    (a missing variable included)."""
    if not due:
        return ""
    now = now or timezone.now()
    return business_days.due_phrase(now, due, _closures(context, now))
