"""Sections that apps above students add to a tab of the student profile.

The Score Status tab shows the student's recent STAIRS appeals (issue 9, item 9), but students
sits below incidents and appeals and never imports them. So an upper app registers a provider
here, in its ``AppConfig.ready``, as notifications/renderers.py does for emails: students knows
sections by name and template, never the apps that fill them.

A provider takes the viewer and the student and returns the section to show, or None to show
nothing; it must read in a fixed number of queries, since the tab's query count is tested.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from students.models import Student


@dataclass(frozen=True)
class ProfileSection:
    """One section of a tab: its template and that template's context (as ``section``)."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[[User, Student], ProfileSection | None]

# tab -> name -> provider; a tab shows its sections in the order they were registered.
_providers: dict[str, dict[str, Provider]] = {}


def register_section(tab: str, name: str, provider: Provider) -> None:
    """Add ``provider``'s section to ``tab`` (e.g. "score_status"). Registering the same
    provider twice (a second ``ready``) is harmless; another under the same name is a mistake."""
    existing = _providers.setdefault(tab, {}).get(name)
    if existing is not None and existing is not provider:
        raise ValueError(f"A profile section {name!r} is already registered for {tab!r}.")
    _providers[tab][name] = provider


def sections_for(tab: str, user: User, student: Student) -> list[ProfileSection]:
    """The sections ``tab`` shows ``user`` for ``student``, in registration order."""
    sections = (provider(user, student) for provider in _providers.get(tab, {}).values())
    return [section for section in sections if section is not None]
