"""Demand and capacity: referrals expected against received, penetration, and the caseload forecast, each
figure worked out by hand from the rows the test makes."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case
from fitforwork.core.audit.models import AuditEvent
from fitforwork.evaluation.demand import capacity_forecast, expected_against_actual, penetration
from fitforwork.organisations.forecasts import latest_forecasts, referral_forecast_enter
from fitforwork.organisations.models import PopulationBasis, ReferralForecast
from fitforwork.referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case, refer
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture

TODAY = date(2026, 12, 10)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


@pytest.fixture
def commissioner(db):
    return UserFactory(role=Role.COMMISSIONER)


def received(site, day, count):
    for _ in range(count):
        refer(site, received_at=at(day))


def test_a_forecast_entered_again_supersedes_the_first_which_is_kept_and_audited(workwell_site, commissioner):  # noqa: F811
    referral_forecast_enter(site=workwell_site, month=date(2026, 10, 1), expected=300, actor=commissioner)
    referral_forecast_enter(site=workwell_site, month=date(2026, 10, 1), expected=120, actor=commissioner)
    assert latest_forecasts(workwell_site, date(2026, 10, 1), date(2026, 10, 1))[date(2026, 10, 1)].expected == 120
    assert sorted(ReferralForecast.objects.values_list("expected", flat=True)) == [120, 300]
    event = AuditEvent.objects.filter(action="organisations.referral_forecast.entered").order_by("-pk").first()
    assert (event.data["expected"], event.data["was"]) == (120, 300)


def test_a_forecast_must_be_for_a_month_and_a_sensible_number(workwell_site, commissioner):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        referral_forecast_enter(site=workwell_site, month=date(2026, 10, 2), expected=-1, actor=commissioner)
    assert set(refused.value.message_dict) == {"month", "expected"}
    assert not ReferralForecast.objects.exists()


def test_expected_against_received_month_by_month_with_the_current_month_in_part(workwell_site, commissioner):  # noqa: F811
    for month, expected in ((date(2026, 10, 1), 20), (date(2026, 12, 1), 31)):
        referral_forecast_enter(site=workwell_site, month=month, expected=expected, actor=commissioner)
    received(workwell_site, date(2026, 10, 5), 15)
    received(workwell_site, date(2026, 11, 20), 6)  # November has no forecast
    received(workwell_site, date(2026, 12, 3), 5)
    result = expected_against_actual(workwell_site, date(2026, 10, 1), date(2027, 1, 1), TODAY)
    months = {row["month"]: row for row in result["months"]}
    assert list(months) == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]  # not January: not begun
    assert (months[date(2026, 10, 1)]["expected_so_far"], months[date(2026, 10, 1)]["received"]) == (20, 15)
    assert months[date(2026, 10, 1)]["percent_of_expected"] == 75.0
    assert (months[date(2026, 11, 1)]["expected"], months[date(2026, 11, 1)]["received"]) == (None, 6)
    assert months[date(2026, 12, 1)]["expected_so_far"] == 10.0  # 31 expected x 10 of December's 31 days
    assert months[date(2026, 12, 1)]["percent_of_expected"] == 50.0
    assert result["totals"] == {"expected_so_far": 30.0, "received": 26}


def test_a_month_with_1_to_4_referrals_is_hidden_with_the_next_smallest(workwell_site, commissioner):  # noqa: F811
    referral_forecast_enter(site=workwell_site, month=date(2026, 10, 1), expected=10, actor=commissioner)
    received(workwell_site, date(2026, 10, 5), 3)
    received(workwell_site, date(2026, 11, 5), 6)
    received(workwell_site, date(2026, 12, 5), 9)
    result = expected_against_actual(workwell_site, date(2026, 10, 1), date(2026, 12, 1), TODAY)
    shown = [row["received"] for row in result["months"]]
    assert shown == ["<5", "*", 9]
    assert result["months"][0]["percent_of_expected"] == "*"  # 30% of a shown 10 would give the 3 back
    assert result["totals"]["received"] == 18


def test_penetration_is_referrals_in_a_year_per_1000_of_the_configured_population(workwell_site):  # noqa: F811
    workwell_site.population, workwell_site.population_basis = 40_000, PopulationBasis.EMPLOYED
    workwell_site.save()
    received(workwell_site, TODAY - timedelta(days=364), 6)
    received(workwell_site, TODAY - timedelta(days=365), 1)  # a year and a day ago: outside
    result = penetration(workwell_site, TODAY)
    assert (result["referrals"], result["per_1000"]) == (6, 0.15)  # 6 / 40,000 x 1,000
    assert result["basis"] == "people in employment"
    workwell_site.population = None
    assert penetration(workwell_site, TODAY)["per_1000"] is None


def test_the_caseload_forecast_moves_towards_arrivals_times_case_length(workwell_site):  # noqa: F811
    workwell_site.caseload_limit = 5
    workwell_site.save()
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    UserFactory.create_batch(2, role=Role.CASE_MANAGER, site=workwell_site)
    UserFactory(role=Role.CASE_MANAGER, site=workwell_site, is_active=False)  # left: not counted
    opened = [open_case(workwell_site, lead) for _ in range(19)]
    # 12 open, opened 2 weeks ago: the 12 weeks' arrivals, 1 a week
    Case.objects.filter(pk__in=[c.pk for c in opened[:12]]).update(opened_at=at(TODAY - timedelta(weeks=2)))
    # 6 opened 20 weeks ago and discharged 16 weeks ago: a case length of 4 weeks
    done = dict(status="discharged", discharge_reason="stayed_in_work", work_status_at_discharge="in_work_usual")
    Case.objects.filter(pk__in=[c.pk for c in opened[12:18]]).update(
        opened_at=at(TODAY - timedelta(weeks=20)), discharged_at=at(TODAY - timedelta(weeks=16)), **done
    )
    # 1 discharged 30 weeks ago after 50 weeks: too long ago to count
    Case.objects.filter(pk=opened[18].pk).update(
        opened_at=at(TODAY - timedelta(weeks=80)), discharged_at=at(TODAY - timedelta(weeks=30)), **done
    )
    forecast = capacity_forecast(workwell_site, TODAY)
    assert (forecast["case_managers"], forecast["arrivals_per_week"], forecast["case_length_weeks"]) == (2, 1.0, 4.0)
    assert (forecast["now"].open_cases, forecast["now"].per_case_manager, forecast["now"].over_limit) == (12, 6.0, True)
    # Each week: open + 1 - open / 4, so open after t weeks = 4 + (12 - 4) x 0.75^t
    assert [(w.weeks, w.open_cases, w.per_case_manager) for w in forecast["weeks"]] == [
        (4, 6.5, 3.3),  # 4 + 8 x 0.3164 = 6.53
        (8, 4.8, 2.4),  # 4 + 8 x 0.1001 = 4.80
        (12, 4.3, 2.1),  # 4 + 8 x 0.0317 = 4.25
    ]
    assert [w.over_limit for w in forecast["weeks"]] == [False, False, False]


def test_with_no_case_discharged_lately_the_forecast_adds_arrivals_and_says_so(workwell_site):  # noqa: F811
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    cases = [open_case(workwell_site, lead) for _ in range(6)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(opened_at=at(TODAY - timedelta(weeks=1)))
    forecast = capacity_forecast(workwell_site, TODAY)
    assert forecast["length_known"] is False
    assert [w.open_cases for w in forecast["weeks"]] == [8.0, 10.0, 12.0]  # 6 + 0.5 a week


def test_a_site_with_1_to_4_open_cases_does_not_show_the_count(workwell_site):  # noqa: F811
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    open_case(workwell_site, lead)
    forecast = capacity_forecast(workwell_site, TODAY)
    assert forecast["now"].open_cases == "<5"
    assert [w.open_cases for w in forecast["weeks"]] == ["*", "*", "*"]
    assert Referral.objects.count() == 1
