import dataclasses

from fitforwork.core.choices import EmploymentStatus
from fitforwork.organisations.config import Eligibility, _choices
from fitforwork.people.models import Employment

STATUSES = [
    ("employed_at_work", "Employed and at work"),
    ("employed_off_sick", "Employed and off sick"),
    ("self_employed", "Self-employed"),
    ("unemployed", "Not in work"),
]


def test_employment_statuses_are_the_shared_choices_with_their_values_and_labels():
    assert Employment.Status is EmploymentStatus
    assert EmploymentStatus.choices == STATUSES
    assert Employment.Status.SELF_EMPLOYED == "self_employed"
    assert Employment._meta.get_field("status").choices == STATUSES


def test_service_model_rules_allow_exactly_the_employment_statuses_a_client_can_have():
    field = next(f for f in dataclasses.fields(Eligibility) if f.name == "employment_statuses")
    assert _choices(field) == [value for value, _ in STATUSES]
