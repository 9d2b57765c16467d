from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "fitforwork.cases"
    label = "cases"
    verbose_name = "Cases"
