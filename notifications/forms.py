from django import forms

IMMEDIATE = "immediate"
DAILY = "daily"


class EmailSettingsForm(forms.Form):
    """How a person gets the emails about notes and appeal decisions (issue 10, item 1)."""

    delivery = forms.ChoiceField(
        label="Emails about notes and appeal decisions",
        choices=[
            (IMMEDIATE, "An email for each, as it happens"),
            (DAILY, "One email a day, at 6:30 a.m. Pacific, with all of them"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you want these emails."},
        help_text="Emails about a case you submitted, overdue appeals, drafts before the "
        "window closes, and your account always come as they happen.",
    )
