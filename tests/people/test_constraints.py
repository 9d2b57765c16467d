import datetime

import pytest
from django.db import IntegrityError, transaction

from fitforwork.people.models import Employment, Person
from tests.people.factories import EmploymentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_current_employment_for_one_person():
    person = PersonFactory()
    EmploymentFactory(person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentFactory(person=person)


def test_past_employments_do_not_count_against_the_current_one():
    person = PersonFactory()
    EmploymentFactory(person=person, past=True)
    EmploymentFactory(person=person, past=True)
    EmploymentFactory(person=person)
    assert person.employments.filter(is_current=True).count() == 1


def test_database_refuses_off_sick_without_the_date_the_absence_started():
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentFactory(status=Employment.Status.EMPLOYED_OFF_SICK, absence_start=None)


def test_off_sick_with_an_absence_start_is_accepted():
    employment = EmploymentFactory(off_sick=True)
    assert employment.absence_start == datetime.date(2026, 10, 1)


def test_database_refuses_two_people_with_one_nhs_number():
    PersonFactory(nhs_number="9434765919")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(nhs_number="9434765919")


def test_people_without_an_nhs_number_do_not_clash():
    PersonFactory(without_nhs_number=True)
    PersonFactory(without_nhs_number=True)
    assert Person.objects.filter(nhs_number="").count() == 2


def test_database_refuses_impossible_hours():
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentFactory(hours_per_week=168)
