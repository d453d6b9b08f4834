"""The filing wizard's forms (F-1), one per step except the Students step.

Each form validates its step the way `case_submit` will re-check it and hands the fields to
`case_update_draft` (`draft_fields`). Everything works without JavaScript: the test and its part
or domain are one select grouped by program, and a follow-up question asked only after a given
answer is always shown, marked "answer only if ...", and ignored unless that answer was given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from accounts.models import Organization, User
from appeals.rules.catalog import FollowUpQuestion as QuestionFacts
from incidents import filing
from incidents.case_forms import SCHOOL_SELECT_MAX
from incidents.case_models import Case, CaseStudent
from incidents.models import IncidentType, Severity
from incidents.pii import find_personal_information
from incidents.queries import rules_catalog
from stairs.vocabulary import Delivery, PartCode, Program
from students import dates
from students.models import Assessment, TestingWindow
from students.queries import window_is_open

GRADE_CHOICES: Final = [("", "Choose the grade")] + [
    (str(grade), "Kindergarten" if grade == 0 else f"Grade {grade}") for grade in range(13)
]
YES_NO: Final = [("yes", "Yes"), ("no", "No")]

# F-9, in the coordinator's words: what happens instead of a case.
PARENT_EXEMPTION_MESSAGE: Final = (
    "A parent or guardian exemption received after testing began is not a STAIRS incident, so "
    "no case is filed. Tests the student already completed are scored and cannot be invalidated "
    "or removed. For the tests the student has not started, record the exemption in the "
    "student's test settings in TOMS and keep the parent's written request with your records."
)

# The radio list's groups (F-1 step 2), most severe first, each with its plain meaning (S-1..S-3).
SEVERITY_GROUPS: Final = (
    (Severity.BREACH, "Breach", "A threat to the validity of the test. Phone CDE first."),
    (
        Severity.IRREGULARITY,
        "Irregularity",
        "May affect the student's performance or the test's validity; contained locally.",
    ),
    (Severity.IMPROPRIETY, "Impropriety", "Low impact and low risk; corrected locally."),
    (Severity.NONE, "Not a STAIRS incident", "Choosing this files nothing; it says what to do."),
)


def _grades_text(grades: Iterable[int]) -> str:
    """E.g. "grades 3-8 and 11", "kindergarten to grade 12"."""
    values = sorted(grades)
    runs: list[list[int]] = []
    for grade in values:
        if runs and grade == runs[-1][-1] + 1:
            runs[-1].append(grade)
        else:
            runs.append([grade])

    def name(grade: int) -> str:
        return "K" if grade == 0 else str(grade)

    parts = [name(r[0]) if len(r) == 1 else f"{name(r[0])}-{name(r[-1])}" for r in runs]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"grade{'s' if len(values) > 1 else ''} {joined}"


@dataclass(frozen=True)
class TestOption:
    """One "test - part" entry of step 1's select."""

    value: str
    test: str
    part: str
    assessment: Assessment

    @property
    def label(self) -> str:
        if not self.part:
            return self.assessment.label
        return f"{self.assessment.label}: {PartCode(self.part).label}"


def test_options(programs: Iterable[str]) -> dict[str, TestOption]:
    """Every test and part of ``programs`` (F-7: CAASPP roles CAASPP tests, ELPAC roles ELPAC
    tests), in the catalog's order, by the select's value (two queries)."""
    assessments = (
        Assessment.objects.filter(program__in=list(programs))
        .prefetch_related("parts")
        .order_by("sort_order", "code")
    )
    options: dict[str, TestOption] = {}
    for assessment in assessments:
        for part in sorted(assessment.parts.all(), key=lambda p: (p.sort_order, p.pk)):
            value = f"{assessment.code}:{part.code}" if part.code else assessment.code
            options[value] = TestOption(value, assessment.code, part.code, assessment)
    return options


def _window_refusal(
    school: Organization, program: str, on: date, *, on_behalf: bool = False
) -> str | None:
    """F-8, C-4: the incident date must fall inside the LEA's testing window for the program.
    CalTAC, filing for an LEA (A-RESTORE-1), is told whose window it is."""
    if window_is_open(lea=school.parent_id, program=program, on=on):
        return None
    lea, leas = (
        (school.parent.name, f"{school.parent.name}'s") if on_behalf else ("Your LEA", "your LEA's")
    )
    windows = TestingWindow.objects.filter(lea_id=school.parent_id, program=program).order_by(
        "start_date"
    )
    spans = [
        f"{date_format(w.start_date, 'N j, Y')} to {date_format(w.end_date, 'N j, Y')}"
        for w in windows
    ]
    if not spans:
        return f"{lea} has no {program} testing window, so no case can be filed for it yet."
    return (
        f"The incident date is outside {leas} {program} testing window "
        f"({'; '.join(spans)}). Cases are reported within the window."
    )


