from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "fitforwork.administration"
    label = "administration"
    verbose_name = "Administration"
