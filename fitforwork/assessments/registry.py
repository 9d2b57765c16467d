"""Where definitions come from: the files shipped in assessments/data/ and the licensed ones an
administrator loaded (`fitforwork instruments load FILE`). Look up by code (the newest enabled version) or by
code and version (so an old response is always read with the definition it was scored under)."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

from fitforwork.assessments.definitions import InstrumentDefinition, definition_parse
from fitforwork.assessments.models import InstrumentDefinition as LoadedDefinition

DATA_FILES = sorted((Path(__file__).resolve().parent / "data").glob("*.json"))
SHIPPED = ("ompsq10", "phq9", "gad7", "wsas", "who5", "was", "wpai_gh")


class UnknownInstrument(LookupError):
    pass


@cache
def shipped_definitions() -> dict[tuple[str, str], InstrumentDefinition]:
    """The definitions shipped with the project, by (code, version); parsed once per process."""
    found = {}
    for entry in sorted(resources.files("fitforwork.assessments").joinpath("data").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            definition = definition_parse(json.loads(entry.read_text(encoding="utf-8")))
            found[definition.key] = definition
    return found


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def _loaded(code: str | None = None, *, enabled_only: bool = True) -> list[InstrumentDefinition]:
    rows = LoadedDefinition.objects.all()
    if code is not None:
        rows = rows.filter(code=code)
    if enabled_only:
        rows = rows.filter(enabled=True)
    try:
        return [definition_parse(row.definition) for row in rows]
    except DatabaseError:
        # No database yet (a fresh checkout running `fitforwork score`): only the shipped instruments exist.
        if connection.in_atomic_block:
            raise
        return []


def definition_get(code: str, version: str | None = None) -> InstrumentDefinition:
    """The definition of `code`: at `version` if given (enabled or not, shipped or loaded), else the newest
    enabled version. Raises UnknownInstrument."""
    if version is not None:
        shipped = shipped_definitions().get((code, version))
        if shipped is not None:
            return shipped
        row = LoadedDefinition.objects.filter(code=code, version=version).first()
        if row is None:
            raise UnknownInstrument(f"There is no instrument {code!r} version {version!r}")
        return definition_parse(row.definition)
    candidates = [d for d in shipped_definitions().values() if d.code == code] + _loaded(code)
    if not candidates:
        raise UnknownInstrument(f"There is no instrument {code!r}")
    return max(candidates, key=lambda d: _version_key(d.version))


def definitions_available() -> list[InstrumentDefinition]:
    """Every instrument that can be given now: the newest enabled version of each code, shipped ones first."""
    newest: dict[str, InstrumentDefinition] = {}
    for definition in [*shipped_definitions().values(), *_loaded()]:
        held = newest.get(definition.code)
        if held is None or _version_key(definition.version) > _version_key(held.version):
            newest[definition.code] = definition
    order = {code: n for n, code in enumerate(SHIPPED)}
    return sorted(newest.values(), key=lambda d: (order.get(d.code, len(order)), d.code))


def cutoffs() -> dict[str, Decimal]:
    """Locally configured band cut-offs (settings.ASSESSMENT_CUTOFFS), such as ÖMPSQ-10's higher-risk score."""
    return {key: Decimal(str(value)) for key, value in getattr(settings, "ASSESSMENT_CUTOFFS", {}).items()}