CDS_CODE: Final = re.compile(r"^[0-9]{14}$")


def _cds_code_field() -> forms.CharField:
    return forms.CharField(
        label="School CDS code",
        max_length=20,  # 14 digits, and the dashes or spaces some write between their parts
        help_text="The school's 14-digit County-District-School code.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Give the school's CDS code, or find the school above."},
    )


class SchoolFinderForm(forms.Form):
    """The first step's school finder, sent by GET (a search is a link): a CDS code or its
    beginning (an LEA's first 7 digits list its schools), or part of a school's or LEA's name."""

    q = forms.CharField(
        label="School or LEA name, or CDS code",
        min_length=2,
        max_length=100,
        help_text="For example “Alder”, or an LEA's first 7 CDS digits to list its schools.",
        error_messages={
            "required": "Type part of the school's or LEA's name, or a CDS code.",
            "min_length": "Type at least 2 characters.",
        },
    )


class IncidentForm(forms.Form):
    """Step 1: school, date and time, grade, test and part or domain, delivery."""

    school = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label="Choose the school",
        error_messages={
            "required": "Choose the school.",
            # F-10's spirit: a school outside the user's scope reads like one that does not exist.
            "invalid_choice": "Choose one of the schools listed.",
        },
    )
    incident_date = forms.DateField(
        label="Date of the testing incident",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Give the date of the incident.",
            "invalid": "Give the date as year-month-day, for example 2027-03-09.",
        },
    )
    incident_time = forms.TimeField(
        label="Time of the incident (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Without a time, the 24 hours for reporting end at midnight the next day.",
        error_messages={"invalid": "Give the time as hours and minutes, for example 09:30."},
    )
    grade = forms.TypedChoiceField(
        choices=GRADE_CHOICES,
        coerce=int,
        empty_value=None,
        error_messages={"required": "Choose the grade.", "invalid_choice": "Choose the grade."},
    )
    test_part = forms.ChoiceField(
        label="Test and part or domain",
        error_messages={
            "required": "Choose the test.",
            "invalid_choice": "Choose one of the tests listed.",
        },
    )
    delivery = forms.ChoiceField(
        choices=[(delivery.value, delivery.label) for delivery in Delivery],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose online or paper.", "invalid_choice": "Choose one."},
    )

    def __init__(
        self,
        actor: User,
        *args: Any,
        case: Case | None = None,
        school_code: str = "",
        **kwargs: Any,
    ) -> None:
        if case is not None:
            kwargs.setdefault("initial", self.initial_for(case))
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.schools = schools = filing.filing_schools(actor)
        # CalTAC files for any of the state's 10,000 schools, a large LEA for about 1,000: past
        # SCHOOL_SELECT_MAX the school is typed as its CDS code, found with the page's school
        # finder (no JavaScript needed), rather than picked from a select.
        listed = [] if filing.files_on_behalf(actor) else list(schools[: SCHOOL_SELECT_MAX + 1])
        self.typed_school = not listed or len(listed) > SCHOOL_SELECT_MAX
        if self.typed_school:
            self.fields["school"] = _cds_code_field()
            code = school_code or (case.school.cds_code if case and case.school else "")
            self.initial["school"] = code
            self._name_school(code)
        else:
            self.fields["school"].queryset = schools
            if len(listed) == 1 and not self.initial.get("school"):
                self.initial["school"] = listed[0].pk
        if not self.initial.get("delivery"):
            self.initial["delivery"] = Delivery.ONLINE.value  # most tests are taken online
        self.options = test_options(filing.filing_programs(actor))
        groups: dict[str, list[tuple[str, str]]] = {}
        for option in self.options.values():
            groups.setdefault(option.assessment.program, []).append((option.value, option.label))
        self.fields["test_part"].choices = [("", "Choose the test")] + [
            (Program(program).label, choices) for program, choices in groups.items()
        ]

    def _name_school(self, code: str) -> None:
        """A pre-filled CDS code (the draft's, or the one chosen in the finder) is named under
        the box, so the agent sees which school it is before going on."""
        if self.is_bound or not CDS_CODE.match(code):
            return
        school = self.schools.filter(cds_code=code).first()
        if school is not None:
            field = self.fields["school"]
            # crispy renders help text as HTML: the names are data, so they are escaped.
            named = escape(f"{school.name}, {school.parent.name}.")
            field.help_text = f"<strong>{named}</strong> {field.help_text}"

    def clean_school(self) -> Organization:
        value = self.cleaned_data["school"]
        if not self.typed_school:
            return value
        code = re.sub(r"[\s-]", "", value)
        if not CDS_CODE.match(code):
            raise ValidationError("A CDS code is 14 digits, for example 19647336012345.")
        school = self.schools.filter(cds_code=code).first()
        if school is None:
            # F-10's spirit: a school out of scope reads like one that does not exist.
            raise ValidationError(
                f"No school you file for has the CDS code {code}. Find the school by name above."
            )
        return school

    @staticmethod
    def initial_for(case: Case) -> dict[str, Any]:
        test_part = f"{case.test}:{case.part}" if case.part else case.test
        return {
            "school": case.school_id,
            "incident_date": case.incident_date,
            "incident_time": case.incident_time,
            "grade": "" if case.grade is None else str(case.grade),
            "test_part": test_part,
            "delivery": case.delivery,
        }

    def clean_incident_date(self) -> date:
        value = self.cleaned_data["incident_date"]
        if value > dates.local_date(timezone.now()):
            raise ValidationError("The incident date cannot be in the future.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        option = self.options.get(data.get("test_part") or "")
        if option is None:
            return data
        assessment = option.assessment
        data["test"], data["part"] = option.test, option.part
        delivery = data.get("delivery")
        if delivery == Delivery.PAPER and not assessment.offered_on_paper:
            self.add_error("delivery", f"The {assessment.label} is given online only.")
        elif delivery == Delivery.ONLINE and not assessment.offered_online:
            self.add_error("delivery", f"The {assessment.label} is given on paper only.")
        grade = data.get("grade")
        if grade is not None and assessment.grades and grade not in assessment.grades:
            self.add_error(
                "grade",
                f"The {assessment.label} is taken in {_grades_text(assessment.grades)}.",
            )
        school = data.get("school")
        if school is None:
            return data
        refusal = filing.filing_refusal(actor=self.actor, school=school, program=assessment.program)
        if refusal:
            self.add_error("test_part", refusal)
        elif data.get("incident_date"):
            window = _window_refusal(
                school,
                assessment.program,
                data["incident_date"],
                on_behalf=filing.files_on_behalf(self.actor),
            )
            if window:
                self.add_error("incident_date", window)
        return data

    def draft_fields(self, case: Case | None = None) -> dict[str, Any]:
        """The step's fields for the services. A chosen testing issue that no longer applies to
        the new test, part or delivery is cleared with its answers (step 2 asks again)."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("school", "incident_date", "incident_time", "grade", "test", "part")
        }
        fields["delivery"] = data["delivery"]
        incident = case.incident_type if case is not None else None
        if incident is not None:
            facts = rules_catalog().incidents.get(incident.code)
            if facts is None or not facts.applies_to(
                data["test"], data["part"] or None, data["delivery"]
            ):
                fields["incident_type"] = None
                fields["answers"] = {}
        return fields


@dataclass(frozen=True)
class IssueOption:
    id: str
    incident: IncidentType
    checked: bool


@dataclass(frozen=True)
class IssueGroup:
    label: str
    hint: str
    options: list[IssueOption]


class IssueForm(forms.Form):
    """Step 2: one testing issue of the radio list, grouped by severity (the template renders
    one fieldset per group). PARENT_EXEMPTION is refused with F-9's explanation."""

    incident_type = forms.ModelChoiceField(
        label="Testing issue",
        queryset=IncidentType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose what happened.",
            "invalid_choice": "Choose one of the testing issues listed.",
        },
    )

    def __init__(self, incidents: Iterable[IncidentType], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incidents = list(incidents)
        field = self.fields["incident_type"]
        field.queryset = IncidentType.objects.filter(pk__in=[i.pk for i in self.incidents])

    def clean_incident_type(self) -> IncidentType:
        incident = self.cleaned_data["incident_type"]
        if incident.not_stairs_incident:
            raise ValidationError(PARENT_EXEMPTION_MESSAGE, code="not_stairs_incident")  # F-9
        return incident

    def groups(self) -> list[IssueGroup]:
        chosen = str(self["incident_type"].value() or "")
        by_severity: dict[str, list[IncidentType]] = {}
        for incident in self.incidents:
            by_severity.setdefault(incident.severity, []).append(incident)
        groups, index = [], 0
        for severity, label, hint in SEVERITY_GROUPS:
            options = []
            for incident in by_severity.get(severity, []):
                # The first radio is id_incident_type_0: the error summary links to it.
                options.append(
                    IssueOption(f"id_incident_type_{index}", incident, str(incident.pk) == chosen)
                )
                index += 1
            if options:
                groups.append(IssueGroup(label, hint, options))
        return groups


def _answer_field(question: QuestionFacts, gate: QuestionFacts | None) -> forms.Field:
    if question.choices:
        choices = [(choice.code, choice.label) for choice in question.choices]
    else:
        choices = YES_NO
    help_text = ""
    if question.asked_when is not None and gate is not None:
        _key, answer = question.asked_when
        labels = {choice.code: choice.label for choice in gate.choices}
        help_text = f"Answer only if you answered “{labels.get(answer, answer)}” to “{gate.text}”."
    return forms.ChoiceField(
        label=question.text,
        choices=choices,
        widget=forms.RadioSelect,
        # A conditional question is required only when asked: see DetailsForm.clean.
        required=question.asked_when is None,
        help_text=help_text,
        error_messages={
            "required": "Answer this question.",
            "invalid_choice": "Choose one of the answers listed.",
        },
    )


class DetailsForm(forms.Form):
    """Step 3: the issue's follow-up questions (those asked given the earlier answers), the
    description (F-4) and, for a breach, the record of the call to CDE (S-3)."""

    description = forms.CharField(
        label="Description of the incident",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened, in order. No names, SSIDs, dates of birth, email addresses "
        "or phone numbers: the case identifies students by the SSIDs you enter next.",
        error_messages={"required": "Describe the incident."},
    )

    def __init__(
        self,
        questions: Iterable[QuestionFacts],
        *args: Any,
        breach: bool = False,
        student_names: Iterable[str] = (),
        case: Case | None = None,
        **kwargs: Any,
    ) -> None:
        self.questions = list(questions)
        if case is not None:
            initial = {
                "description": case.description,
                "breach_call_record": case.breach_call_record,
            }
            for question in self.questions:
                value = case.answers.get(question.key)
                if isinstance(value, bool):
                    value = "yes" if value else "no"
                if value is not None:
                    initial[f"answer_{question.key}"] = value
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.student_names = list(student_names)
        by_key = {question.key: question for question in self.questions}
        answer_fields = {
            f"answer_{q.key}": _answer_field(q, by_key.get((q.asked_when or ("", ""))[0]))
            for q in self.questions
        }
        description = self.fields.pop("description")
        self.fields.update(answer_fields)
        self.fields["description"] = description
        if breach:
            self.fields["breach_call_record"] = forms.CharField(
                label="Whom you called about the breach, and when",
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="For example: CDE test security office, Tuesday 9:40 a.m., spoke "
                "with the duty officer.",
                error_messages={"required": "Record who you called about the breach, and when."},
            )

    def clean_description(self) -> str:
        text = self.cleaned_data["description"].strip()
        findings = find_personal_information(text, student_names=self.student_names)
        if findings:
            # F-4: say what was found and where, never the text itself.
            messages = (f"Remove personal information: {finding.message}." for finding in findings)
            raise ValidationError(list(dict.fromkeys(messages)))
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        answers: dict[str, str | bool] = {}
        for question in self.questions:
            name = f"answer_{question.key}"
            if not question.is_asked(answers):
                continue  # a conditional question whose condition was not met: ignored
            value = data.get(name)
            if not value:
                if name not in self.errors:
                    self.add_error(name, "Answer this question.")
                continue
            answers[question.key] = (value == "yes") if not question.choices else value
        data["answers"] = answers
        return data

    def draft_fields(self) -> dict[str, Any]:
        fields = {
            "answers": self.cleaned_data["answers"],
            "description": self.cleaned_data["description"],
        }
        if "breach_call_record" in self.fields:
            fields["breach_call_record"] = self.cleaned_data["breach_call_record"].strip()
        return fields


class ConfirmForm(forms.Form):
    """Confirm Details has nothing to fill in: Next, Save draft and Back."""


class SelectForm(forms.Form):
    """F-1 step 6: the appealable SSIDs, checked by default the first time."""

    selected = forms.MultipleChoiceField(
        label="SSIDs to file an appeal for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only the SSIDs listed."},
    )

    def __init__(self, rows: Iterable[CaseStudent], *args: Any, **kwargs: Any) -> None:
        rows = list(rows)
        appealable = [row for row in rows if row.appealable]
        chosen = [row.student.ssid for row in appealable if row.selected]
        # The first time (none selected yet), every appealable SSID is checked.
        kwargs.setdefault(
            "initial", {"selected": chosen or [row.student.ssid for row in appealable]}
        )
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [
            (row.student.ssid, _select_label(row)) for row in appealable
        ]
        self.not_appealable = [row for row in rows if not row.appealable]


def _select_label(row: CaseStudent) -> str:
    if row.manual_review:
        return f"{row.student.ssid}: CDE decides by hand"
    return (
        f"{row.student.ssid}: {row.get_appeal_display()}, decided by {row.get_reviewer_display()}"
    )


class PlanForm(forms.Form):
    """F-1 step 7: the plan of action (required) and an optional comment."""

    plan_of_action = forms.CharField(
        label="Plan of action",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What your LEA will do so that this does not happen again.",
        error_messages={"required": "Give the plan of action."},
    )
    comment = forms.CharField(
        label="Comment (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @staticmethod
    def initial_for(case: Case) -> Mapping[str, str]:
        return {"plan_of_action": case.plan_of_action, "comment": case.comment}
