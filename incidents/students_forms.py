"""The wizard's Students step (F-1 step 4, F-3): the number of students and their SSIDs, typed
(up to 10) or uploaded in a file (CSV or XLSX, up to 500).

The form only reads and checks what was sent; the view saves through `case_set_students`, which
resolves each SSID in the user's scope (F-10). A file with any problem is refused whole and each
problem listed with its row number (`incidents/ssid_files.py`), so nothing is saved until the
file is clean.
"""

from __future__ import annotations

import re
from typing import Any, Final

from django import forms

from incidents.services import MAX_SSIDS, MAX_TYPED_SSIDS
from incidents.ssid_files import SSID_DIGITS, Problem, read_ssid_file
from stairs.vocabulary import SsidInputType

_SEPARATORS: Final = re.compile(r"[\s,;]+")
_LETTER: Final = re.compile(r"[^\W\d_]")
UPLOAD_NEEDED: Final = (
    f"With {MAX_TYPED_SSIDS + 1} or more students, upload the SSIDs in a file "
    "(download the template below the file field)."
)


def typed_ssids(text: str) -> tuple[list[str], list[str]]:
    """The distinct SSIDs in a typed list (one per line, or separated by commas, semicolons or
    spaces), in order, and a message for each entry that is not one. An entry with letters is
    never quoted back: it may be a name."""
    ssids: list[str] = []
    problems: list[str] = []
    entries = [entry for entry in _SEPARATORS.split(text.strip()) if entry]
    for number, entry in enumerate(entries, start=1):
        if entry.isdigit() and len(entry) == SSID_DIGITS:
            if entry not in ssids:
                ssids.append(entry)
        elif _LETTER.search(entry):
            problems.append(
                f"Entry {number} has letters. Type SSIDs only ({SSID_DIGITS} digits), never names."
            )
        elif entry.isdigit() and len(entry) <= 2 * SSID_DIGITS:
            problems.append(
                f"Entry {number}: {entry} is not an SSID: an SSID is {SSID_DIGITS} digits."
            )
        else:
            problems.append(f"Entry {number} is not an SSID: an SSID is {SSID_DIGITS} digits.")
    return ssids, problems


def _students(count: int) -> str:
    return f"{count} student{'s' if count != 1 else ''}"


def _ssids(count: int) -> str:
    return f"{count} SSID{'s' if count != 1 else ''}"


