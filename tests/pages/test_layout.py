"""The identity header, the environment ribbon and the footer that every page shares."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"


def test_every_page_names_the_program_and_its_owner(client, colleague):
    for page in (client.get(SIGN_IN),):
        body = page.content.decode()
        assert "Security and Test Administration Incident Reporting System" in body
        assert "California Department of Education" in body
    client.force_login(colleague)
    body = client.get(reverse("home")).content.decode()
    assert "Security and Test Administration Incident Reporting System" in body
    assert 'aria-label="Main"' in body


def test_no_environment_ribbon_in_production(client, settings):
    settings.STAIRS_ENVIRONMENT = ""
    body = client.get(SIGN_IN).content.decode()
    assert "env-ribbon" not in body
    assert "not the live STAIRS" not in body


def test_a_demo_site_says_so_on_every_page(client, settings, colleague):
    settings.STAIRS_ENVIRONMENT = "demo"
    body = client.get(SIGN_IN).content.decode()
    assert 'data-environment="demo"' in body
    assert "Demo site." in body and "not the live STAIRS" in body
    assert "<title>Sign in · STAIRS (demo)</title>" in body
    client.force_login(colleague)
    assert "not the live STAIRS" in client.get(reverse("home")).content.decode()


def test_footer_shows_the_sender_address_to_allow(client, settings):
    # rule N-4: one sender address, which users are told to allow.
    settings.DEFAULT_FROM_EMAIL = "STAIRS Notices <notices@stairs.cde.example.gov>"
    body = client.get(SIGN_IN).content.decode()
    assert '<strong class="sender-address">notices@stairs.cde.example.gov</strong>' in body
    assert "safe senders" in body


def test_footer_says_where_to_get_help(client):
    body = client.get(SIGN_IN).content.decode()
    assert "Need help?" in body
    assert "mailto:caltac@ets.org" in body
    assert "within 24 hours" in body
