"""System checks that keep demonstration-only settings out of production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def two_factor_not_disabled_in_production(app_configs: Any, **kwargs: Any) -> list[Error]:
    if getattr(settings, "DEMO_ONLY_DISABLE_TWO_FACTOR", False) and not settings.DEBUG:
        return [
            Error(
                "DEMO_ONLY_DISABLE_TWO_FACTOR is on with DEBUG off.",
                hint="Two-factor authentication may be switched off only for a local demonstration.",
                id="fitforwork.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def audit_hashes_are_keyed(app_configs: Any, **kwargs: Any) -> list[Warning]:
    from fitforwork.core.audit.keys import UnknownAuditKey, current_key_id

    try:
        if current_key_id() is not None:
            return []
    except UnknownAuditKey:
        pass
    return [
        Warning(
            "The audit trail's hashes are not keyed: AUDIT_HMAC_KEY_ID is unset or AUDIT_HMAC_KEYS lacks it.",
            hint="Set both (docs/configuration.md) so someone with database access cannot rewrite the audit trail.",
            id="fitforwork.W001",
        )
    ]