class StudentsForm(forms.Form):
    """``action`` is the button pressed: "save" (Save draft) accepts a step half done; "next"
    and "check" need the number of students and the SSIDs. ``saved_ssids`` and ``saved_type``
    are the draft's: an uploaded list stays when no new file or typed SSIDs are sent."""

    student_count = forms.IntegerField(
        label="Number of students",
        min_value=1,
        max_value=MAX_SSIDS,
        required=False,
        help_text=f"How many students the incident involved (1 to {MAX_SSIDS}).",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-narrow"}),
        error_messages={
            "min_value": "The number of students is at least 1.",
            "max_value": f"One case holds at most {MAX_SSIDS} students. File several cases.",
            "invalid": "Give the number of students as a whole number.",
        },
    )
    ssids = forms.CharField(
        label="SSIDs",
        required=False,
        max_length=2000,
        help_text=(
            f"Up to {MAX_TYPED_SSIDS} SSIDs, one per line or separated by commas or spaces. "
            "SSIDs only: never students' names."
        ),
        widget=forms.Textarea(
            attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false", "inputmode": "numeric"}
        ),
        error_messages={"max_length": f"Type at most {MAX_TYPED_SSIDS} SSIDs, or upload a file."},
    )
    ssid_file = forms.FileField(
        label="Or upload a file of SSIDs",
        required=False,
        allow_empty_file=True,  # read_ssid_file says "is empty" in its own words
        help_text=(
            f"Required for {MAX_TYPED_SSIDS + 1} or more students. A CSV or Excel (.xlsx) file "
            f"with one column headed “ssid”, at most {MAX_SSIDS} SSIDs and nothing else."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
        error_messages={"invalid": "The file could not be read. Upload it again."},
    )

    def __init__(
        self,
        *args: Any,
        action: str = "next",
        saved_ssids: list[str] | None = None,
        saved_type: str = "",
        eligibility_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if eligibility_url:
            # With JavaScript, the eligibility table follows the typing (it saves nothing); the
            # file is never sent along.
            self.fields["ssids"].widget.attrs.update(
                {
                    "hx-post": eligibility_url,
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#eligibility",
                    "hx-params": "ssids,csrfmiddlewaretoken",
                    "aria-controls": "eligibility",
                }
            )
        self.action = action
        self.saved_ssids = list(saved_ssids or [])
        self.saved_type = saved_type
        self.file_problems: list[Problem] = []  # every bad row, listed under the file field
        self.file_rows: dict[str, int] = {}  # SSID -> its row in the uploaded file
        self.notes: list[str] = []

    @property
    def keeps_upload(self) -> bool:
        """The draft's SSIDs came from a file: they stay unless replaced."""
        return bool(self.saved_ssids) and self.saved_type == SsidInputType.UPLOAD

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors.get("ssids"):
            return data
        complete = self.action != "save"
        # A bad number is reported by its field; the file is still read, so that every
        # problem shows at once (a browser does not keep the chosen file when the page returns).
        count_given = "student_count" not in self.errors
        count = data.get("student_count")
        typed = data.get("ssids", "").strip()
        upload = data.get("ssid_file")
        if count is None and complete and count_given:
            self.add_error("student_count", "Give the number of students.")
        if upload and typed:
            self.add_error(
                "ssid_file",
                "Type the SSIDs or upload a file, not both. Empty the SSIDs box to use the file.",
            )
            return data
        if upload:
            found = self._read_file(upload)
            if found is None:
                return data
            ssids, input_type, source = found, SsidInputType.UPLOAD, "the file has"
        elif typed:
            ssids, problems = typed_ssids(typed)
            if problems:
                for problem in problems:
                    self.add_error("ssids", problem)
                return data
            if len(ssids) > MAX_TYPED_SSIDS:
                self.add_error(
                    "ssids",
                    f"You typed {len(ssids)} SSIDs; up to {MAX_TYPED_SSIDS} may be typed. "
                    + UPLOAD_NEEDED,
                )
                return data
            ssids, input_type, source = ssids, SsidInputType.TYPED, "you typed"
        elif self.keeps_upload:
            ssids, input_type, source = (
                self.saved_ssids,
                SsidInputType.UPLOAD,
                "the uploaded file has",
            )
        else:
            ssids, input_type, source = [], SsidInputType.TYPED, "you typed"
            if complete and count is not None:
                if count > MAX_TYPED_SSIDS:
                    self.add_error("ssid_file", UPLOAD_NEEDED)
                else:
                    self.add_error("ssids", "Type the students' SSIDs, or upload a file.")
                return data
        if count is not None and count > MAX_TYPED_SSIDS and input_type == SsidInputType.TYPED:
            # F-3: 11 or more students are uploaded, never typed.
            self.add_error("ssids", UPLOAD_NEEDED)
            return data
        if count is not None and ssids and count != len(ssids):
            self.add_error(
                "student_count",
                f"You said {_students(count)} and {source} {_ssids(len(ssids))}. Correct the "
                "number or the SSIDs.",
            )
            return data
        data["ssid_list"] = ssids
        data["input_type"] = input_type
        # Only a changed list is saved again; "check" re-decides the same list on purpose.
        data["ssids_changed"] = (
            ssids != self.saved_ssids
            or (bool(ssids) and input_type != self.saved_type)
            or self.action == "check"
        )
        return data

    def _read_file(self, upload: Any) -> list[str] | None:
        listing = read_ssid_file(upload)
        self.notes = listing.notes
        self.file_rows = listing.rows
        if listing.is_clean:
            return listing.ssids
        self.file_problems = listing.problems
        if len(listing.problems) == 1:
            self.add_error("ssid_file", f"{listing.problems[0].message} Nothing was saved.")
        else:
            self.add_error(
                "ssid_file",
                f"{listing.filename} has {len(listing.problems)} problems, listed below the "
                "file field. Nothing was saved: correct the file and upload it again.",
            )
        return None
