"""The shared partials of templates/includes/ and the error summary."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.template.loader import render_to_string

from accounts.forms import SecurityFormsForm
from students.models import TestStatus
from students.templatetags.test_event_tags import status_tone


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_step_indicator_marks_done_current_and_next_steps():
    html = render_to_string(
        "includes/steps.html",
        {"steps": ["School and test", "Issue", "Students", "Confirm"], "current": 3},
    )
    items = re.findall(r"<li class=\"([^\"]+)\"([^>]*)>(.*?)</li>", html)
    assert [cls for cls, _, _ in items] == ["is-done", "is-done", "is-current", "is-todo"]
    # Never colour alone: done steps say so in words, the current one is aria-current.
    assert "(done)" in items[0][2] and "(done)" not in items[2][2]
    assert 'aria-current="step"' in items[2][1]
    assert "Step 3 of 4" in html


def test_summary_list_rows_with_and_without_change_links():
    html = render_to_string(
        "includes/summary_list.html",
        {
            "rows": [
                {"label": "Email", "value": "pat@example.org"},
                {"label": "Phone", "value": "", "change_url": "/edit/"},
            ]
        },
    )
    assert html.count('class="summary-list-row"') == 2
    assert "<dd>pat@example.org</dd>" in html
    assert "Not given" in html
    # The change link names its row for a screen reader: "Change phone".
    assert _text(re.search(r'<a href="/edit/">.*?</a>', html).group(0)) == "Change phone"
    assert html.count('href="/edit/"') == 1


@pytest.mark.parametrize("status", list(TestStatus))
def test_every_test_status_has_a_tag_with_its_words(status):
    tone = status_tone(status)
    assert tone in {"neutral", "info", "success", "warning", "danger"}
    html = render_to_string("includes/status_tag.html", {"label": status.label, "tone": tone})
    assert f'class="status-tag status-tag--{tone}"' in html
    assert _text(html) == status.label


def test_status_tones_tell_statuses_apart():
    assert status_tone(TestStatus.INVALIDATED) == "danger"
    assert status_tone(TestStatus.SUBMITTED) == "success"
    assert status_tone(TestStatus.PAUSED) == "warning"
    assert status_tone("SOMETHING_NEW") == "neutral"


def test_empty_state_says_what_to_do_and_offers_the_action():
    html = render_to_string(
        "includes/empty_state.html",
        {
            "title": "No accounts yet",
            "message": "Add the coordinators of your schools.",
            "action_url": "/accounts/users/new/",
            "action_label": "Add a user",
            "heading": "h3",
        },
    )
    assert "<h3>No accounts yet</h3>" in html
    assert 'href="/accounts/users/new/"' in html and "Add a user" in html


def test_table_wrapper_is_a_labelled_focusable_region_around_the_partial():
    html = render_to_string(
        "includes/table_scroll.html",
        {"table": "accounts/user_list.html#users_table", "label": "Accounts", "page": []},
    )
    wrapper = r'<div class="table-scroll" role="region" aria-label="Accounts" tabindex="0">'
    assert re.search(wrapper + r"\s*<table", html)


def test_error_summary_uses_a_clean_label():
    # "Agreement.: Check this box" was what a new coordinator read.
    form = SecurityFormsForm(data={"signature": ""}, user=None)
    assert not form.is_valid()
    html = render_to_string("includes/form_errors.html", {"form": form})
    text = _text(html)
    assert ".:" not in text
    assert (
        "I have read and agree to the Test Security Agreement: "
        "Check this box to sign the Test Security Agreement." in text
    )
    assert 'href="#id_agree_agreement"' in html


def test_form_fields_leave_non_field_errors_to_the_summary():
    form = SecurityFormsForm(data={}, user=None)
    form.is_valid()
    form.add_error(None, "A problem with the whole form.")
    fields = render_to_string("includes/form_fields.html", {"form": form})
    summary = render_to_string("includes/form_errors.html", {"form": form})
    assert "A problem with the whole form." not in fields
    assert "A problem with the whole form." in summary
    # Field errors still sit next to their field.
    assert "Check this box to sign the Test Security Affidavit." in fields


def test_confirm_page_template_asks_with_a_post_button_and_a_cancel_link(rf):
    request = rf.get("/x/")
    request.user = AnonymousUser()
    html = Template('{% include "confirm.html" %}').render(
        Context(
            {
                "request": request,
                "user": request.user,
                "title": "Remove this?",
                "consequences": ["It goes away."],
                "action_url": "/x/",
                "button_label": "Remove it",
                "cancel_url": "/back/",
            }
        )
    )
    assert '<h1 class="h3">Remove this?</h1>' in html
    assert re.search(r'<form method="post" action="/x/"', html)
    assert 'href="/back/"' in html
    assert "<li>It goes away.</li>" in html
