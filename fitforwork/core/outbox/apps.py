from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "fitforwork.core.outbox"
    label = "outbox"
    verbose_name = "Outbox"
