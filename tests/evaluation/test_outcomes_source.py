"""The evaluation reads the outcomes app's time points as outcomes.csv's rows: one per case and time point,
the latest record's answers, an empty done_on for one not done (missing, never imputed), and the scores of
the questionnaires answered at it; sustained return then counts from them."""

import datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import timezone

from fitforwork.evaluation import measures
from fitforwork.evaluation.outcomes_source import outcomes_from_database
from fitforwork.outcomes.models import OutcomeRecord, OutcomeTimePoint
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_each_time_point_is_a_row_with_its_latest_record_and_a_missing_one_stays_empty():
    case = CaseFactory(discharged=True)
    other = CaseFactory(discharged=True)
    today = timezone.localdate()
    three = OutcomeTimePoint.objects.create(case=case, kind="follow_up", offset_months=3, due_on=today, status="done")
    OutcomeTimePoint.objects.create(case=case, kind="follow_up", offset_months=6, due_on=today, status="missed")
    OutcomeTimePoint.objects.create(case=other, kind="discharge", due_on=today)
    earlier = timezone.now() - datetime.timedelta(days=2)
    OutcomeRecord.objects.create(time_point=three, work_status="off_sick", mode="phone", recorded_at=earlier)
    OutcomeRecord.objects.create(
        time_point=three, work_status="in_work_adjusted", mode="client_online", hours_per_week=Decimal("22.5"),
        return_to_work_date=today - datetime.timedelta(days=10),
    )  # fmt: skip

    frame = outcomes_from_database([case.pk])

    assert list(frame["time_point"]) == ["3m", "6m"]
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["episode_id"] == str(case.pk)
    assert first["work_status"] == "in_work_adjusted"  # the latest record, not the first
    assert first["hours_worked"] == 22.5
    assert first["returned_on"] == today - datetime.timedelta(days=10)
    assert first["done_on"] == today
    assert pd.isna(second["done_on"])
    assert pd.isna(second["work_status"])
    assert len(outcomes_from_database()) == 3


def test_sustained_return_counts_the_done_follow_up_and_the_missing_one():
    case = CaseFactory(discharged=True)
    cutoff = timezone.localdate()
    three = OutcomeTimePoint.objects.create(case=case, kind="follow_up", offset_months=3, due_on=cutoff)
    OutcomeRecord.objects.create(time_point=three, work_status="in_work_usual", mode="phone")
    missing = CaseFactory(discharged=True)
    OutcomeTimePoint.objects.create(case=missing, kind="follow_up", offset_months=3, due_on=cutoff)
    episodes = pd.DataFrame(
        {
            "episode_id": [str(case.pk), str(missing.pk)],
            "discharged": [True, True],
            "in_work": [True, True],
            "data_cutoff": pd.to_datetime([cutoff, cutoff]),
        }
    )
    result = measures.sustained_return(episodes, outcomes_from_database())
    point = result["time_points"]["3m"]
    assert point["missing"] == 1
    assert result["n"] == 2
