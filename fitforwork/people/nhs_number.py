"""NHS numbers: ten digits whose last is a modulus 11 check digit, shown as 3-3-4."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_SEPARATORS = re.compile(r"[\s-]")
_TEN_DIGITS = re.compile(r"[0-9]{10}")  # ASCII digits only: str.isdigit() also accepts other scripts


def normalise_nhs_number(value: str) -> str:
    """Strip the spaces and hyphens people type, leaving what was entered otherwise untouched."""
    return _SEPARATORS.sub("", value or "")


def check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None where no valid number can end them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    remainder = 11 - (total % 11)
    if remainder == 11:
        return 0
    if remainder == 10:
        return None
    return remainder


def is_valid_nhs_number(value: str) -> bool:
    digits = normalise_nhs_number(value)
    if not _TEN_DIGITS.fullmatch(digits):
        return False
    return check_digit(digits[:9]) == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not _TEN_DIGITS.fullmatch(digits):
        raise ValidationError("NHS number must be 10 digits", code="nhs_number_length")
    if not is_valid_nhs_number(digits):
        raise ValidationError("Enter a valid NHS number: the one given does not exist", code="nhs_number_check_digit")


def format_nhs_number(value: str | None) -> str:
    """Show an NHS number as 3-3-4, the way it is printed on NHS letters."""
    digits = normalise_nhs_number(value or "")
    if len(digits) != 10:
        return value or ""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
