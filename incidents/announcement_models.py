"""Announcements of "MyTOMS at a Glance" (issue 10, item 3; N-5): posted by CDE administrators
in the admin, shown on the dashboard of their audience between two Pacific dates. Imported by
incidents/models.py, so Django sees it as the app's model."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Audience(models.TextChoices):
    EVERYONE = "EVERYONE", "Everyone"
    LEA_COORDINATORS = "LEA_COORDINATORS", "LEA coordinators"
    SITE_COORDINATORS = "SITE_COORDINATORS", "Site coordinators"
    REVIEWERS = "REVIEWERS", "Reviewers (CDE and CalTAC)"


class Announcement(models.Model):
    """A notice in plain text, in effect from ``starts_on`` through ``ends_on`` (both dates in
    California, inclusive)."""

    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text; line breaks are kept.")
    starts_on = models.DateField("first day shown")
    ends_on = models.DateField("last day shown")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="announcement_audience_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="announcement_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["ends_on", "starts_on"], name="announcement_dates_idx")]

    def __str__(self) -> str:
        return self.title
