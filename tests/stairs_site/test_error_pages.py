"""The product's own error pages: plain language, the layout, a way home."""

import pytest
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import path, reverse


def _fails(request: HttpRequest):
    raise RuntimeError("a defect")


# This module is also the URLconf of the server-error test.
urlpatterns = [path("fails/", _fails)]


@pytest.mark.django_db
def test_unknown_address_gets_the_products_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert 'href="/"' in response.content.decode()  # a way home


@pytest.mark.django_db
def test_refused_form_gets_the_products_csrf_page_with_the_layout(tree):
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "a@example.org", "password": "x"}
    )
    assert response.status_code == 403
    names = [template.name for template in response.templates]
    assert "403_csrf.html" in names and "base.html" in names
    page = response.content.decode()
    # Rendered with the request: the layout's scripts carry this response's CSP nonce.
    nonce = response["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in page
    assert 'href="/"' in page
    assert "CSRF" not in page  # plain language, no jargon


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_gets_the_products_500_page():
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert "500.html" in [template.name for template in response.templates]
