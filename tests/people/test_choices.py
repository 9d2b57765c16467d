from fitforwork.core.choices import EmploymentStatus
from fitforwork.organisations.config import validate_config
from fitforwork.people.models import Employment
from tests.organisations.factories import valid_config

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
    data = valid_config()
    data["eligibility"]["employment_statuses"] = ["retired"]
    allowed = ", ".join(value for value, _ in STATUSES)
    assert validate_config(data) == [f"eligibility.employment_statuses holds 'retired', which is not one of: {allowed}"]
