"""Reads of organisations and their service models that other apps share."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fitforwork.organisations.config import ServiceModelConfig
from fitforwork.organisations.models import ServiceModelVersion


@lru_cache(maxsize=256)
def _parsed_config(version_id: Any) -> ServiceModelConfig:
    return ServiceModelConfig.from_dict(ServiceModelVersion.objects.get(pk=version_id).config)


def rules_config(version: ServiceModelVersion) -> ServiceModelConfig:
    """A version's rules, parsed once per process: versions never change, so the cache cannot go stale."""
    return _parsed_config(version.pk)
