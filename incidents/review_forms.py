"""The forms of the reviewers' pages (issue 9): the queue's filters, the decision page's approve,
approve-for-filing and reject forms, and the bulk decision. Each validates what was typed; the
services of appeals/decisions.py check the rest (the move, the team, the filer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import OrganizationKind
from appeals.review import Choice
from incidents.case_forms import case_number_field, case_number_filter, ssid_field, ssid_filter
from incidents.models import TestChoice
from incidents.review_queries import MANUAL, QueueFilters, organizations_matching
from stairs.vocabulary import AppealType

# What each approval does to the test (domain.md, section A), beside its radio.
EFFECTS: dict[str, str] = {
    AppealType.RESET: "Removes the student's test event (TDS, and any DEI entries), so the "
    "student tests again.",
    AppealType.REOPEN: "Gives the student access again to the submitted or expired test.",
    AppealType.RESTORE: "Returns the test from Reset to its status before the Reset Appeal.",
    AppealType.GRACE_PERIOD_EXTENSION: "Lets the student review earlier answers after the "
    "20-minute pause rule expired.",
    AppealType.RESCORE: "Lets the examiner re-enter all Initial ELPAC Writing scores in THSS.",
    AppealType.INVALIDATE: "The test is scored with an irregularity note; it counts as "
    "participated and as not proficient in aggregates.",
}
EXCEPTION_EFFECT = (
    "Nothing changes on the test: a CAASPP PT has no pause rule (A-GPE-1). The decision tells "
    "the coordinator to open a new test session."
)


class QueueFilterForm(forms.Form):
    """The queue's filters, sent by GET so a filtered queue is a link."""

    type = forms.ChoiceField(
        label="Appeal type",
        required=False,
        choices=[
            ("", "Any appeal type"),
            *((kind.value, kind.label) for kind in AppealType),
            (MANUAL, "CDE chooses"),
        ],
    )
    test = forms.ChoiceField(required=False, choices=[("", "Any test"), *TestChoice.choices])
    lea = forms.CharField(
        label="LEA",
        required=False,
        max_length=100,
        help_text="A CDS code (or its beginning) or the beginning of the LEA's name.",
    )
    school = forms.CharField(
        required=False,
        max_length=100,
        help_text="A CDS code (or its beginning) or the beginning of the school's name.",
    )
    ssid = ssid_field()
    case = case_number_field()

    def clean_ssid(self) -> str:
        return ssid_filter(self.cleaned_data["ssid"])

    def clean_case(self) -> str:
        return case_number_filter(self.cleaned_data["case"])

    def _organization(self, name: str, kind: str, noun: str) -> str:
        text = self.cleaned_data[name].strip()
        if text and not organizations_matching(kind, text).exists():
            raise ValidationError(
                f"No {noun} has a CDS code or a name starting with “{text}”. Check the spelling, "
                "or type fewer characters."
            )
        return text

    def clean_lea(self) -> str:
        return self._organization("lea", OrganizationKind.LEA, "LEA")

    def clean_school(self) -> str:
        return self._organization("school", OrganizationKind.SCHOOL, "school")

    def filters(self) -> QueueFilters:
        if not self.is_bound or not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            appeal_type=data["type"],
            test=data["test"],
            lea=data["lea"],
            school=data["school"],
            ssid=data["ssid"],
            case=data["case"],
        )


class ApproveForm(forms.Form):
    """Approve one appeal: among the choices of `review.approval_choices` (a radio each, with
    what it does), and an optional reason."""

    choice = forms.ChoiceField(
        label="How to approve",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to approve it."},
    )
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The coordinator reads it in the decision email and on the case page.",
    )

    def __init__(self, *args: Any, choices: tuple[Choice, ...], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["choice"]
        field.choices = [(choice.code, choice.label) for choice in choices]
        # The page renders the radios itself, each with what it does to the test.
        self.options = [
            {
                "code": choice.code,
                "label": choice.label,
                "effect": EXCEPTION_EFFECT if choice.exception else EFFECTS[choice.appeal_type],
            }
            for choice in choices
        ]
        if len(choices) == 1:
            field.initial = choices[0].code


class PreapproveForm(forms.Form):
    """A-1: approve a Grace Period Extension or a Restore for filing."""

    reason = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "preapprove_%s")
        super().__init__(*args, **kwargs)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the rejection",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required: the coordinator reads it in the decision email and on the case page.",
        error_messages={"required": "Give the reason for the rejection; the coordinator reads it."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reject_%s")
        super().__init__(*args, **kwargs)


class BulkForm(forms.Form):
    """Approve or reject the appeals ticked in a queue, with one mandatory reason."""

    appeal = forms.TypedMultipleChoiceField(
        label="Appeals",
        coerce=int,
        error_messages={
            "required": "Tick at least one appeal in the list.",
            "invalid_choice": "Tick appeals in the list only.",
        },
    )
    action = forms.ChoiceField(
        label="Decision",
        choices=[
            ("approve", "Approve the ticked appeals"),
            ("reject", "Reject the ticked appeals"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or reject."},
    )
    reason = forms.CharField(
        label="Reason for every ticked appeal",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give one reason for the ticked appeals."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the view keeps those in the user's scope.
        if self.is_bound:
            ids = self.data.getlist("appeal") if hasattr(self.data, "getlist") else []
            self.fields["appeal"].choices = [(value, value) for value in ids]
