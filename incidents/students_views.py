"""The filing wizard's Students step (F-1 step 4, F-3, F-10; issue 8, parts 3 and 4): the number
of students, their SSIDs typed or uploaded, and each SSID's eligibility before submitting.

Every page starts from `cases_for(request.user)`: a case outside the user's scope is a 404, like
a missing one. The eligibility preview (htmx) saves nothing; the form's buttons save through
`case_set_students`, which resolves each SSID in the user's scope.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents import filing, services, wizard
from incidents.case_models import Case
from incidents.queries import case_students_for, case_to_change, rules_catalog
from incidents.ssid_files import (
    TEMPLATE_CSV_NAME,
    TEMPLATE_XLSX_NAME,
    Problem,
    ProblemKind,
    template_csv,
    template_xlsx,
)
from incidents.students_forms import StudentsForm, typed_ssids
from incidents.upload_files import MAX_FILE_BYTES
from stairs.vocabulary import SsidInputType

TEMPLATE = "incidents/wizard/students.html"
FILE_FIELD = "ssid_file"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SSID_MESSAGE = re.compile(r"SSID (\d+):")


class BoundedUploadHandler(FileUploadHandler):
    """Keeps the first ``MAX_FILE_BYTES`` + 1 bytes of the SSID file in memory and only counts
    the rest, so a 20 MB upload costs 2 MB and no temporary file, and reaches
    `read_ssid_file` with its true size, which refuses it in plain words instead of Django
    answering 400 or 413. Any other file in the request is dropped unread."""

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.keep = field_name == FILE_FIELD and not getattr(self, "kept", False)
        self.buffer = io.BytesIO()
        self.size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.size += len(raw_data)
        room = MAX_FILE_BYTES + 1 - self.buffer.tell()
        if self.keep and room > 0:
            self.buffer.write(raw_data[:room])
        return None  # no later handler: the chunk stops here

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if not self.keep:
            return None
        self.kept = True
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _draft(request: HttpRequest, pk: int) -> Case:
    """The draft, if the user may see it (else 404, like a missing case) and change it (else
    403 with the reason): the wizard's other steps and the case's actions answer the same."""
    return case_to_change(request.user, pk)


def _case_students(case: Case) -> list[Any]:
    return list(case.students.select_related("student", "test_event").order_by("pk"))


def _page(request: HttpRequest, case: Case, form: StudentsForm, rows: list[Any]) -> HttpResponse:
    context = {
        **wizard.step_context(case.pk, "students", appeal_possible=True),
        "case": case,
        "form": form,
        "form_enctype": "multipart/form-data",
        "case_students": rows,
        "max_file_mb": MAX_FILE_BYTES // (1024 * 1024),
        "max_typed": services.MAX_TYPED_SSIDS,
        "max_ssids": services.MAX_SSIDS,
    }
    return render(request, TEMPLATE, context)


def _earlier(message: str) -> str:
    """A problem of an earlier step (the school, the test, the issue), said to be one."""
    return f"{message.rstrip('.')} (on an earlier step)."


def _map_service_errors(form: StudentsForm, error: ValidationError, input_type: str) -> None:
    """Put `case_set_students`' refusal on the field it is about. An upload's unknown SSIDs are
    listed under the file field with their rows, in the service's words (F-10)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages_ in error.message_dict.items():
        if field == "ssids" and input_type == SsidInputType.UPLOAD:
            for message in messages_:
                match = _SSID_MESSAGE.match(message)
                row = form.file_rows.get(match.group(1)) if match else None
                text = f"Row {row}: {message}" if row else message
                form.file_problems.append(Problem(ProblemKind.FORMAT, text, row))
            if len(messages_) == 1:
                form.add_error(FILE_FIELD, f"{form.file_problems[0].message} Nothing was saved.")
            else:
                form.add_error(
                    FILE_FIELD,
                    f"{len(messages_)} SSIDs of the file are not found, or not in your schools; "
                    "they are listed below the file field. Nothing was saved.",
                )
        elif field in ("ssids", "student_count"):
            for message in messages_:
                form.add_error(field, message)
        else:
            for message in messages_:
                form.add_error(None, _earlier(message))


def _save(request: HttpRequest, case: Case, data: dict[str, Any]) -> None:
    # One transaction: a refused SSID leaves the number of students unchanged too.
    with transaction.atomic():
        if data["ssids_changed"]:
            services.case_set_students(
                case=case,
                actor=request.user,
                ssids=data["ssid_list"],
                input_type=data["input_type"],
            )
        if data["student_count"] is not None:
            services.case_update_draft(
                case=case, actor=request.user, student_count=data["student_count"]
            )


