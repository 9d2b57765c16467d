"""Due dates count working days in the site's nation: weekends and that nation's bank holidays do not count.

Every expected date here is worked out by hand in the comments, not with the code under test.
"""

from datetime import UTC, date, datetime

import pytest

from fitforwork.cases import schedule
from fitforwork.cases.models import Task
from fitforwork.core.calendar import Nation
from fitforwork.organisations.config import ServiceModelConfig
from fitforwork.organisations.models import ServiceModel
from tests.cases.conftest import london, open_case
from tests.organisations.factories import valid_config

ENGLAND = Nation.ENGLAND_AND_WALES
SCOTLAND = Nation.SCOTLAND


def _config(**time_standards):
    data = valid_config("workwell")
    data["time_standards"].update(time_standards)
    return ServiceModelConfig.from_dict(data)


def _due(case):
    return {task.kind: task.due_on for task in Task.objects.filter(case=case)}


# Christmas 2026: Friday 25 December; Boxing Day falls on Saturday 26, so Monday 28 is its substitute;
# New Year's Day is Friday 1 January 2027. In Scotland 2 January (Saturday) also moves, to Monday 4 January.


@pytest.mark.parametrize(
    ("nation", "days", "expected"),
    [
        # From Thursday 24 Dec: Tue 29 (1), Wed 30 (2).
        (ENGLAND, 2, date(2026, 12, 30)),
        (SCOTLAND, 2, date(2026, 12, 30)),
        # Tue 29 (1), Wed 30 (2), Thu 31 (3), [Fri 1 Jan], Mon 4 (4), Tue 5 (5), Wed 6 (6), Thu 7 (7), Fri 8 (8),
        # Mon 11 (9), Tue 12 (10).
        (ENGLAND, 10, date(2027, 1, 12)),
        # As England, but Monday 4 January is Scotland's 2 January holiday: Tue 5 (4) ... Wed 13 (10).
        (SCOTLAND, 10, date(2027, 1, 13)),
    ],
)
def test_working_day_clocks_over_christmas_and_new_year(nation, days, expected):
    config = _config(first_contact_working_days=days, assessment_working_days=days)
    received = date(2026, 12, 24)
    assert schedule.first_contact_due(received_on=received, config=config, nation=nation) == expected
    assert schedule.assessment_due(received_on=received, config=config, nation=nation) == expected


@pytest.mark.parametrize(
    ("nation", "expected"),
    [
        # From Thursday 26 November 2026: Fri 27 (1), Mon 30 (2).
        (ENGLAND, date(2026, 11, 30)),
        # Monday 30 November is St Andrew's Day, a bank holiday only in Scotland: Fri 27 (1), Tue 1 Dec (2).
        (SCOTLAND, date(2026, 12, 1)),
    ],
)
def test_first_contact_over_st_andrews_day(nation, expected):
    config = _config(first_contact_working_days=2)
    assert schedule.first_contact_due(received_on=date(2026, 11, 26), config=config, nation=nation) == expected


@pytest.mark.parametrize(
    ("nation", "expected"),
    [
        # Four weeks after Monday 1 March 2027 is Monday 29 March, Easter Monday: a holiday in England, so Tuesday.
        (ENGLAND, date(2027, 3, 30)),
        # Easter Monday is not a bank holiday in Scotland.
        (SCOTLAND, date(2027, 3, 29)),
    ],
)
def test_a_review_landing_on_a_bank_holiday_moves_to_the_next_working_day(nation, expected):
    config = _config(review_every_weeks=4)
    assert schedule.review_due(since=date(2027, 3, 1), config=config, nation=nation) == expected


def test_a_referral_received_on_a_weekend_starts_its_clock_on_monday():
    # Saturday 28 November 2026: Mon 30 (1), Tue 1 Dec (2) in England.
    config = _config(first_contact_working_days=2)
    assert schedule.first_contact_due(received_on=date(2026, 11, 28), config=config, nation=ENGLAND) == date(
        2026, 12, 1
    )


def test_the_case_length_cap_follows_the_employment_status_at_referral():
    config = ServiceModelConfig.from_dict(valid_config("workwell"))
    assert schedule.case_length_weeks(config=config, employment_status="employed_off_sick") == 8
    assert schedule.case_length_weeks(config=config, employment_status="unemployed") == 16
    no_cap = ServiceModelConfig.from_dict(valid_config("working-health-services-scotland"))
    assert schedule.case_length_weeks(config=no_cap, employment_status="employed_off_sick") is None


def test_an_english_case_opened_at_christmas_has_its_tasks_due_by_englands_holidays(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager, received_at=london(2026, 12, 24, 16))

    assert _due(case) == {
        "first_contact": date(2026, 12, 30),  # 2 working days, as above
        "assessment": date(2027, 1, 12),  # 10 working days, as above
        # Employed and off sick: 8 weeks from Thursday 24 December 2026 is Thursday 18 February 2027.
        "case_length": date(2027, 2, 18),
    }


def test_a_scottish_case_opened_at_christmas_has_its_tasks_due_by_scotlands_holidays(scottish_site):
    from fitforwork.accounts.models import Role
    from tests.accounts.factories import UserFactory

    manager = UserFactory(role=Role.CASE_MANAGER, site=scottish_site)
    case = open_case(
        scottish_site,
        manager,
        received_at=london(2026, 12, 24, 16),
        source="self",
        postcode="DD1 4HN",
        gp_practice=scottish_site.practice,
    )

    assert case.site == scottish_site
    assert ServiceModel.objects.get(key="working-health-services-scotland").sites.filter(pk=scottish_site.pk).exists()
    # Working Health Services Scotland: 2 working days to first contact, 10 to assessment, no case length cap.
    assert _due(case) == {"first_contact": date(2026, 12, 30), "assessment": date(2027, 1, 13)}


def test_a_referral_received_just_after_midnight_in_summer_counts_from_that_london_day(workwell_site, case_manager):
    # 23:30 UTC on Thursday 1 July 2027 is 00:30 on Friday 2 July in London (BST), so the clock starts on Friday:
    # Mon 5 (1), Tue 6 (2). Counting from the UTC date would give Fri 2 (1), Mon 5 (2).
    received_at = datetime(2027, 7, 1, 23, 30, tzinfo=UTC)
    case = open_case(workwell_site, case_manager, received_at=received_at)
    assert _due(case)["first_contact"] == date(2027, 7, 6)
