"""Every write to organisations, sites, teams and service models.

Service model versions are append-only: a referral, a case and an evaluation record the version they
were decided under, so a version is never changed once made. Editing a model adds the next version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fitforwork.core.audit.services import audit_record
from fitforwork.organisations.config import canonical_config, validate_config
from fitforwork.organisations.models import Organisation, ServiceModel, ServiceModelVersion, Site, Team
from fitforwork.organisations.presets import PRESETS

ORGANISATION_FIELDS = ("kind", "name", "ods_code", "size_band", "postcode", "email", "nation", "is_active")
SITE_FIELDS = ("provider", "name", "nation", "service_model", "postcode_districts", "safety_protocol")
TEAM_FIELDS = ("site", "name")


def _checked_config(config: Any) -> dict[str, Any]:
    """The config in its canonical form (every field, schema order), or a ValidationError listing why not."""
    errors = validate_config(config)
    if errors:
        raise ValidationError({"config": errors})
    return canonical_config(config)


def _full_clean(obj: Organisation | Site | Team, exclude: Iterable[str] = ()) -> None:
    obj.full_clean(exclude=list(exclude), validate_constraints=True)


@transaction.atomic
def service_model_create(
    *,
    actor: Any,
    key: str,
    name: str,
    config: dict[str, Any],
    description: str = "",
    source: str = "",
) -> ServiceModel:
    """Create a service model with its first version, from a valid config only."""
    canonical = _checked_config(config)
    service_model = ServiceModel(key=key, name=name, description=description, source=source)
    service_model.stamp(actor)
    service_model.full_clean()
    service_model.save(force_insert=True)
    version = _version_insert(
        actor=actor, service_model=service_model, number=1, config=canonical, change_note="First version"
    )
    audit_record(
        actor=actor,
        action="organisations.service_model_created",
        obj=service_model,
        data={"key": key, "version": version.number},
    )
    return service_model


@transaction.atomic
def service_model_update_details(
    *, actor: Any, service_model: ServiceModel, name: str, description: str, source: str
) -> ServiceModel:
    """Change the name and descriptive text; the rules themselves only change by a new version."""
    service_model.name, service_model.description, service_model.source = name, description, source
    service_model.stamp(actor)
    service_model.full_clean()
    service_model.save(update_fields=["name", "description", "source", "modified_at", "modified_by"])
    audit_record(actor=actor, action="organisations.service_model_updated", obj=service_model)
    return service_model


@transaction.atomic
def service_model_new_version(
    *,
    actor: Any,
    service_model: ServiceModel,
    config: dict[str, Any],
    change_note: str,
    based_on: int | None = None,
) -> ServiceModelVersion:
    """Add the next version of a model's rules; the versions before it stay exactly as they were.

    `based_on` is the version number the editor started from. If someone else has added a version
    since, the edit is refused rather than silently undoing theirs.
    """
    if not change_note.strip():
        raise ValidationError({"change_note": ["Enter a change note saying what changed and why"]})
    canonical = _checked_config(config)
    # Lock the model row so two simultaneous edits cannot both claim the same number.
    locked = ServiceModel.objects.select_for_update().get(pk=service_model.pk)
    current = locked.versions.order_by("-number").first()
    if based_on is not None:
        check_based_on(locked, current, based_on)
    if current is not None and canonical_config(current.config) == canonical:
        raise ValidationError({"config": ["The rules are the same as the current version's: nothing to save"]})
    number = current.number + 1 if current is not None else 1
    version = _version_insert(
        actor=actor, service_model=locked, number=number, config=canonical, change_note=change_note.strip()
    )
    locked.stamp(actor)
    locked.save(update_fields=["modified_at", "modified_by"])
    audit_record(
        actor=actor,
        action="organisations.service_model_version_created",
        obj=version,
        reason=change_note.strip(),
        data={"service_model": locked.key, "number": number},
    )
    return version


def stale_edit_message(service_model: ServiceModel, current_number: int | None, based_on: int | None) -> str:
    """What to tell an editor whose form started from a version that is no longer the newest."""
    if current_number is None or based_on is None:
        return (
            f"{service_model.name} has changed since this page was loaded: reload the page and make your change again."
        )
    return (
        f"Someone else saved version {current_number} of {service_model.name} while you were editing "
        f"version {based_on}. Reload the page to see their changes, then make yours again."
    )


def check_based_on(service_model: ServiceModel, current: ServiceModelVersion | None, based_on: int) -> None:
    """Refuse an edit started from any version but the newest (a ValidationError saying who won)."""
    current_number = current.number if current is not None else None
    if current_number != based_on:
        raise ValidationError(stale_edit_message(service_model, current_number, based_on), code="stale")


def _version_insert(
    *, actor: Any, service_model: ServiceModel, number: int, config: dict[str, Any], change_note: str
) -> ServiceModelVersion:
    version = ServiceModelVersion(
        service_model=service_model, number=number, config=config, change_note=change_note[:300]
    )
    version.stamp(actor)
    try:
        with transaction.atomic():
            # force_insert: a version is written once and never updated.
            version.save(force_insert=True)
    except IntegrityError as error:
        raise ValidationError(f"Version {number} of {service_model.name} already exists") from error
    return version


def service_model_presets_load(*, actor: Any = None) -> int:
    """Create each shipped service model that is missing, at version 1; existing ones are left alone."""
    created = 0
    existing = set(ServiceModel.objects.values_list("key", flat=True))
    for item in PRESETS:
        if item.key in existing:
            continue
        try:
            service_model_create(
                actor=actor,
                key=item.key,
                name=item.name,
                config=item.config,
                description=item.description,
                source=item.source,
            )
        except (ValidationError, IntegrityError):
            # Made by a concurrent load between our read and this write: still not ours to change.
            if not ServiceModel.objects.filter(key=item.key).exists():
                raise
            continue
        created += 1
    return created


@transaction.atomic
def organisation_create(*, actor: Any, **fields: Any) -> Organisation:
    """Create an organisation; a GP practice must have an ODS code, and only employers a size band."""
    organisation = Organisation(**_only(fields, ORGANISATION_FIELDS))
    _tidy_organisation(organisation)
    organisation.stamp(actor)
    _full_clean(organisation)
    organisation.save(force_insert=True)
    audit_record(
        actor=actor,
        action="organisations.organisation_created",
        obj=organisation,
        data={"kind": organisation.kind},
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    changed = _assign(organisation, _only(fields, ORGANISATION_FIELDS), ORGANISATION_FIELDS, _tidy_organisation)
    organisation.stamp(actor)
    _full_clean(organisation)
    organisation.save()
    audit_record(actor=actor, action="organisations.organisation_updated", obj=organisation, data={"changed": changed})
    return organisation


@transaction.atomic
def site_create(*, actor: Any, gp_practices: Iterable[Organisation] | None = None, **fields: Any) -> Site:
    """Create a site; it follows its service model's newest version until the model changes."""
    site = Site(**_only(fields, SITE_FIELDS))
    _tidy_site(site)
    site.stamp(actor)
    _full_clean(site)
    site.save(force_insert=True)
    if gp_practices is not None:
        site.gp_practices.set(gp_practices)
    audit_record(actor=actor, action="organisations.site_created", obj=site)
    return site


