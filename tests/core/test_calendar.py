from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitforwork.core.calendar import (
    Nation,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    next_working_day,
    working_days_between,
)

nations = st.sampled_from(list(Nation))
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@pytest.mark.parametrize(
    ("day", "england", "scotland", "northern_ireland"),
    [
        (date(2026, 1, 2), True, False, True),  # 2 January: Scotland only
        (date(2026, 3, 17), True, True, False),  # St Patrick's Day: Northern Ireland only
        (date(2026, 4, 6), False, True, False),  # Easter Monday: not Scotland
        (date(2026, 7, 13), True, True, False),  # Battle of the Boyne (substitute): Northern Ireland only
        (date(2026, 8, 3), True, False, True),  # Summer bank holiday in Scotland is the first Monday
        (date(2026, 8, 31), False, True, False),  # Late summer bank holiday: England, Wales, NI
        (date(2026, 11, 30), True, False, True),  # St Andrew's Day: Scotland only
        (date(2026, 12, 25), False, False, False),
    ],
)
def test_each_nation_keeps_its_own_bank_holidays(day, england, scotland, northern_ireland):
    assert is_working_day(day, Nation.ENGLAND_AND_WALES) is england
    assert is_working_day(day, Nation.SCOTLAND) is scotland
    assert is_working_day(day, Nation.NORTHERN_IRELAND) is northern_ireland


def test_two_working_days_from_friday_is_tuesday():
    assert add_working_days(date(2026, 11, 20), 2, Nation.ENGLAND_AND_WALES) == date(2026, 11, 24)


def test_clock_started_before_easter_skips_good_friday_and_easter_monday_in_england_only():
    thursday = date(2026, 4, 2)
    assert add_working_days(thursday, 2, Nation.ENGLAND_AND_WALES) == date(2026, 4, 8)
    assert add_working_days(thursday, 2, Nation.SCOTLAND) == date(2026, 4, 7)


def test_christmas_in_scotland_also_skips_second_of_january():
    assert add_working_days(date(2026, 12, 31), 1, Nation.SCOTLAND) == date(2027, 1, 5)
    assert add_working_days(date(2026, 12, 31), 1, Nation.ENGLAND_AND_WALES) == date(2027, 1, 4)


def test_bank_holiday_names_come_from_the_nation():
    assert bank_holiday_name(date(2026, 11, 30), Nation.SCOTLAND) is not None
    assert bank_holiday_name(date(2026, 11, 30), Nation.ENGLAND_AND_WALES) is None


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 5), -1, Nation.SCOTLAND)


@given(start=days, n=st.integers(min_value=1, max_value=60), nation=nations)
def test_adding_working_days_lands_on_a_working_day_that_many_working_days_later(start, n, nation):
    due = add_working_days(start, n, nation)
    assert is_working_day(due, nation)
    assert working_days_between(start, due, nation) == n
    assert working_days_between(start, due - timedelta(days=1), nation) == n - 1


@given(start=days, n=st.integers(min_value=1, max_value=40), nation=nations)
def test_each_extra_working_day_moves_the_due_date_later(start, n, nation):
    assert add_working_days(start, n + 1, nation) > add_working_days(start, n, nation)


@given(start=days, nation=nations)
def test_zero_working_days_is_the_clock_start_itself_or_the_next_working_day(start, nation):
    assert add_working_days(start, 0, nation) == next_working_day(start, nation)


@given(start=days, n=st.integers(min_value=1, max_value=40), nation=nations)
def test_calendar_days_are_at_least_working_days(start, n, nation):
    assert (add_working_days(start, n, nation) - start).days >= n


@given(a=days, b=days, c=days, nation=nations)
def test_working_days_between_adds_up_over_consecutive_spans(a, b, c, nation):
    a, b, c = sorted([a, b, c])
    assert working_days_between(a, c, nation) == working_days_between(a, b, nation) + working_days_between(b, c, nation)


@given(day=days, nation=nations)
def test_next_working_day_is_the_first_working_day_on_or_after(day, nation):
    found = next_working_day(day, nation)
    assert is_working_day(found, nation)
    assert found >= day
    assert all(not is_working_day(day + timedelta(days=i), nation) for i in range((found - day).days))
