"""Reads of the catalogs the rules take.

`rules_catalog()` is the database's side of appeals/rules/catalog.py: the rows administrators
edit (students' Assessment and AssessmentPart, this app's incident types, questions, choices and
limits) turned into the plain `RulesCatalog` of the pure rules, in a fixed number of queries.
The test-event effect services read the same Assessment/AssessmentPart rows, so the rules and
the effects cannot disagree about a pause rule or an expiry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Final

from django.core.exceptions import PermissionDenied
from django.db.models import Count, JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.shortcuts import get_object_or_404

from accounts.access import organizations_for, scope_for
from accounts.models import ROLE_PROGRAM, Organization, OrganizationKind, RoleGrant, User
from appeals import transitions as appeal_transitions
from appeals.models import Appeal
from appeals.rules.catalog import (
    AssessmentFacts,
    RulesCatalog,
    assessments_from_data,
    catalog_from_data,
)
from incidents import filing
from incidents.case_models import Case, CaseEvent, CaseNote, CaseStudent
from incidents.models import AnswerChoice, AppealLimit, FollowUpQuestion, IncidentType
from stairs.vocabulary import AppealStatus
from students.models import Assessment, AssessmentPart, Student
from students.queries import students_for

# An appeal's rejections (domain.md, "Case and appeal statuses"): their reasons lead the case page.
REJECTED_STATUSES: Final = frozenset(
    {
        AppealStatus.REJECTED_BY_CDE,
        AppealStatus.REJECTED_BY_CALTAC,
        AppealStatus.REJECTED_BY_SYSTEM,
    }
)


def _question_data(question: FollowUpQuestion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": question.key,
        "text": question.text,
        "answer_type": question.answer_type,
        "choices": [
            {"code": choice.code, "label": choice.label} for choice in question.choices.all()
        ],
    }
    if question.asked_when_key:
        data["asked_when"] = {"key": question.asked_when_key, "answer": question.asked_when_answer}
    return data


def _assessment_data() -> list[dict[str, Any]]:
    """The assessment rows in the assessment fixture's shape (two queries)."""
    assessments = Assessment.objects.order_by("sort_order", "code").prefetch_related(
        Prefetch("parts", queryset=AssessmentPart.objects.order_by("sort_order", "id"))
    )
    return [
        {
            "code": assessment.code,
            "label": assessment.label,
            "program": assessment.program,
            "grades": assessment.grades,
            "online": assessment.offered_online,
            "paper": assessment.offered_on_paper,
            "parts": [
                {
                    "code": part.code,
                    "pause_rule": part.pause_rule,
                    "expiry_days": part.expiry_days,
                    "online_dei_grades": part.online_dei_grades,
                }
                for part in assessment.parts.all()
            ],
        }
        for assessment in assessments
    ]


def assessment_facts() -> Mapping[str, AssessmentFacts]:
    """The assessment catalog as the rules read it (for the catalog models' `clean()`)."""
    return assessments_from_data(_assessment_data())


def active_incident_types() -> QuerySet[IncidentType]:
    """Active incident types with their questions and choices, in the wizard's order."""
    return IncidentType.objects.filter(active=True).prefetch_related(
        Prefetch(
            "questions",
            queryset=FollowUpQuestion.objects.order_by("sort_order", "id").prefetch_related(
                Prefetch("choices", queryset=AnswerChoice.objects.order_by("sort_order", "id"))
            ),
        )
    )


def rules_catalog() -> RulesCatalog:
    """The catalog and limits as the rules read them. Raises `CatalogError` if the rows are
    inconsistent (an admin edit the model checks could not see, e.g. across questions)."""
    incidents = [
        incident.as_data([_question_data(question) for question in incident.questions.all()])
        for incident in active_incident_types()
    ]
    limits = [
        {"rule": lim.rule, "test": lim.test, "part": lim.part, "value": lim.value}
        for lim in AppealLimit.objects.all()
    ]
    return catalog_from_data(
        {
            "version": "database",
            "assessments": _assessment_data(),
            "incident_types": incidents,
            "limits": limits,
        }
    )


def incident_types_for(test: str, part: str | None, delivery: str) -> QuerySet[IncidentType]:
    """The wizard's radio list (F-1 step 2) for one test, part and delivery: the same
    applicability the rules check, read from the rows."""
    codes = [i.code for i in rules_catalog().applicable_incidents(test, part, delivery)]
    return active_incident_types().filter(code__in=codes)


