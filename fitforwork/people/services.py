"""Every write to a person's record: identity, contact details, employment and conditions.

Audit events name the fields that changed, never their values: the audit trail must not become a
second copy of personal data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from fitforwork.core.audit.services import audit_record
from fitforwork.people.models import Condition, Employment, Person
from fitforwork.people.nhs_number import normalise_nhs_number

PERSON_FIELDS = (
    "nhs_number",
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "preferred_contact_method",
    "ok_to_leave_voicemail",
    "preferred_language",
    "needs_interpreter",
    "communication_needs",
    "gp_practice",
)
EMPLOYMENT_FIELDS = (
    "status",
    "employer",
    "employer_name",
    "job_title",
    "hours_per_week",
    "absence_start",
    "work_ended_on",
    "is_current",
)
CONDITION_FIELDS = ("category", "description", "is_main", "onset")


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    return fields


def _changed(obj: Model, fields: tuple[str, ...]) -> list[str]:
    """The fields whose values differ from the stored row, however the new values were set."""
    stored = type(obj)._default_manager.get(pk=obj.pk)
    return [name for name in fields if getattr(stored, name) != getattr(obj, name)]


def _tidy(person: Person) -> None:
    """Store NHS numbers as ten digits and postcodes in capitals, whatever was typed."""
    person.nhs_number = normalise_nhs_number(person.nhs_number)
    person.postcode = " ".join(person.postcode.upper().split())


@transaction.atomic
def person_create(*, actor: Any, **fields: Any) -> Person:
    """Create a person; the NHS number, if given, must pass its check digit and not belong to another."""
    person = Person(**_only(fields, PERSON_FIELDS))
    _tidy(person)
    person.stamp(actor)
    person.full_clean()
    person.save(force_insert=True)
    audit_record(actor=actor, action="people.person_created", obj=person)
    return person


def person_prepare(*, actor: Any, employment: dict[str, Any], **fields: Any) -> tuple[Person, Employment]:
    """Build and check someone new to the service with their current job, as a referral first brings them,
    without writing anything: `people_register` stores them.

    The same checks as `person_create` and `employment_add`, in fewer queries for the busiest write path:
    a new person has no other job to end, and an id we make is not checked for uniqueness. The GP practice
    and employer are records the caller looked up, so they are not fetched again to check.
    """
    person = Person(**_only(fields, PERSON_FIELDS))
    _tidy(person)
    person.stamp(actor)
    person.full_clean(exclude=["gp_practice"], validate_unique=False, validate_constraints=False)
    job = Employment(person=person, **_only(employment, EMPLOYMENT_FIELDS))
    job.stamp(actor)
    job.full_clean(exclude=["person", "employer"], validate_unique=False, validate_constraints=False)
    _check(job)
    return person, job


@transaction.atomic(savepoint=False)
def people_register(new: list[tuple[Any, Person, Employment]], *, numbers_checked: bool = False) -> None:
    """Store people made by `person_prepare`, each with the actor who brought them, in one insert per table.

    NHS numbers are checked with one lookup for them all, unless the caller has just looked them up itself
    (`numbers_checked`); the database's unique constraint stays as the backstop either way, and raises
    IntegrityError for a number recorded by someone else in the meantime. Without a savepoint of its own:
    a failure here fails the caller's whole transaction.
    """
    numbers = [person.nhs_number for _, person, _ in new if person.nhs_number]
    if len(set(numbers)) < len(numbers):
        raise ValidationError({"nhs_number": "Two new people cannot have the same NHS number"})
    if numbers and not numbers_checked and Person.objects.filter(nhs_number__in=numbers).exists():
        raise ValidationError({"nhs_number": "A person with this NHS number is already recorded"})
    Person.objects.bulk_create([person for _, person, _ in new])
    Employment.objects.bulk_create([job for _, _, job in new])
    for actor, person, job in new:
        audit_record(actor=actor, action="people.person_created", obj=person)
        audit_record(actor=actor, action="people.employment_added", obj=job, data={"status": job.status})


def person_register(*, actor: Any, employment: dict[str, Any], **fields: Any) -> Person:
    """Record someone new to the service with their current job: `person_prepare`, then `people_register`."""
    person, job = person_prepare(actor=actor, employment=employment, **fields)
    people_register([(actor, person, job)])
    return person


def _check(job: Employment) -> None:
    """The employment table's check constraints, in Python: the rows are new, so there is nothing to look up."""
    errors: dict[str, str] = {}
    if job.status == "employed_off_sick" and job.absence_start is None:
        errors["absence_start"] = "Enter the first day off sick"
    if job.hours_per_week is not None and not 0 <= job.hours_per_week <= 100:
        errors["hours_per_week"] = "Hours per week must be between 0 and 100"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    """Change a person's details; fields may come as keywords or already set on `person`."""
    for name, value in _only(fields, PERSON_FIELDS).items():
        setattr(person, name, value)
    _tidy(person)
    changed = _changed(person, PERSON_FIELDS)
    person.stamp(actor)
    person.full_clean()
    person.save()
    audit_record(actor=actor, action="people.person_updated", obj=person, data={"changed": changed})
    return person


