from django.urls import path

from fitforwork.dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("", views.index, name="index"),
    path("subject-access/<uuid:person_id>/", views.subject_access, name="subject-access"),
]