@transaction.atomic
def site_update(*, actor: Any, site: Site, gp_practices: Iterable[Organisation] | None = None, **fields: Any) -> Site:
    changed = _assign(site, _only(fields, SITE_FIELDS), SITE_FIELDS, _tidy_site)
    site.stamp(actor)
    _full_clean(site)
    site.save()
    if gp_practices is not None:
        site.gp_practices.set(gp_practices)
        changed.append("gp_practices")
    audit_record(actor=actor, action="organisations.site_updated", obj=site, data={"changed": changed})
    return site


@transaction.atomic
def team_create(*, actor: Any, site: Site, name: str) -> Team:
    team = Team(site=site, name=name)
    team.stamp(actor)
    _full_clean(team)
    team.save(force_insert=True)
    audit_record(actor=actor, action="organisations.team_created", obj=team)
    return team


@transaction.atomic
def team_update(*, actor: Any, team: Team, **fields: Any) -> Team:
    changed = _assign(team, _only(fields, TEAM_FIELDS), TEAM_FIELDS)
    team.stamp(actor)
    _full_clean(team)
    team.save()
    audit_record(actor=actor, action="organisations.team_updated", obj=team, data={"changed": changed})
    return team


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    return fields


def _assign(
    obj: Any, fields: dict[str, Any], names: tuple[str, ...], tidy: Callable[[Any], None] | None = None
) -> list[str]:
    """Set the given values and name every field that now differs from the stored row.

    Comparing with the stored row, not the values passed, means the admin (whose form has already
    set them on the object) gets the same audit record as a caller passing keywords.
    """
    for name, value in fields.items():
        setattr(obj, name, value)
    if tidy is not None:
        tidy(obj)
    stored = type(obj)._default_manager.get(pk=obj.pk)
    return [name for name in names if getattr(stored, name) != getattr(obj, name)]


def _tidy_organisation(organisation: Organisation) -> None:
    organisation.ods_code = organisation.ods_code.strip().upper()
    organisation.postcode = " ".join(organisation.postcode.upper().split())


def _tidy_site(site: Site) -> None:
    site.postcode_districts = _districts(site.postcode_districts)


def _districts(value: Any) -> list[str]:
    """Postcode districts in one form (upper case, no spaces, no repeats), whatever was typed."""
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    districts: list[str] = []
    for item in value or []:
        district = str(item).replace(" ", "").upper()
        if district and district not in districts:
            districts.append(district)
    return districts
