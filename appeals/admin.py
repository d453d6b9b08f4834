"""Admin for the appeals' reference data: CDE's extra closure days (T-2), an edit here, not a
release (architecture.md, "Reference data is data"). Only CDE administrators reach the admin
(accounts/admin_site.py)."""

from __future__ import annotations

from django.contrib import admin

from appeals.models import ClosureDay


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["date", "reason"]
    search_fields = ["reason"]
    date_hierarchy = "date"
    ordering = ["-date"]
