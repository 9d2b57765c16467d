from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fitforwork.core.audit"
    label = "audit"
    verbose_name = "Audit trail"
