"""How a person is shown: name, NHS number as 3-3-4, age and date of birth."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from fitforwork.core.presenters import date_long
from fitforwork.people.models import Person
from fitforwork.people.nhs_number import format_nhs_number


def full_name(person: Person) -> str:
    """The name to address them by first (their preferred name if they gave one), then the family name."""
    return f"{person.preferred_name or person.given_name} {person.family_name}".strip()


def formal_name(person: Person) -> str:
    """'SHAH, Priya': the form clinical lists and letters use so family names line up."""
    return f"{person.family_name.upper()}, {person.given_name}"


def nhs_number(person: Person) -> str:
    """The NHS number as 3-3-4 ('943 476 5919'), or 'Not known' so a gap is never mistaken for a number."""
    return format_nhs_number(person.nhs_number) if person.nhs_number else "Not known"


def age(person: Person, on: date | None = None) -> int:
    """Age in whole years on a day (today by default); someone born on 29 February ages on 1 March."""
    today = on or timezone.localdate()
    born = person.date_of_birth
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)


def date_of_birth(person: Person, on: date | None = None) -> str:
    """'9 March 1980 (46 years old)'."""
    return f"{date_long(person.date_of_birth)} ({age(person, on)} years old)"
