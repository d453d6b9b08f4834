"""The filing wizard's steps (F-1) and the way through them (F-2).

Pure: which steps a draft has, in order, and where Back and Next lead. The views decide whether
an appeal is possible for the draft's incident and answers (`filing.appeal_possible`) and pass
it in; with none possible the Students and Select steps drop out and the follow-up questions
lead straight to Confirm Details (F-2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.urls import reverse


@dataclass(frozen=True)
class Step:
    slug: str
    label: str  # the step indicator's words
    title: str  # the page's h1
    needs_appeal: bool = False  # dropped when no appeal is possible (F-2)

    @property
    def url_name(self) -> str:
        return f"incidents:wizard_{self.slug}"

    def url(self, case_pk: int) -> str:
        return reverse(self.url_name, args=[case_pk])


STEPS: Final = (
    Step("incident", "School and test", "School, date and test"),
    Step("issue", "Testing issue", "What happened"),
    Step("details", "Details", "Follow-up questions and description"),
    Step("students", "Students", "Students involved", needs_appeal=True),
    Step("confirm", "Confirm", "Confirm details"),
    Step("select", "Appeals", "Select the SSIDs that need an appeal", needs_appeal=True),
    Step("plan", "Plan and submit", "Plan of action and submit"),
)
BY_SLUG: Final = {step.slug: step for step in STEPS}


def steps_for(*, appeal_possible: bool) -> list[Step]:
    """The draft's steps, in order (F-1; F-2 without an appeal)."""
    return [step for step in STEPS if appeal_possible or not step.needs_appeal]


def _neighbour(slug: str, offset: int, *, appeal_possible: bool) -> Step | None:
    steps = steps_for(appeal_possible=appeal_possible)
    slugs = [step.slug for step in steps]
    if slug not in slugs:
        # A step dropped by F-2 (the answers changed): carry on from the step before it.
        index = [s.slug for s in STEPS].index(slug)
        earlier = [s for s in STEPS[:index] if s.slug in slugs]
        position = slugs.index(earlier[-1].slug) if earlier else -1
        offset = max(offset, 0) if offset > 0 else offset + 1
    else:
        position = slugs.index(slug)
    target = position + offset
    return steps[target] if 0 <= target < len(steps) else None


def next_step(slug: str, *, appeal_possible: bool) -> Step | None:
    return _neighbour(slug, 1, appeal_possible=appeal_possible)


def previous_step(slug: str, *, appeal_possible: bool) -> Step | None:
    return _neighbour(slug, -1, appeal_possible=appeal_possible)


def step_context(case_pk: int | None, slug: str, *, appeal_possible: bool) -> dict[str, Any]:
    """What templates/incidents/wizard/step.html needs: the step indicator, the page title and
    the Back link (None on the first step). ``case_pk`` is None before the draft exists."""
    steps = steps_for(appeal_possible=appeal_possible)
    step = BY_SLUG[slug]
    labels = [s.label for s in steps]
    current = labels.index(step.label) + 1 if step in steps else 1
    back = previous_step(slug, appeal_possible=appeal_possible)
    return {
        "wizard_step": step,
        "wizard_steps": labels,
        "wizard_current": current,
        "wizard_back_url": back.url(case_pk) if back is not None and case_pk else None,
        "wizard_case_pk": case_pk,
    }
