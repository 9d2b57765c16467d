from datetime import date, datetime

import pytest
from django.utils import timezone

from fitforwork.cases.models import Case
from fitforwork.interventions.selectors import referral_to_first_intervention
from fitforwork.interventions.services import onward_referral_move, onward_referral_request
from tests.cases.conftest import open_case

pytestmark = pytest.mark.django_db


def _received(case_: Case, when: datetime) -> None:
    case_.referral.__class__.objects.filter(pk=case_.referral_id).update(received_at=when)


def test_time_from_referral_to_first_intervention_counts_days_to_the_earliest_start(
    workwell_site, case_manager, directory
):
    tz = timezone.get_current_timezone()
    # Received late in the evening in London: the London date (1 October), not the UTC one, starts the clock.
    first = open_case(workwell_site, case_manager, case_manager=case_manager)
    _received(first, datetime(2026, 10, 1, 23, 30, tzinfo=tz))
    slow = onward_referral_request(
        case=first, intervention=directory["talking_therapies"], actor=case_manager, requested_on=date(2026, 10, 2)
    )
    quick = onward_referral_request(
        case=first, intervention=directory["physiotherapy"], actor=case_manager, requested_on=date(2026, 10, 2)
    )
    for onward, started in ((slow, date(2026, 11, 20)), (quick, date(2026, 10, 15))):
        onward_referral_move(onward_referral=onward, to="accepted", actor=case_manager, on=date(2026, 10, 5))
        onward_referral_move(onward_referral=onward, to="started", actor=case_manager, on=started)
    never = open_case(workwell_site, case_manager, case_manager=case_manager, given_name="Robin")
    onward_referral_request(case=never, intervention=directory["debt_advice"], actor=case_manager)

    rows = {row["pk"]: row for row in referral_to_first_intervention(Case.objects.all())}

    assert rows[first.pk]["received_on"] == date(2026, 10, 1)
    assert rows[first.pk]["first_intervention_on"] == date(2026, 10, 15)
    assert rows[first.pk]["time_to_first_intervention"].days == 14
    assert rows[never.pk]["first_intervention_on"] is None
    assert rows[never.pk]["time_to_first_intervention"] is None


def test_the_selector_keeps_to_the_cases_it_is_given(workwell_site, case_manager, directory):
    first = open_case(workwell_site, case_manager, case_manager=case_manager)
    open_case(workwell_site, case_manager, case_manager=case_manager, given_name="Robin")
    rows = list(referral_to_first_intervention(Case.objects.filter(pk=first.pk)))
    assert [row["pk"] for row in rows] == [first.pk]
