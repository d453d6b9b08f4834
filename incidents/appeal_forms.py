"""Search Appeals's filters (issue 9, item 8), also the report's: each validates what the user
typed or picked, and ``filters()`` hands the query its plain values."""

from __future__ import annotations

from typing import Any

from django import forms

from incidents.appeal_search import (
    APPEAL_SORTS,
    DUE_WITHIN_DAYS,
    MANUAL_TYPE,
    OVERDUE,
    AppealFilters,
)
from incidents.case_forms import FoldingFilters, case_number_field, ssid_field
from incidents.models import TestChoice
from stairs.vocabulary import AppealStatus, AppealType, Reviewer

SORT_LABELS = {
    "-received": "Received, newest first",
    "received": "Received, oldest first",
    "due": "Due date, soonest first",
    "-due": "Due date, latest first",
    "number": "Case number, lowest first",
    "-number": "Case number, highest first",
    "ssid": "SSID, lowest first",
    "-ssid": "SSID, highest first",
    "status": "Status, A to Z",
    "-status": "Status, Z to A",
    "type": "Appeal type, A to Z",
    "-type": "Appeal type, Z to A",
}
assert set(SORT_LABELS) == set(APPEAL_SORTS)

DUE_CHOICES = [
    ("", "Any due date"),
    (OVERDUE, "Open and overdue"),
    *(
        (str(days), f"Open, due within {days} business day{'s' if days > 1 else ''}")
        for days in DUE_WITHIN_DAYS
    ),
]


class AppealSearchForm(FoldingFilters, forms.Form):
    """Search Appeals's filters, sent by GET so a search is a link.

    ``school`` is a select of the coordinator's own schools where they are few; past that (CDE
    and CalTAC see about 10,000 schools, a large LEA's coordinator about 1,000) the view passes
    no list and ``school_text`` takes a CDS code or the beginning of a name instead.
    """

    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *((s.value, s.label) for s in AppealStatus)]
    )
    appeal_type = forms.ChoiceField(
        label="Appeal type",
        required=False,
        choices=[
            ("", "Any appeal type"),
            *((t.value, t.label) for t in AppealType),
            (MANUAL_TYPE, "For CDE to choose (manual review)"),
        ],
    )
    due = forms.ChoiceField(label="Due", required=False, choices=DUE_CHOICES)
    ssid = ssid_field()
    number = case_number_field()
    reviewer = forms.ChoiceField(
        required=False,
        choices=[("", "CDE or CalTAC"), *((r.value, r.label) for r in Reviewer)],
    )
    school = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    school_text = forms.CharField(
        label="School",
        required=False,
        max_length=100,
        help_text="A CDS code or the beginning of the school's name.",
    )
    test = forms.ChoiceField(required=False, choices=[("", "Any test"), *TestChoice.choices])
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("", "Received, newest first (due date first with a due filter)"),
            *((key, SORT_LABELS[key]) for key in SORT_LABELS),
        ],
    )

    # Shown at once; the others fold under "More filters" (open while one is in use).
    MAIN_FIELDS = ("status", "appeal_type", "due", "ssid")

    def __init__(self, *args: Any, schools: list[tuple[int, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.fields["school"]
        else:
            del self.fields["school_text"]
            self.fields["school"].choices = [("", "Any of your schools"), *schools]

    def filters(self) -> AppealFilters:
        """The validated filters; an unbound form is the empty search (everything in scope)."""
        if not self.is_bound:
            return AppealFilters()
        data = self.cleaned_data
        return AppealFilters(
            appeal_type=data.get("appeal_type", ""),
            status=data.get("status", ""),
            reviewer=data.get("reviewer", ""),
            ssid=data.get("ssid", ""),
            number=data.get("number", ""),
            due=data.get("due", ""),
            school=data.get("school"),
            school_text=data.get("school_text", ""),
            test=data.get("test", ""),
            sort=data.get("sort", ""),
        )

    def in_use(self) -> bool:
        """Whether any filter (the order aside) narrows the list."""
        return self.is_bound and any(
            value for name, value in self.cleaned_data.items() if name != "sort"
        )