def _end_other_current(*, actor: Any, employment: Employment) -> None:
    """Only one employment is current: recording a new current one ends the one before."""
    if not employment.is_current:
        return
    others = Employment.objects.select_for_update().filter(person_id=employment.person_id, is_current=True)
    for other in others.exclude(pk=employment.pk):
        other.is_current = False
        other.stamp(actor)
        other.save(update_fields=["is_current", "modified_at", "modified_by"])
        audit_record(actor=actor, action="people.employment_updated", obj=other, data={"changed": ["is_current"]})


@transaction.atomic
def employment_add(*, actor: Any, person: Person, **fields: Any) -> Employment:
    """Record a job (or being out of work); a new current one replaces the current one."""
    employment = Employment(person=person, **_only(fields, EMPLOYMENT_FIELDS))
    employment.stamp(actor)
    employment.full_clean(exclude=["person"], validate_constraints=False)
    _end_other_current(actor=actor, employment=employment)
    employment.validate_constraints()
    employment.save(force_insert=True)
    audit_record(actor=actor, action="people.employment_added", obj=employment, data={"status": employment.status})
    return employment


@transaction.atomic
def employment_update(*, actor: Any, employment: Employment, **fields: Any) -> Employment:
    for name, value in _only(fields, EMPLOYMENT_FIELDS).items():
        setattr(employment, name, value)
    changed = _changed(employment, EMPLOYMENT_FIELDS)
    employment.stamp(actor)
    employment.full_clean(exclude=["person"], validate_constraints=False)
    _end_other_current(actor=actor, employment=employment)
    employment.validate_constraints()
    employment.save()
    audit_record(actor=actor, action="people.employment_updated", obj=employment, data={"changed": changed})
    return employment


@transaction.atomic
def condition_add(*, actor: Any, person: Person, **fields: Any) -> Condition:
    condition = Condition(person=person, **_only(fields, CONDITION_FIELDS))
    condition.stamp(actor)
    condition.full_clean(exclude=["person"])
    condition.save(force_insert=True)
    audit_record(actor=actor, action="people.condition_added", obj=condition, data={"category": condition.category})
    return condition


@transaction.atomic
def condition_update(*, actor: Any, condition: Condition, **fields: Any) -> Condition:
    for name, value in _only(fields, CONDITION_FIELDS).items():
        setattr(condition, name, value)
    changed = _changed(condition, CONDITION_FIELDS)
    condition.stamp(actor)
    condition.full_clean(exclude=["person"])
    condition.save()
    audit_record(actor=actor, action="people.condition_updated", obj=condition, data={"changed": changed})
    return condition


@transaction.atomic
def person_merge_into(*, actor: Any, person: Person, kept: Person) -> None:
    """Remove a record made in error for someone already recorded as `kept` (with its jobs and conditions).

    The caller has moved whatever referred to it; the database's PROTECT constraints refuse the delete otherwise.
    """
    audit_record(actor=actor, action="people.person_merged", obj=person, data={"into": str(kept.pk)})
    person.delete()
