"""Admin: the assessment catalog and testing windows are edited here (reference data). Students
and test events are shown read-mostly: a test event's status moves only through
students/effects.py, which writes its timeline."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from students.models import (
    Assessment,
    AssessmentPart,
    IrregularityNotation,
    Student,
    TestEvent,
    TestEventChange,
    TestingWindow,
)


class AssessmentPartInline(admin.TabularInline):
    model = AssessmentPart
    extra = 0
    fields = ["code", "pause_rule", "expiry_days", "online_dei_grades", "sort_order"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "program", "offered_online", "offered_on_paper", "sort_order"]
    list_filter = ["program"]
    inlines = [AssessmentPartInline]


@admin.register(TestingWindow)
class TestingWindowAdmin(admin.ModelAdmin):
    list_display = ["lea", "program", "start_date", "end_date"]
    list_filter = ["program", "lea"]
    date_hierarchy = "start_date"


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["ssid", "last_name", "first_name", "grade", "school"]
    list_select_related = ["school"]
    # SSID only: the admin search must not become a name lookup across every LEA.
    search_fields = ["=ssid"]
    list_filter = ["grade", "english_learner_status"]
    raw_id_fields = ["school"]


class TestEventChangeInline(admin.TabularInline):
    model = TestEventChange
    extra = 0
    can_delete = False
    fields = ["at", "kind", "from_status", "to_status", "actor", "detail", "reason", "reference"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class IrregularityNotationInline(admin.TabularInline):
    model = IrregularityNotation
    extra = 0
    can_delete = False
    fields = ["recorded_at", "text", "reference", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(TestEvent)
class TestEventAdmin(admin.ModelAdmin):
    list_display = ["student", "part", "school_year", "delivery", "status", "expires_at"]
    list_select_related = ["student", "part__assessment"]
    list_filter = ["status", "school_year", "delivery", "part__assessment"]
    search_fields = ["=student__ssid"]
    raw_id_fields = ["student"]
    inlines = [IrregularityNotationInline, TestEventChangeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    # View only: a test event changes through the roster import or an appeal's effect, each of
    # which writes the timeline; an admin edit would not.
    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
