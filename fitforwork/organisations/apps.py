from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "fitforwork.organisations"
    label = "organisations"
    verbose_name = "Organisations, sites and service models"
