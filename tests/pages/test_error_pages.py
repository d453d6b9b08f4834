"""The product's own 403, 404, CSRF-failure and 500 pages: plain words and a way back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_products_404(client, colleague):
    client.force_login(colleague)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<h1 class="h3">Not found</h1>' in body
    assert f'href="{reverse("home")}"' in body
    assert "Security and Test Administration Incident Reporting System" in body  # base layout
    assert "URLconf" not in body  # not Django's debug page


def test_a_refused_page_gets_the_products_403(client, colleague):
    client.force_login(colleague)
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You can't do that here" in body
    assert "Only LEA coordinators and CDE administrators manage accounts." in body
    assert f'href="{reverse("home")}"' in body


def test_a_form_without_its_csrf_token_gets_the_products_page(tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"username": "x@example.org", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "That form has expired" in body
    assert "Nothing was saved." in body
    assert f'href="{reverse("accounts:login")}"' in body
    assert "CSRF verification failed" not in body  # not Django's page


def test_the_500_page_renders_with_no_request_and_no_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert 'href="/"' in body
    assert "California Department of Education" in body


def test_the_500_page_uses_only_stylesheets_that_exist():
    source = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text()
    # Nothing that could fail while the site is failing: the comment is the only tag.
    assert re.findall(r"{%\s*(\w+)", source) == ["comment", "endcomment"]
    for href in re.findall(r'href="/static/([^"]+)"', source):
        assert finders.find(href), href
    assert settings.STATIC_URL.strip("/") == "static"