def case_visibility(user: User) -> Q | None:
    """What ``user`` may see of STAIRS cases as a filter on the fields ``program``, ``lea_id``
    and ``school_id``, which Case has and Appeal copies from its case: the one definition under
    ``cases_for`` and ``appeals_for``. None for CDE and CalTAC, who see everything; a filter
    matching nothing for a user without scope.

    A coordinator sees the cases of their own program where they hold it: an LEA role its
    LEA's cases, a site role its school's, so an LEA CAASPP coordinator does not see the LEA's
    ELPAC cases. Every case has its program from its first save (a draft starts with its
    test), so each grant is one plain condition the (lea, newest) and (school, newest)
    indexes serve. Test administrators do not file and hold no program, so they see none.
    """
    scope = scope_for(user)
    if scope.everything:
        return None
    visible = Q(pk__in=[])
    if scope.is_empty:
        return visible
    grants = RoleGrant.objects.filter(user=user, role__in=list(ROLE_PROGRAM)).values_list(
        "role", "organization_id", "organization__kind"
    )
    for role, organization_id, kind in grants:
        place = "lea_id" if kind == OrganizationKind.LEA else "school_id"
        visible |= Q(program=ROLE_PROGRAM[role], **{place: organization_id})
    return visible


def cases_for(user: User) -> QuerySet[Case]:
    """The STAIRS cases ``user`` may see (issue 8, part 9; U-4, F-7), drafts included (F-5).

    Scoped through ``scope_for`` by ``case_visibility``: CDE and CalTAC see every case, a
    coordinator their program's cases at their LEA or school, test administrators none.
    Anything else is a 404, like a missing case.
    """
    if scope_for(user).is_empty:
        return Case.objects.none()
    visible = case_visibility(user)
    return Case.objects.all() if visible is None else Case.objects.filter(visible)


def appeals_for(user: User) -> QuerySet[Appeal]:
    """The appeals ``user`` may see (issue 9, item 10): those of the cases of ``cases_for``,
    through the same ``case_visibility``. CDE and CalTAC see every appeal; a coordinator the
    appeals of their program's cases at their LEA or school; test administrators none. Every
    list, decision page, export and bulk action starts here.

    The appeal carries its case's LEA, school and program (copied when it is filed), so the
    same conditions apply to the appeal's own row: no join to the case, and the (lea, program,
    newest) and (school, program, newest) indexes serve a coordinator's list in its order.
    """
    if scope_for(user).is_empty:
        return Appeal.objects.none()
    visible = case_visibility(user)
    return Appeal.objects.all() if visible is None else Appeal.objects.filter(visible)


# --- Search STAIRS, the log and the case page (issue 8, parts 7-9) -----------------------------

# The sortable columns of Search STAIRS: key -> ordering. Each ends on the primary key, so a
# page boundary never moves between two requests. The default (newest first: drafts, then the
# latest submissions) follows case_newest_idx.
CASE_SORTS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "number": ("number", "pk"),
        "-number": ("-number", "-pk"),
        "school": ("school__name", "-pk"),
        "-school": ("-school__name", "-pk"),
        "incident_date": ("incident_date", "pk"),
        "-incident_date": ("-incident_date", "-pk"),
        "submitted": ("submitted_at", "created_at", "pk"),
        "-submitted": ("-submitted_at", "-created_at", "-pk"),
        "status": ("status", "-submitted_at", "-pk"),
        "-status": ("-status", "-submitted_at", "-pk"),
    }
)
DEFAULT_CASE_SORT: Final = "-submitted"


@dataclass(frozen=True)
class CaseFilters:
    """Search STAIRS's filters (and the log's: the same ones), already validated."""

    number: str = ""
    status: str = ""
    school: int | None = None  # a school's id (coordinators pick from their schools)
    school_text: str = ""  # a CDS code prefix or part of a name (past a select)
    test: str = ""
    incident_type: str = ""  # a catalog code
    date_from: date | None = None
    date_to: date | None = None
    ssid: str = ""
    sort: str = DEFAULT_CASE_SORT


