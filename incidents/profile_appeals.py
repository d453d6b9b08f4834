"""The student profile's "Recent STAIRS appeals" on the Score Status tab (issue 9, item 9).

Registered with students/profile_sections.py by IncidentsConfig.ready: students sits below the
appeals and cases and never imports them. Only the appeals the viewer may see (``appeals_for``),
so each one's case is in the viewer's scope too and its number links to the case page.
"""

from __future__ import annotations

from typing import Final

from accounts.models import User
from incidents.case_appeals import decided_by_label, shown_reason
from incidents.listing import appeal_status_tone
from incidents.queries import appeals_for
from students.models import Student
from students.profile_sections import ProfileSection

# The newest first, as many as a glance takes; Search Appeals lists every one.
RECENT_APPEALS: Final = 10
TEMPLATE: Final = "incidents/includes/profile_appeals.html"


def recent_appeals_section(user: User, student: Student) -> ProfileSection:
    """The student's latest appeals the viewer may see, newest first, with their case, test,
    type, status, decision date and reason: one query, however many there are."""
    appeals = list(
        appeals_for(user)
        .filter(student=student)
        .select_related("case", "decided_by", "test_event__part__assessment")
        .order_by("-received_at", "-pk")[:RECENT_APPEALS]
    )
    for appeal in appeals:
        appeal.status_tone = appeal_status_tone(appeal.status)
        appeal.shown_reason = shown_reason(appeal)
        appeal.decided_by_label = decided_by_label(appeal, names=False)
    return ProfileSection(TEMPLATE, {"appeals": appeals, "limit": RECENT_APPEALS})
