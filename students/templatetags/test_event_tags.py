"""Template helpers for test events: the tone of a status tag (includes/status_tag.html)."""

from __future__ import annotations

from django import template

from students.models import TestStatus

register = template.Library()

# The colour of each test status, read with its label: blue while the student can still test,
# green once submitted, amber where something needs attention, red where answers are void.
_STATUS_TONES: dict[str, str] = {
    TestStatus.NOT_STARTED: "neutral",
    TestStatus.IN_PROGRESS: "info",
    TestStatus.PAUSED: "warning",
    TestStatus.SUBMITTED: "success",
    TestStatus.EXPIRED: "warning",
    TestStatus.RESET: "neutral",
    TestStatus.INVALIDATED: "danger",
}


@register.filter
def status_tone(status: str) -> str:
    """The status tag tone of a test status; neutral for anything unknown."""
    return _STATUS_TONES.get(status, "neutral")
