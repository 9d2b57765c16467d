"""The client's questionnaire pages under /questionnaire/: public, opened from a single-use link."""

from django.urls import path

from fitforwork.assessments.web import client

app_name = "questionnaire"

urlpatterns = [
    path("urgent-help/", client.urgent_help, name="urgent-help"),
    path("done/", client.done, name="done"),
    path("<str:token>/", client.start, name="start"),
    path("<str:token>/<slug:code>/check/", client.check, name="check"),
    path("<str:token>/<slug:code>/<int:number>/", client.question, name="question"),
]