def _filtered_cases(user: User, filters: CaseFilters) -> QuerySet[Case]:
    cases = cases_for(user)
    if filters.number:
        # Exact or a prefix ("2027-0001"): the unique index's pattern twin serves both.
        cases = cases.filter(number__startswith=filters.number)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.school is not None:
        cases = cases.filter(school_id=filters.school)
    if filters.school_text:
        text = filters.school_text
        schools = Organization.objects.filter(kind=OrganizationKind.SCHOOL).filter(
            Q(cds_code__startswith=text) | Q(name__icontains=text)
        )
        cases = cases.filter(school_id__in=schools.values("pk"))
    if filters.test:
        cases = cases.filter(test=filters.test)
    if filters.incident_type:
        cases = cases.filter(incident_type__code=filters.incident_type)
    if filters.date_from:
        cases = cases.filter(incident_date__gte=filters.date_from)
    if filters.date_to:
        cases = cases.filter(incident_date__lte=filters.date_to)
    if filters.ssid:
        # F-10: a case in scope holds only students in scope, so an SSID from elsewhere (or one
        # that does not exist) simply matches no case.
        cases = cases.filter(
            pk__in=CaseStudent.objects.filter(student__ssid=filters.ssid).values("case_id")
        )
    return cases.order_by(*CASE_SORTS.get(filters.sort, CASE_SORTS[DEFAULT_CASE_SORT]))


def case_search_count(user: User, filters: CaseFilters, *, cap: int) -> int:
    """How many cases match, counting no further than ``cap`` + 1: without joins or ordering,
    so that counting the state's 150,000 cases for CDE stops early instead of sorting them."""
    return _filtered_cases(user, filters).order_by()[: cap + 1].count()


def case_search(user: User, filters: CaseFilters) -> QuerySet[Case]:
    """The cases of Search STAIRS: ``cases_for(user)`` filtered and sorted, with what a row
    shows joined (school, LEA, incident type) and its number of SSIDs counted per row, so a
    page costs one query whatever the number of cases or students."""
    students = (
        CaseStudent.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _filtered_cases(user, filters)
        .select_related("school", "lea", "incident_type")
        .annotate(ssid_count=Coalesce(Subquery(students), 0))
    )


# The columns of the STAIRS log (D-4), in order: one row per case student, and one row for a
# case without students. SSIDs only, never a name.
LOG_COLUMNS: Final = (
    "Case number",
    "Status",
    "School",
    "School CDS code",
    "LEA",
    "Test",
    "Part or domain",
    "Incident type",
    "Severity",
    "Incident date",
    "Submitted at (Pacific)",
    "Late",
    "SSID",
    "Test event status",
    "Appeal",
    "Reviewer",
    "Appeal status",
    "Reason",
)


def case_log_rows(user: User, filters: CaseFilters) -> QuerySet:
    """The log's rows as tuples, from one query streamed in chunks (10,000 cases in seconds):
    the filtered cases LEFT JOINed to their students, each with its appeal (one per student of
    a case) read through the unique (case, student) index."""
    # One scalar subquery per row, unordered, on the unique (case, student) index: a join would
    # need a condition across two relations, and four subqueries cost four lookups a row.
    appeal = Appeal.objects.filter(
        case=OuterRef("pk"), student=OuterRef("students__student")
    ).order_by()
    return (
        _filtered_cases(user, filters)
        .annotate(
            appeal=Subquery(
                appeal.values(
                    data=JSONObject(
                        type="appeal_type", reviewer="reviewer", status="status", reason="reason"
                    )
                )[:1],
                output_field=JSONField(),
            )
        )
        .values_list(
            "pk",
            "number",
            "status",
            "school__name",
            "school__cds_code",
            "lea__name",
            "test",
            "part",
            "incident_type__label",
            "incident_type__severity",
            "incident_date",
            "submitted_at",
            "late",
            "students__student__ssid",
            "students__test_event__status",
            "students__reason",
            "appeal",
        )
    )


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


@dataclass
class CasePage:
    """What the case page shows, read in a fixed number of queries (issue 8, part 7)."""

    case: Case
    students: list[CaseStudent]
    appeals: list[Appeal]
    # The decided appeals (approved, rejected, swap approved), the latest decision first: each
    # carries its reason (decision_reason) and who decided (decided_by, None for the system).
    decided: list[Appeal]
    notes: list[CaseNote]
    events: list[CaseEvent]
    answers: list[Answer]

    @property
    def selected_ssids(self) -> list[str]:
        """The SSIDs selected for appeal (F-1 step 6), in the students' order."""
        return [row.student.ssid for row in self.students if row.selected]


