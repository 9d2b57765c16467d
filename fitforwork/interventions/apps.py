from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "fitforwork.interventions"
    label = "interventions"
    verbose_name = "Interventions"
