import datetime
import random

import factory

from fitforwork.people.models import Condition, Employment, Person
from fitforwork.people.nhs_number import check_digit
from tests.organisations.factories import OrganisationFactory


def make_nhs_number(seed: int) -> str:
    """A valid NHS number, different for each seed (999 prefixes keep them out of real use)."""
    rng = random.Random(seed)
    while True:
        first_nine = "999" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        digit = check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    nhs_number = factory.Sequence(make_nhs_number)
    given_name = factory.Iterator(["Priya", "Tom", "Aisha", "Gareth", "Fiona", "Mei"])
    family_name = factory.Sequence(lambda n: f"Testperson{n}")
    date_of_birth = datetime.date(1980, 3, 9)
    postcode = "LE1 6TP"
    phone = "07700 900123"

    class Params:
        without_nhs_number = factory.Trait(nhs_number="")
        registered = factory.Trait(gp_practice=factory.SubFactory(OrganisationFactory, gp_practice=True))


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    status = Employment.Status.EMPLOYED_AT_WORK
    employer = factory.SubFactory(OrganisationFactory, employer=True)
    job_title = "Warehouse operative"
    hours_per_week = 37.5

    class Params:
        off_sick = factory.Trait(status=Employment.Status.EMPLOYED_OFF_SICK, absence_start=datetime.date(2026, 10, 1))
        self_employed = factory.Trait(status=Employment.Status.SELF_EMPLOYED, employer=None, job_title="Plumber")
        unemployed = factory.Trait(
            status=Employment.Status.UNEMPLOYED,
            employer=None,
            job_title="",
            hours_per_week=None,
            work_ended_on=datetime.date(2026, 9, 1),
        )
        past = factory.Trait(is_current=False)


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition

    person = factory.SubFactory(PersonFactory)
    category = Condition.Category.MUSCULOSKELETAL
    description = "Low back pain"

    class Params:
        mental_health = factory.Trait(category=Condition.Category.MENTAL_HEALTH, description="Anxiety")
