from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fitforwork.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from fitforwork.core import checks  # noqa: F401 - registers system checks
