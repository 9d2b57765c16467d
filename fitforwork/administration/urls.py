from django.urls import path

from fitforwork.administration import interventions, places, service_models, snippets, submissions, views

app_name = "administration"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/add/", views.staff_add, name="staff-add"),
    path("staff/<uuid:user_id>/", views.staff_member, name="staff-member"),
    path("teams/", views.teams, name="teams"),
    path("teams/<uuid:team_id>/", views.team, name="team"),
    path("sites/", places.sites, name="sites"),
    path("sites/add/", places.site_edit, name="site-add"),
    path("sites/<uuid:site_id>/", places.site_edit, name="site"),
    path("directory/", places.directory, name="directory"),
    path("directory/add/", places.organisation_edit, name="organisation-add"),
    path("directory/<uuid:organisation_id>/", places.organisation_edit, name="organisation"),
    path("interventions/", interventions.interventions, name="interventions"),
    path("interventions/add/", interventions.intervention_edit, name="intervention-add"),
    path("interventions/<uuid:intervention_id>/", interventions.intervention_edit, name="intervention"),
    path("snippets/", snippets.snippets, name="snippets"),
    path("snippets/add/", snippets.snippet_edit, name="snippet-add"),
    path("snippets/<uuid:snippet_id>/", snippets.snippet_edit, name="snippet"),
    path("submissions/", submissions.submissions, name="submissions"),
    path("submissions/<uuid:submission_id>/", submissions.submission, name="submission"),
    path("submissions/<uuid:submission_id>/retry/", submissions.submission_retry, name="submission-retry"),
    path("service-models/", service_models.service_models, name="service-models"),
    path("service-models/add/", service_models.service_model_add, name="service-model-add"),
    path("service-models/<uuid:service_model_id>/", service_models.service_model, name="service-model"),
    path(
        "service-models/<uuid:service_model_id>/details/",
        service_models.service_model_details,
        name="service-model-details",
    ),
    path(
        "service-models/<uuid:service_model_id>/new-version/",
        service_models.service_model_draft,
        name="service-model-draft",
    ),
]
