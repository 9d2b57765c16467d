"""Third-party admin pages that show people are audited like ours.

Sign-in records hold email and IP addresses, authenticator apps say whose they are, and background jobs'
arguments carry what was submitted. Their apps register their own admin classes; the admin's autodiscovery
imports this module after theirs (INSTALLED_APPS order), and it registers each again with reads audited.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin

from fitforwork.core.audit.admin_reads import AuditedReadsAdmin

AUDITED_READS = (
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "otp_totp.TOTPDevice",
    "django_tasks_database.DBTaskResult",
)


def audit_third_party_reads() -> None:
    for label in AUDITED_READS:
        model = apps.get_model(label)
        registered = admin.site._registry.get(model)
        if registered is None or isinstance(registered, AuditedReadsAdmin):
            continue
        admin_class = type(registered)
        admin.site.unregister(model)
        admin.site.register(model, type(admin_class.__name__, (AuditedReadsAdmin, admin_class), {}))


audit_third_party_reads()
