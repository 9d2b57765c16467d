"""The client's follow-up pages under /outcome/: public, opened from a single-use link."""

from django.urls import path

from fitforwork.outcomes.web import client

app_name = "outcome"

urlpatterns = [
    path("done/", client.done, name="done"),
    path("<str:token>/", client.start, name="start"),
]
