"""The forms of the case pages: Search STAIRS's filters (also the log's), a note, and the reason
of a withdrawal. Each validates what the user typed; the queries and services do the rest."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from incidents.case_models import CaseStatus
from incidents.models import IncidentType, TestChoice
from incidents.pii import PiiKind, find_personal_information
from incidents.queries import CASE_SORTS, DEFAULT_CASE_SORT, CaseFilters

# Where a user may pick among this many schools or fewer, a select lists them; past it (CDE and
# CalTAC see the state's 10,000, the largest LEA has about 1,000) a CDS code or name box takes
# its place: a thousand options are no help to read, and rendering them alone cost 45 to 70 ms
# (bench/RESULTS.md, "Filing at state scale"). Search STAIRS and the wizard's first step.
SCHOOL_SELECT_MAX = 60

_NUMBER_PREFIX = re.compile(r"^[0-9]{1,4}(-[0-9]{0,6})?$")
_SSID = re.compile(r"^[0-9]{10}$")


def case_number_filter(value: str) -> str:
    """A search's case number: the whole number or its beginning (Search STAIRS, Search
    Appeals)."""
    number = value.strip()
    if number and not _NUMBER_PREFIX.match(number):
        raise ValidationError(
            "A case number is the year, a dash and six digits (2027-000123), or its beginning."
        )
    return number


def ssid_filter(value: str) -> str:
    """A search's SSID: exactly 10 digits (Search STAIRS, Search Appeals)."""
    ssid = value.strip()
    if ssid and not _SSID.match(ssid):
        raise ValidationError("An SSID is exactly 10 digits.")
    return ssid


def ssid_field() -> forms.CharField:
    """A search's SSID box (Search STAIRS, Search Appeals, the review queue)."""
    return forms.CharField(
        label="SSID",
        required=False,
        max_length=10,
        help_text="A student's 10-digit SSID.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def case_number_field() -> forms.CharField:
    """A search's case number box: the whole number or its beginning."""
    return forms.CharField(
        label="Case number",
        required=False,
        max_length=11,
        help_text="The whole number (2027-000123) or its beginning (2027-0001).",
    )


class FoldingFilters:
    """What Search STAIRS's and Search Appeals's filter forms share: the ``MAIN_FIELDS`` are
    shown at once and the others fold under "More filters" (open while one is in use), so that
    on a phone the list is not a screen away; and the boxes they have in common are cleaned
    alike."""

    MAIN_FIELDS: tuple[str, ...] = ()

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS]  # type: ignore[index]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.MAIN_FIELDS]  # type: ignore[attr-defined,index]

    def more_in_use(self) -> bool:
        return self.is_bound and any(  # type: ignore[attr-defined]
            self.data.get(field.name) or field.errors  # type: ignore[attr-defined]
            for field in self.more_fields()
        )

    def clean_number(self) -> str:
        return case_number_filter(self.cleaned_data["number"])  # type: ignore[attr-defined]

    def clean_ssid(self) -> str:
        return ssid_filter(self.cleaned_data["ssid"])  # type: ignore[attr-defined]

    def clean_school_text(self) -> str:
        return self.cleaned_data["school_text"].strip()  # type: ignore[attr-defined]


SORT_LABELS = {
    "-submitted": "Submitted, newest first",
    "submitted": "Submitted, oldest first",
    "-number": "Case number, highest first",
    "number": "Case number, lowest first",
    "school": "School, A to Z",
    "-school": "School, Z to A",
    "-incident_date": "Incident date, latest first",
    "incident_date": "Incident date, earliest first",
    "status": "Status, A to Z",
    "-status": "Status, Z to A",
}
assert set(SORT_LABELS) == set(CASE_SORTS)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CaseSearchForm(FoldingFilters, forms.Form):
    """Search STAIRS's filters (issue 8, part 8), sent by GET so a search is a link.

    ``school`` is a select of the coordinator's own schools, where they are few; past that (CDE
    and CalTAC see about 10,000, a large LEA's coordinator about 1,000) the view passes no
    list and ``school_text`` takes a CDS code or part of a name instead.
    """

    number = case_number_field()
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *CaseStatus.choices])
    school = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    school_text = forms.CharField(
        label="School",
        required=False,
        max_length=100,
        help_text="A CDS code (or its beginning) or part of the school's name.",
    )
    test = forms.ChoiceField(required=False, choices=[("", "Any test"), *TestChoice.choices])
    incident_type = forms.ChoiceField(label="Incident type", required=False)
    date_from = forms.DateField(label="Incident date from", required=False, widget=DateInput())
    date_to = forms.DateField(label="Incident date to", required=False, widget=DateInput())
    ssid = ssid_field()
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, SORT_LABELS[key]) for key in SORT_LABELS]
    )

    def __init__(
        self,
        *args: Any,
        schools: list[tuple[int, str]] | None,
        incident_types: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.fields["school"]
        else:
            del self.fields["school_text"]
            self.fields["school"].choices = [("", "Any of your schools"), *schools]
        self.fields["incident_type"].choices = [("", "Any incident type"), *incident_types]

    MAIN_FIELDS = ("number", "status", "ssid")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> CaseFilters:
        """The validated filters; an unbound form is the empty search (everything in scope)."""
        if not self.is_bound:
            return CaseFilters()
        data = self.cleaned_data
        return CaseFilters(
            number=data.get("number", ""),
            status=data.get("status", ""),
            school=data.get("school"),
            school_text=data.get("school_text", ""),
            test=data.get("test", ""),
            incident_type=data.get("incident_type", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            ssid=data.get("ssid", ""),
            sort=data.get("sort") or DEFAULT_CASE_SORT,
        )


def incident_type_choices() -> list[tuple[str, str]]:
    """Every incident type, retired ones too: past cases keep theirs (one query)."""
    return list(IncidentType.objects.order_by("sort_order", "code").values_list("code", "label"))


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Add a note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Everyone working on this case is emailed that a note was added. Refer to "
        "students by SSID only: no names, dates of birth, emails or phone numbers.",
    )

    def __init__(self, *args: Any, student_names: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.student_names = student_names or []

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        # Like the description (F-4), except that an SSID is how a note names a student of
        # the case: it is the one identifier a case carries.
        findings = [
            finding
            for finding in find_personal_information(body, student_names=self.student_names)
            if finding.kind != PiiKind.SSID
        ]
        if findings:
            found = "; ".join(finding.message for finding in findings)
            raise ValidationError(
                f"Remove the personal information first: {found}. Refer to students by SSID."
            )
        return body


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the case withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded on the case's timeline and on each appeal withdrawn.",
    )
