from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "fitforwork.consent"
    label = "consent"
    verbose_name = "Consent"
