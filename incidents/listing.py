"""What the search pages share (Search STAIRS and Search Appeals): the capped paginator with its
own lean count, the sortable headings, the school filter's choices and the status tags' tones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.functional import cached_property

from accounts.access import scope_for
from accounts.models import User
from incidents import queries
from incidents.case_forms import SCHOOL_SELECT_MAX
from stairs.vocabulary import AppealStatus, CaseStatus
from students.views import CappedPaginator

# The colour of a status tag, which only repeats what its words say (includes/status_tag.html).
CASE_STATUS_TONES: Final = {CaseStatus.DRAFT: "neutral", CaseStatus.COMPLETED: "success"}
APPEAL_STATUS_TONES: Final = {
    AppealStatus.PENDING: "info",
    AppealStatus.PENDING_APPROVAL: "info",
    AppealStatus.APPROVED: "success",
    AppealStatus.SWAP_APPROVED: "success",
    AppealStatus.WITHDRAWN: "neutral",
}  # else (the rejections) danger


def case_status_tone(status: str) -> str:
    return CASE_STATUS_TONES.get(status, "info")


def appeal_status_tone(status: str) -> str:
    return APPEAL_STATUS_TONES.get(status, "danger")


class CountedPaginator(CappedPaginator):
    """The capped paginator, counting with a lean query of its own (no joins, no ordering)."""

    def __init__(self, object_list, per_page: int, *, cap: int, count: Callable[[], int]) -> None:
        super().__init__(object_list, per_page, cap=cap)
        self._count = count

    @cached_property
    def _bounded_count(self) -> int:
        return self._count()


def sort_columns(
    request: HttpRequest, sort: str, columns: Sequence[tuple[str, str, bool]]
) -> list[dict[str, str]]:
    """Each sortable heading (key, label, whether a first click sorts ascending) with its
    aria-sort and the link that sorts by it (the other way round when it already does). The
    links keep the other GET parameters, the page excepted."""
    params = {k: v for k, v in request.GET.items() if k not in ("page", "sort")}
    headings = []
    for key, label, ascending_first in columns:
        if sort == key:
            aria, target = "ascending", f"-{key}"
        elif sort == f"-{key}":
            aria, target = "descending", key
        else:
            aria, target = "", key if ascending_first else f"-{key}"
        headings.append(
            {
                "key": key,
                "label": label,
                "aria_sort": aria,
                "url": "?" + urlencode({**params, "sort": target}),
            }
        )
    return headings


def school_choices(user: User) -> list[tuple[int, str]] | None:
    """The schools a coordinator may pick in a search's select, or None where a CDS code or name
    box serves better: CDE and CalTAC, and LEAs past SCHOOL_SELECT_MAX schools (one query)."""
    if scope_for(user).everything:
        return None
    listed = queries.schools_for(user).values_list("pk", "name")
    schools = list(listed[: SCHOOL_SELECT_MAX + 1])
    return None if len(schools) > SCHOOL_SELECT_MAX else schools
