import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from fitforwork.people.nhs_number import (
    check_digit,
    format_nhs_number,
    is_valid_nhs_number,
    normalise_nhs_number,
    validate_nhs_number,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@st.composite
def valid_nhs_numbers(draw) -> str:
    first_nine = draw(nine_digits)
    digit = check_digit(first_nine)
    assume(digit is not None)
    return f"{first_nine}{digit}"


def weighted_total(first_nine: str) -> int:
    return sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))


@given(valid_nhs_numbers())
def test_nine_digits_with_their_computed_check_digit_validate(number):
    assert is_valid_nhs_number(number)
    validate_nhs_number(number)


@given(nine_digits)
def test_the_check_digit_makes_the_weighted_sum_a_multiple_of_eleven(first_nine):
    digit = check_digit(first_nine)
    if digit is None:
        # Remainder 10 has no digit, so no valid number starts with these nine.
        assert (11 - weighted_total(first_nine) % 11) == 10
        assert not any(is_valid_nhs_number(f"{first_nine}{d}") for d in range(10))
    else:
        assert (weighted_total(first_nine) + digit) % 11 == 0


@given(valid_nhs_numbers(), st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_any_single_digit_of_a_valid_number_is_caught(number, position, shift):
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert changed != number
    assert not is_valid_nhs_number(changed)
    with pytest.raises(ValidationError):
        validate_nhs_number(changed)


@given(valid_nhs_numbers())
def test_formatting_gives_three_three_four_and_round_trips(number):
    shown = format_nhs_number(number)
    assert [len(group) for group in shown.split(" ")] == [3, 3, 4]
    assert normalise_nhs_number(shown) == number
    assert is_valid_nhs_number(shown)


@given(valid_nhs_numbers())
def test_hyphens_and_spaces_people_type_are_accepted(number):
    typed = f" {number[:3]}-{number[3:6]} {number[6:]}"
    assert is_valid_nhs_number(typed.strip())


def test_a_known_valid_number():
    assert is_valid_nhs_number("9434765919")
    assert format_nhs_number("9434765919") == "943 476 5919"


@pytest.mark.parametrize(
    ("value", "code"),
    [("943476591", "nhs_number_length"), ("94347659AB", "nhs_number_length"), ("9434765918", "nhs_number_check_digit")],
)
def test_invalid_numbers_say_why(value, code):
    with pytest.raises(ValidationError) as raised:
        validate_nhs_number(value)
    assert raised.value.code == code


def test_formatting_leaves_something_that_is_not_ten_digits_as_it_was():
    assert format_nhs_number("12345") == "12345"
    assert format_nhs_number(None) == ""
