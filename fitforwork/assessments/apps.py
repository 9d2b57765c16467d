from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "fitforwork.assessments"
    label = "assessments"
    verbose_name = "Assessments"
