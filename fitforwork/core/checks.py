"""System checks that keep demonstration-only settings out of production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


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
