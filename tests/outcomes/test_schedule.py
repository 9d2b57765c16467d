"""The outcome schedule: from the case's service model version, made once at discharge."""

from datetime import date

import pytest
from django.utils import timezone

from fitforwork.cases.models import DischargeReason
from fitforwork.organisations.config import ServiceModelConfig
from fitforwork.organisations.models import ServiceModelVersion
from fitforwork.outcomes.models import OutcomeRecord, OutcomeTimePoint
from fitforwork.outcomes.schedule import add_months, schedule_for
from fitforwork.outcomes.services import outcome_schedule_create
from tests.outcomes.conftest import assess, discharge

pytestmark = pytest.mark.django_db


def test_a_config_without_follow_up_months_gets_3_and_6(case):
    data = case.rules.config
    del data["outcome_schedule"]["follow_up_months"]
    assert ServiceModelConfig.from_dict(data).outcome_schedule.follow_up_months == (3, 6)
    del data["outcome_schedule"]
    assert ServiceModelConfig.from_dict(data).outcome_schedule.follow_up_months == (3, 6)


def test_custom_offsets_give_their_own_follow_ups(case):
    data = case.rules.config
    data["outcome_schedule"]["follow_up_months"] = [4, 12]
    points = schedule_for(
        ServiceModelConfig.from_dict(data), assessed_on=date(2026, 1, 5), discharged_on=date(2026, 3, 31)
    )
    assert [(p.kind, p.offset_months, p.due_on) for p in points] == [
        ("baseline", 0, date(2026, 1, 5)),
        ("discharge", 0, date(2026, 3, 31)),
        ("follow_up", 4, date(2026, 7, 31)),
        ("follow_up", 12, date(2027, 3, 31)),
    ]


def test_a_month_later_than_the_31st_is_the_months_last_day():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_discharge_makes_baseline_discharge_and_follow_ups_at_3_and_6_months(discharged, manager):
    today = timezone.localdate()
    points = list(OutcomeTimePoint.objects.filter(case=discharged))
    assert [(p.kind, p.offset_months, p.status) for p in points] == [
        ("baseline", 0, "done"),
        ("discharge", 0, "done"),
        ("follow_up", 3, "due"),
        ("follow_up", 6, "due"),
    ]
    assert points[2].due_on == add_months(today, 3)
    assert [r.instrument_code for r in points[0].responses.all()] == ["phq9"]
    at_discharge = OutcomeRecord.objects.get(time_point=points[1])
    assert (at_discharge.work_status, at_discharge.recorded_by) == ("in_work_adjusted", manager)


def test_the_service_model_versions_offsets_are_used(case, manager):
    version = case.rules
    data = version.config
    data["outcome_schedule"]["follow_up_months"] = [4, 12]
    custom = ServiceModelVersion.objects.create(
        service_model=version.service_model, number=version.number + 1, config=data
    )
    type(case).objects.filter(pk=case.pk).update(rules=custom)
    case.refresh_from_db()
    discharged = discharge(assess(case, manager), manager)
    offsets = OutcomeTimePoint.objects.filter(case=discharged, kind="follow_up").values_list("offset_months", flat=True)
    assert list(offsets) == [4, 12]


def test_the_schedule_is_made_once(discharged, manager):
    outcome_schedule_create(case=discharged, actor=manager)
    assert OutcomeTimePoint.objects.filter(case=discharged).count() == 4


def test_a_case_discharged_before_assessment_gets_no_schedule(case, manager):
    discharged = discharge(case, manager, reason=DischargeReason.NOT_CONTACTABLE, work_status="off_sick")
    assert not OutcomeTimePoint.objects.filter(case=discharged).exists()


def test_withdrawn_consent_means_no_follow_ups(case, manager):
    discharged = discharge(assess(case, manager), manager, reason=DischargeReason.CONSENT_WITHDRAWN)
    kinds = OutcomeTimePoint.objects.filter(case=discharged).values_list("kind", flat=True)
    assert list(kinds) == ["baseline", "discharge"]
