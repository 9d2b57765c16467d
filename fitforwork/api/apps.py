from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fitforwork.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from fitforwork.api.fhir import versions

        versions.connect()
