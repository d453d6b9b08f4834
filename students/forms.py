from __future__ import annotations

import re

from django import forms


class StudentSearchForm(forms.Form):
    q = forms.CharField(
        label="SSID or student name",
        max_length=100,
        required=False,
        help_text="A full 10-digit SSID, or the start of a first, middle or last name.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: object, ssid_only: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # A name in a GET would sit in the address bar, the history and the access logs (B4).
        self.ssid_only = ssid_only

    def clean_q(self) -> str:
        q = self.cleaned_data["q"].strip()
        compact = re.sub(r"[\s-]", "", q)
        if compact.isdigit():
            if len(compact) != 10:
                raise forms.ValidationError("An SSID is exactly 10 digits.")
            return compact
        if q and self.ssid_only:
            raise forms.ValidationError(
                "Type the name in the search box and press Search: names are never searched "
                "from a web address."
            )
        if q and len(q) < 2:
            raise forms.ValidationError("Type at least two letters of a name.")
        return q
