import datetime

from fitforwork.people import presenters
from fitforwork.people.models import Person


def person(**fields) -> Person:
    values = {"given_name": "Priya", "family_name": "Shah", "date_of_birth": datetime.date(1980, 3, 9), **fields}
    return Person(**values)


def test_name_uses_the_preferred_name_when_given():
    assert presenters.full_name(person()) == "Priya Shah"
    assert presenters.full_name(person(preferred_name="Pri")) == "Pri Shah"
    assert presenters.formal_name(person()) == "SHAH, Priya"


def test_nhs_number_is_shown_three_three_four():
    assert presenters.nhs_number(person(nhs_number="9434765919")) == "943 476 5919"
    assert presenters.nhs_number(person(nhs_number="")) == "Not known"


def test_age_counts_whole_years_and_turns_over_on_the_birthday():
    someone = person()
    assert presenters.age(someone, on=datetime.date(2026, 3, 8)) == 45
    assert presenters.age(someone, on=datetime.date(2026, 3, 9)) == 46


def test_someone_born_on_29_february_ages_on_1_march_in_other_years():
    leapling = person(date_of_birth=datetime.date(2000, 2, 29))
    assert presenters.age(leapling, on=datetime.date(2026, 2, 28)) == 25
    assert presenters.age(leapling, on=datetime.date(2026, 3, 1)) == 26


def test_date_of_birth_is_written_out_with_the_age():
    assert presenters.date_of_birth(person(), on=datetime.date(2026, 11, 22)) == "9 March 1980 (46 years old)"
