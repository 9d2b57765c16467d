import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from fitforwork.core.audit.models import AuditEvent
from fitforwork.people import services
from fitforwork.people.models import Employment, Person
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.people.factories import EmploymentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory()


def details(**overrides):
    return {
        "given_name": "Priya",
        "family_name": "Shah",
        "date_of_birth": datetime.date(1980, 3, 9),
        "nhs_number": "943 476 5919",
        "postcode": "le1 6tp",
        **overrides,
    }


def test_person_create_stores_the_nhs_number_as_ten_digits_and_audits(actor):
    person = services.person_create(actor=actor, **details())
    assert person.nhs_number == "9434765919"
    assert person.postcode == "LE1 6TP"
    assert person.created_by == actor
    event = AuditEvent.objects.get(action="people.person_created")
    assert event.object_id == str(person.pk)
    assert event.actor_id == actor.pk


def test_person_create_refuses_an_nhs_number_with_a_wrong_check_digit(actor):
    with pytest.raises(ValidationError) as raised:
        services.person_create(actor=actor, **details(nhs_number="943 476 5918"))
    assert raised.value.message_dict["nhs_number"] == ["Enter a valid NHS number: the one given does not exist"]
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="people.person_created").exists()


def test_person_create_refuses_an_nhs_number_someone_else_has(actor):
    PersonFactory(nhs_number="9434765919")
    with pytest.raises(ValidationError, match="Another person already has this NHS number"):
        services.person_create(actor=actor, **details())


def test_person_update_records_which_fields_changed_but_not_their_values(actor):
    person = PersonFactory(phone="07700 900123")
    services.person_update(actor=actor, person=person, phone="07700 900999", town="Leicester")
    event = AuditEvent.objects.get(action="people.person_updated")
    assert event.data == {"changed": ["phone", "town"]}
    assert "07700 900999" not in str(event.data)
    person.refresh_from_db()
    assert person.phone == "07700 900999"
    assert person.modified_by == actor


def test_person_update_refuses_an_invalid_nhs_number_and_keeps_the_old_one(actor):
    person = PersonFactory(nhs_number="9434765919")
    with pytest.raises(ValidationError):
        services.person_update(actor=actor, person=person, nhs_number="1234567890")
    person.refresh_from_db()
    assert person.nhs_number == "9434765919"


def test_a_new_current_employment_ends_the_previous_one(actor):
    person = PersonFactory()
    old = EmploymentFactory(person=person)
    new = services.employment_add(
        actor=actor,
        person=person,
        status=Employment.Status.EMPLOYED_OFF_SICK,
        employer=OrganisationFactory(employer=True),
        job_title="Care worker",
        absence_start=datetime.date(2026, 11, 2),
    )
    old.refresh_from_db()
    assert old.is_current is False
    assert list(person.employments.filter(is_current=True)) == [new]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["people.employment_updated", "people.employment_added"]


def test_off_sick_without_an_absence_start_is_refused_in_words(actor):
    with pytest.raises(ValidationError, match="Enter the first day off sick"):
        services.employment_add(actor=actor, person=PersonFactory(), status=Employment.Status.EMPLOYED_OFF_SICK)
    assert not Employment.objects.exists()


def test_condition_add_and_update_are_audited(actor):
    person = PersonFactory()
    condition = services.condition_add(actor=actor, person=person, category="mental_health", description="Anxiety")
    services.condition_update(actor=actor, condition=condition, description="Anxiety and low mood")
    assert AuditEvent.objects.get(action="people.condition_added").data == {"category": "mental_health"}
    assert AuditEvent.objects.get(action="people.condition_updated").data == {"changed": ["description"]}


def test_unknown_fields_are_refused_rather_than_ignored(actor):
    with pytest.raises(TypeError, match="favourite_colour"):
        services.person_create(actor=actor, favourite_colour="blue", **details())


def test_person_register_records_a_new_person_with_their_job_and_audits_both(actor):
    person = services.person_register(
        actor=actor,
        nhs_number="943 476 5919",
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth=datetime.date(1980, 12, 10),
        postcode="le1 6tp",
        employment={"status": "employed_off_sick", "absence_start": datetime.date(2026, 11, 2), "job_title": "Analyst"},
    )
    assert person.nhs_number == "9434765919"
    assert person.postcode == "LE1 6TP"
    job = Employment.objects.get(person=person)
    assert (job.status, job.absence_start, job.is_current) == ("employed_off_sick", datetime.date(2026, 11, 2), True)
    actions = set(
        AuditEvent.objects.filter(object_id__in=[str(person.pk), str(job.pk)]).values_list("action", flat=True)
    )
    assert actions == {"people.person_created", "people.employment_added"}


@pytest.mark.parametrize(
    ("fields", "employment", "field"),
    [
        ({"nhs_number": "9434765918"}, {"status": "employed_at_work"}, "nhs_number"),
        ({}, {"status": "employed_off_sick"}, "absence_start"),
        ({}, {"status": "employed_at_work", "hours_per_week": 120}, "hours_per_week"),
        ({"date_of_birth": None}, {"status": "employed_at_work"}, "date_of_birth"),
    ],
)
def test_person_register_refuses_bad_details_in_words_and_stores_nothing(actor, fields, employment, field):
    values = {"given_name": "Ada", "family_name": "Lovelace", "date_of_birth": datetime.date(1980, 12, 10), **fields}
    # person_register has no savepoint of its own: a failure fails the caller's transaction, here this block.
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        services.person_register(actor=actor, employment=employment, **values)
    assert field in refused.value.message_dict
    assert not Person.objects.exists()
    assert not Employment.objects.exists()


def test_person_register_refuses_an_nhs_number_someone_else_has(actor):
    services.person_create(
        actor=actor, nhs_number="9434765919", given_name="A", family_name="B", date_of_birth=datetime.date(1980, 1, 1)
    )
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        services.person_register(
            actor=actor,
            nhs_number="9434765919",
            given_name="C",
            family_name="D",
            date_of_birth=datetime.date(1990, 1, 1),
            employment={"status": "employed_at_work"},
        )
    assert "nhs_number" in refused.value.message_dict
    assert Person.objects.count() == 1
