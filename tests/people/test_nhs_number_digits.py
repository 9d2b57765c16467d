import pytest
from django.core.exceptions import ValidationError

from fitforwork.people.nhs_number import is_valid_nhs_number, validate_nhs_number


@pytest.mark.parametrize(
    "value",
    [
        "٩٤٣٤٧٦٥٩١٩",  # 9434765919 in Arabic-Indic digits
        "94347659¹9",  # a superscript one
        "９４３４７６５９１９",  # full-width digits
    ],
)
def test_only_plain_digits_make_an_nhs_number(value):
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number(value)
    with pytest.raises(ValidationError, match="10 digits"):
        validate_nhs_number(value)