def case_for(user: User, pk: int) -> Case:
    """One case the user may see, or 404 (out of scope and missing alike)."""
    return get_object_or_404(
        cases_for(user).select_related(
            "school", "lea", "incident_type", "created_by", "submitted_by"
        ),
        pk=pk,
    )


def filing_school_search(user: User, text: str, *, limit: int) -> list[Organization]:
    """The wizard's school finder: up to ``limit`` + 1 schools ``user`` files for (so the page
    knows more matched) whose CDS code starts with ``text`` (an LEA's 7 digits list its
    schools) or whose name or LEA's name contains it, by name; one query, whatever matches."""
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit():
        matches = Q(cds_code__startswith=digits)
    else:
        matches = Q(name__icontains=text) | Q(parent__name__icontains=text)
    return list(filing.filing_schools(user).filter(matches)[: limit + 1])


def case_students_for(user: User, case: Case) -> QuerySet[Student]:
    """The students ``user`` may enter on ``case``: those they may see (U-4) at a school of the
    case's LEA. CalTAC sees the whole state, and the LEA reads a case filed on its behalf as its
    own: a student of another LEA on it would show that LEA's student to this one (F-10)."""
    return students_for(user).filter(school__parent_id=case.lea_id)


def case_to_change(user: User, pk: int) -> Case:
    """The case ``user`` is about to change (a wizard step, the Students step, delete, withdraw):
    404 when they may not see it, exactly like a missing case; 403 with the reason when they
    see it but may not change it (`filing.case_refusal`: CDE reads, CalTAC changes only what
    it filed on an LEA's behalf). One lookup, so every such page gives the same answer."""
    case = case_for(user, pk)
    refusal = filing.case_refusal(actor=user, case=case)
    if refusal == filing.NO_SCHOOL:
        # Someone who sees the case but files nowhere near it: CDE, which reviews (D-3).
        refusal = "Only the LEA's coordinators of this case's program change it; you may read it."
    if refusal:
        raise PermissionDenied(refusal)
    return case


def _answers_in_words(case: Case) -> list[Answer]:
    """The follow-up answers as "question: answer label", in the catalog's order."""
    if case.incident_type is None:
        return []
    answers = []
    for question in case.incident_type.questions.all():
        if question.key not in case.answers:
            continue
        value = case.answers[question.key]
        if isinstance(value, bool):
            label = "Yes" if value else "No"
        else:
            labels = {choice.code: choice.label for choice in question.choices.all()}
            label = labels.get(value, str(value))
        answers.append(Answer(question.text, label))
    return answers


def case_page(user: User, pk: int) -> CasePage:
    """The case page's data: the case, its students with their decisions, its appeals with
    the reasons of any rejection, notes and timeline; 404 outside the user's scope."""
    case = get_object_or_404(
        cases_for(user)
        .select_related("school", "lea", "incident_type", "created_by", "submitted_by")
        .prefetch_related(
            Prefetch(
                "incident_type__questions",
                queryset=FollowUpQuestion.objects.order_by("sort_order", "id").prefetch_related(
                    Prefetch("choices", queryset=AnswerChoice.objects.order_by("sort_order", "id"))
                ),
            )
        ),
        pk=pk,
    )
    students = list(
        case.students.select_related("student", "test_event").order_by("added_at", "pk")
    )
    # The decision (when, by whom, why) is stored on the appeal itself (issue 9), so one query.
    appeals = list(
        appeals_for(user).filter(case=case).select_related("student", "decided_by").order_by("pk")
    )
    notes = list(case.notes.select_related("author").order_by("created_at", "pk"))
    events = list(case.events.select_related("actor").order_by("at", "pk"))
    return CasePage(
        case=case,
        students=students,
        appeals=appeals,
        decided=sorted(
            (a for a in appeals if a.status in appeal_transitions.DECIDED),
            key=lambda a: (a.decided_at, a.pk),
            reverse=True,
        ),
        notes=notes,
        events=events,
        answers=_answers_in_words(case),
    )


def case_student_names(case: Case) -> list[str]:
    """The names of a case's students, for F-4's personal-information check of the description
    and of a note only: never shown, never stored with the case (one query)."""
    return [
        " ".join(filter(None, names))
        for names in case.students.values_list(
            "student__first_name", "student__middle_name", "student__last_name"
        )
    ]


def schools_for(user: User) -> QuerySet[Organization]:
    """The schools in a coordinator's scope, for Search STAIRS's school select."""
    return organizations_for(user).filter(kind=OrganizationKind.SCHOOL).order_by("name")
