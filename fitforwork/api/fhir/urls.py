"""The FHIR R4 facade, mounted at /fhir/R4/. Every view here is listed in the CapabilityStatement; anything
else under /fhir/R4/ answers a 404 OperationOutcome (`unknown`), never the site's HTML page."""

from django.urls import path, re_path

from fitforwork.api.fhir import asynchronous, careplans, consents, fit_notes, questionnaire_views, views

app_name = "fhir"

urlpatterns = [
    path("", views.root, name="root"),
    path("metadata", views.metadata, name="metadata"),
    path("ServiceRequest", views.service_request_type, name="servicerequest-type"),
    path("ServiceRequest/<str:resource_id>", views.service_request_instance, name="servicerequest-instance"),
    path("ServiceRequest/<str:resource_id>/_history", views.service_request_history, name="servicerequest-history"),
    path(
        "ServiceRequest/<str:resource_id>/_history/<str:version_id>",
        views.service_request_version,
        name="servicerequest-version",
    ),
    path("Task", views.task_type, name="task-type"),
    path("Task/<str:resource_id>", views.task_instance, name="task-instance"),
    path("Task/<str:resource_id>/_history/<str:version_id>", views.task_version, name="task-version"),
    path("Patient/<str:resource_id>", views.patient_instance, name="patient-instance"),
    path("Questionnaire", questionnaire_views.questionnaire_type, name="questionnaire-type"),
    path("Questionnaire/<str:resource_id>", questionnaire_views.questionnaire_instance, name="questionnaire-instance"),
    *questionnaire_views.response_urls(),  # QuestionnaireResponse and Observation: one route table
    path("CarePlan", careplans.care_plan_type, name="careplan-type"),
    path("CarePlan/<str:resource_id>", careplans.care_plan_instance, name="careplan-instance"),
    path("DocumentReference", fit_notes.document_reference_type, name="documentreference-type"),
    path(
        "DocumentReference/<str:resource_id>", fit_notes.document_reference_instance, name="documentreference-instance"
    ),
    path("Consent", consents.consent_type, name="consent-type"),
    path("Consent/<str:resource_id>", consents.consent_instance, name="consent-instance"),
    path("_async/<str:submission_id>", asynchronous.status, name="async-status"),
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
