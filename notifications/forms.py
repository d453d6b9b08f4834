from django import forms

IMMEDIATE = "immediate"
DAILY = "daily"


class FirstOptionRadioSelect(forms.RadioSelect):
    """Radio buttons whose field id is the first button's: the error summary's link
    (includes/form_errors.html links to ``id_for_label``) then moves to the choice, where
    Django's RadioSelect gives no id and the link went to "#"."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class EmailSettingsForm(forms.Form):
    """How a person gets the emails about notes and appeal decisions (issue 10, item 1)."""

    delivery = forms.ChoiceField(
        label="Emails about notes and appeal decisions",
        choices=[
            (IMMEDIATE, "An email for each, as it happens"),
            (DAILY, "One email a day, at 6:30 a.m. Pacific, with all of them"),
        ],
        widget=FirstOptionRadioSelect,
        error_messages={"required": "Choose how you want these emails."},
        help_text="Emails about a case you submitted, overdue appeals, drafts before the "
        "window closes, and your account always come as they happen.",
    )
