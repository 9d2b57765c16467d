from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "fitforwork.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
