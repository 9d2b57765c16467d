from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "fitforwork.employers"
    label = "employers"
    verbose_name = "Employers"