@csrf_exempt
def step_students(request: HttpRequest, pk: int) -> HttpResponse:
    """Django's CSRF check reads the upload, so the bounded handler is set first and the check
    runs just after (Django's documented pattern for per-view upload handlers)."""
    request.upload_handlers = [BoundedUploadHandler(request)]
    return _step_students(request, pk)


@login_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def _step_students(request: HttpRequest, pk: int) -> HttpResponse:
    case = _draft(request, pk)
    if not case.is_draft:
        return redirect("incidents:detail", pk=case.pk)
    rows = _case_students(case)
    saved = {
        "saved_ssids": [row.student.ssid for row in rows],
        "saved_type": case.ssid_input_type,
        "eligibility_url": reverse("incidents:wizard_eligibility", args=[case.pk]),
    }
    if request.method == "GET":
        typed = case.ssid_input_type == SsidInputType.TYPED
        initial = {
            "student_count": case.student_count,
            "ssids": "\n".join(saved["saved_ssids"]) if typed else "",
        }
        return _page(request, case, StudentsForm(initial=initial, **saved), rows)
    action = request.POST.get("action", "next")
    if action not in ("next", "save", "check"):
        action = "next"
    form = StudentsForm(request.POST, request.FILES, action=action, **saved)
    if form.is_valid():
        try:
            _save(request, case, form.cleaned_data)
        except ValidationError as error:
            _map_service_errors(form, error, form.cleaned_data["input_type"])
        else:
            for note in form.notes:
                messages.warning(request, note)
            if action == "check":
                return redirect(
                    f"{reverse('incidents:wizard_students', args=[case.pk])}#eligibility"
                )
            if action == "save":
                messages.success(request, "Draft saved. Continue it from the case page.")
                return redirect("incidents:detail", pk=case.pk)
            following = wizard.next_step("students", appeal_possible=True)
            assert following is not None
            return redirect(following.url(case.pk))
    return _page(request, case, form, rows)


@login_required
@require_POST
def eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The eligibility of the SSIDs typed so far, as an htmx fragment; saves nothing. SSIDs are
    looked up only among the user's students: an unknown SSID and another LEA's get the same
    words (F-10), those of `case_set_students`."""
    case = _draft(request, pk)
    if not case.is_draft or not request.htmx:
        # A plain form post lands on the page itself (the Check button saves and shows it).
        return redirect("incidents:wizard_students", pk=case.pk)
    ssids, problems = typed_ssids(request.POST.get("ssids", "")[:2000])
    rows: list[Any] = []
    if len(ssids) > services.MAX_TYPED_SSIDS:
        problems.append(
            f"You typed {len(ssids)} SSIDs; up to {services.MAX_TYPED_SSIDS} may be typed. "
            "Upload a file instead."
        )
    elif ssids:
        found = {s.ssid: s for s in case_students_for(request.user, case).filter(ssid__in=ssids)}
        problems += [
            f"SSID {ssid}: not found, or not in your schools."
            for ssid in ssids
            if ssid not in found
        ]
        catalog = rules_catalog()
        try:
            filing.check_incident(case, catalog)
        except ValidationError as error:
            problems += [_earlier(message) for message in error.messages]
        else:
            now = timezone.now()
            students = [found[ssid] for ssid in ssids if ssid in found]
            rows = [
                filing.case_student(case, decided, decided_at=now, selected=False)
                for decided in filing.decisions_for(case, students, catalog, now=now)
            ]
    preview = bool(ssids or problems)
    if not preview:
        # The box was emptied: show what the draft holds again (an uploaded list, say).
        rows = _case_students(case)
    context = {
        "case": case,
        "case_students": rows,
        "eligibility_problems": problems,
        "preview": preview,
        "typed_count": len(ssids),
    }
    return render(request, f"{TEMPLATE}#eligibility", context)


@login_required
@require_GET
def ssid_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The SSID list template (F-3): a heading and nothing else, as CSV or as a workbook whose
    column is formatted as text (so Excel keeps leading zeros)."""
    if fmt == "csv":
        body, content_type, name = template_csv(), "text/csv; charset=utf-8", TEMPLATE_CSV_NAME
    elif fmt == "xlsx":
        body, content_type, name = template_xlsx(), XLSX_TYPE, TEMPLATE_XLSX_NAME
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
