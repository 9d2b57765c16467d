import random
from datetime import timedelta

import pytest
from django.utils import timezone

from fitforwork.demo.writers import writer_for_connection
from fitforwork.interventions.demo import DemoCase, DemoIntervention, onward_referral_rows
from fitforwork.interventions.models import Intervention, OnwardReferral, OnwardReferralStatusChange
from fitforwork.interventions.services import ALLOWED_MOVES
from tests.cases.conftest import open_case

pytestmark = pytest.mark.django_db


def test_demo_rows_load_under_every_constraint_and_replay_through_the_allowed_moves(
    workwell_site, case_manager, directory
):
    today = timezone.localdate()
    cases = [
        DemoCase(open_case(workwell_site, case_manager, case_manager=case_manager, given_name=f"Demo{n}").pk,
                 today - timedelta(days=n * 5), case_manager.pk)
        for n in range(30)
    ]  # fmt: skip
    interventions = [DemoIntervention(item.pk, item.typical_wait_days) for item in Intervention.objects.all()]

    writer = writer_for_connection()  # COPY on PostgreSQL, bulk_create on SQLite, as the demo writes
    writer.write(onward_referral_rows(rng=random.Random(7), cases=cases, interventions=interventions, today=today))
    writer.close()

    referrals = list(OnwardReferral.objects.all())
    assert 5 <= len(referrals) <= 25
    assert {referral.status for referral in referrals} >= {"started", "completed"}
    for referral in referrals:
        history = list(OnwardReferralStatusChange.objects.filter(onward_referral=referral).order_by("at", "id"))
        assert history[0].to_status == "requested"
        for before, after in zip(history, history[1:], strict=False):
            assert after.to_status in ALLOWED_MOVES[before.to_status]
            assert after.on >= before.on
        assert history[-1].to_status == referral.status
        assert max(change.on for change in history) <= today
