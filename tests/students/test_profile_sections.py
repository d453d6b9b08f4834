"""students/profile_sections.py: the sections upper apps add to a profile tab, without students
importing them (the layers of import-linter)."""

from __future__ import annotations

import pytest

from students import profile_sections
from students.profile_sections import ProfileSection


@pytest.fixture
def registry(monkeypatch) -> dict:
    empty: dict = {}
    monkeypatch.setattr(profile_sections, "_providers", empty)
    return empty


def test_a_tab_shows_its_sections_in_registration_order_and_skips_none(registry):
    def first(user, student):
        return ProfileSection("first.html", {"who": user, "ssid": student})

    def nothing(user, student):
        return None

    def last(user, student):
        return ProfileSection("last.html")

    for name, provider in (("a.first", first), ("b.nothing", nothing), ("c.last", last)):
        profile_sections.register_section("score_status", name, provider)
    sections = profile_sections.sections_for("score_status", "viewer", "5000000001")
    assert [s.template for s in sections] == ["first.html", "last.html"]
    assert sections[0].context == {"who": "viewer", "ssid": "5000000001"}
    # Another tab has none of them.
    assert profile_sections.sections_for("tests", "viewer", "5000000001") == []


def test_a_name_is_taken_once(registry):
    def provider(user, student):
        return None

    profile_sections.register_section("score_status", "x", provider)
    profile_sections.register_section("score_status", "x", provider)  # a second ready()
    with pytest.raises(ValueError, match="already registered"):
        profile_sections.register_section("score_status", "x", lambda user, student: None)


def test_incidents_registers_the_recent_appeals():
    # IncidentsConfig.ready: Score Status shows the recent STAIRS appeals (issue 9, item 9).
    assert "incidents.recent_appeals" in profile_sections._providers["score_status"]
