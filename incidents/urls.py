from django.urls import path

from incidents import case_appeal_views, case_views, students_views, wizard_views

app_name = "incidents"

urlpatterns = [
    # Search STAIRS, the log and the case page.
    path("", case_views.search, name="search"),
    path("log.<str:fmt>", case_views.log, name="log"),
    path("<int:pk>/", case_views.detail, name="detail"),
    path("<int:pk>/delete/", case_views.delete, name="delete"),
    path("<int:pk>/withdraw/", case_views.withdraw, name="withdraw"),
    path("<int:pk>/notes/", case_views.note_add, name="note_add"),
    # The filer side's actions on one appeal (issue 9).
    path(
        "<int:pk>/appeals/<int:appeal_pk>/withdraw/",
        case_appeal_views.appeal_withdraw,
        name="appeal_withdraw",
    ),
    path(
        "<int:pk>/appeals/<int:appeal_pk>/resubmit/",
        case_appeal_views.appeal_resubmit,
        name="appeal_resubmit",
    ),
    # The filing wizard (F-1): one page per step, each saved on the draft row (F-5).
    path("new/", wizard_views.new, name="new"),
    path("<int:pk>/edit/incident/", wizard_views.step_incident, name="wizard_incident"),
    path("<int:pk>/edit/issue/", wizard_views.step_issue, name="wizard_issue"),
    path("<int:pk>/edit/details/", wizard_views.step_details, name="wizard_details"),
    path("<int:pk>/edit/students/", students_views.step_students, name="wizard_students"),
    path("<int:pk>/edit/eligibility/", students_views.eligibility, name="wizard_eligibility"),
    path("ssid-template.<str:fmt>", students_views.ssid_template, name="ssid_template"),
    path("<int:pk>/edit/confirm/", wizard_views.step_confirm, name="wizard_confirm"),
    path("<int:pk>/edit/select/", wizard_views.step_select, name="wizard_select"),
    path("<int:pk>/edit/plan/", wizard_views.step_plan, name="wizard_plan"),
    path("<int:pk>/submitted/", wizard_views.submitted, name="submitted"),
]
