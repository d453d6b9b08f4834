from django.urls import path

from students import views

app_name = "students"

urlpatterns = [
    path("", views.search, name="search"),
    path("<str:ssid>/", views.detail, name="detail"),
    path("<str:ssid>/tests/", views.tests, name="tests"),
    path("<str:ssid>/tests/<int:event_id>/", views.event_detail, name="test_event"),
    path("<str:ssid>/score-status/", views.score_status, name="score_status"),
]
