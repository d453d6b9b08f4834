"""Admin for the incident catalog and the appeal limits: next year's list and numbers are an
edit here, not a release (architecture.md, "Reference data is data")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from incidents.models import (
    Announcement,
    AnswerChoice,
    AnswerType,
    AppealLimit,
    FollowUpQuestion,
    IncidentType,
)
from stairs.vocabulary import AssessmentCode, Delivery, PartCode, Program


def _checkboxes(choices: list[tuple[str, str]], help_text: str, required: bool = False):
    return forms.MultipleChoiceField(
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
        help_text=help_text,
    )


class IncidentTypeForm(forms.ModelForm):
    # The JSON lists edited as checkboxes of the known codes, never as raw JSON.
    programs = _checkboxes(
        [(p.value, p.label) for p in Program], "CAASPP, ELPAC or both.", required=True
    )
    tests = _checkboxes(
        [(t.value, t.label) for t in AssessmentCode], "Leave empty for every test of the programs."
    )
    parts = _checkboxes(
        [(p.value, p.label) for p in PartCode], "Leave empty for any part or domain."
    )
    deliveries = _checkboxes([(d.value, d.label) for d in Delivery], "Leave empty for both.")

    class Meta:
        model = IncidentType
        fields = [
            "code",
            "label",
            "description",
            "severity",
            "not_stairs_incident",
            "programs",
            "tests",
            "parts",
            "deliveries",
            "active",
            "sort_order",
        ]


class FollowUpQuestionInline(admin.TabularInline):
    model = FollowUpQuestion
    fields = ["key", "text", "answer_type", "sort_order"]
    extra = 0
    show_change_link = True  # its answer choices are edited on the question's page


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    form = IncidentTypeForm
    list_display = ["code", "label", "severity", "not_stairs_incident", "active", "sort_order"]
    list_filter = ["severity", "not_stairs_incident", "active"]
    search_fields = ["code", "label"]
    ordering = ["sort_order", "code"]
    inlines = [FollowUpQuestionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Codes are stable identifiers (rules, exports, stairs_rules): set once, never renamed.
        return ["code"] if obj is not None else []


class AnswerChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("code")
        ]
        # The rules read a CHOICE answer as one of these codes and a YES_NO answer as true/false.
        if self.instance.answer_type == AnswerType.CHOICE and not kept:
            raise ValidationError("A question answered from a list needs at least one choice.")
        if self.instance.answer_type == AnswerType.YES_NO and kept:
            raise ValidationError("A yes-or-no question has no choices; remove them.")


class AnswerChoiceInline(admin.TabularInline):
    model = AnswerChoice
    formset = AnswerChoiceFormSet
    fields = ["code", "label", "sort_order"]
    extra = 0


@admin.register(FollowUpQuestion)
class FollowUpQuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "text", "answer_type"]
    list_filter = ["answer_type", "incident_type"]
    list_select_related = ["incident_type"]
    search_fields = ["key", "text", "incident_type__code"]
    inlines = [AnswerChoiceInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The key is what the rules and stairs_rules read; renaming it would silently detach it.
        return ["incident_type", "key"] if obj is not None else []


@admin.register(AppealLimit)
class AppealLimitAdmin(admin.ModelAdmin):
    list_display = ["rule", "test", "part", "value", "note"]
    list_editable = ["value"]
    list_filter = ["rule", "test"]
    ordering = ["rule", "test", "part"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """CDE administrators post the dashboard's announcements here (N-5); the admin site lets in
    no one else (accounts/admin_site.py)."""

    list_display = ["title", "audience", "starts_on", "ends_on", "created_by"]
    list_filter = ["audience"]
    search_fields = ["title", "body"]
    date_hierarchy = "starts_on"

    def save_model(self, request: HttpRequest, obj: Announcement, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
