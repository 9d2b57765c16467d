"""The demo's outcomes: every time point for discharged, engaged cases, some follow-ups missing, and real
differences between service models for the evaluation to find."""

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from fitforwork.cases.models import Case
from fitforwork.demo.effects import return_chance
from fitforwork.outcomes.models import OutcomeRecord, OutcomeTimePoint
from fitforwork.outcomes.schedule import add_months
from fitforwork.outcomes.selectors import outcome_counts

pytestmark = pytest.mark.django_db


def test_every_engaged_discharged_case_has_its_baseline_discharge_and_follow_ups(loaded_demo):
    engaged = Case.objects.filter(status="discharged", furthest_stage__in=["assessed", "plan_agreed", "active_support"])
    assert engaged.exists()
    for case in engaged.exclude(discharge_reason="consent_withdrawn")[:50]:
        kinds = list(OutcomeTimePoint.objects.filter(case=case).values_list("kind", "offset_months"))
        assert kinds == [("baseline", 0), ("discharge", 0), ("follow_up", 3), ("follow_up", 6)]
        follow_up = OutcomeTimePoint.objects.get(case=case, kind="follow_up", offset_months=3)
        assert follow_up.due_on == add_months(timezone.localdate(case.discharged_at), 3)
    assert not OutcomeTimePoint.objects.exclude(case__in=engaged).exists()


def test_missing_follow_ups_have_no_record_and_done_ones_have_one(loaded_demo):
    counts = {(c.kind, c.offset_months): c for c in outcome_counts()}
    assert counts[("follow_up", 3)].missed > 0
    assert counts[("follow_up", 3)].done > 0
    assert not OutcomeRecord.objects.filter(time_point__status__in=["missed", "due"]).exists()
    done = OutcomeTimePoint.objects.filter(kind="follow_up", status="done").annotate(n=Count("records"))
    assert set(done.values_list("n", flat=True)) == {1}
    discharge = OutcomeRecord.objects.filter(time_point__kind="discharge").select_related("time_point__case")[:50]
    for record in discharge:
        assert record.work_status == record.time_point.case.work_status_at_discharge


def test_the_known_effects_order_the_models_and_case_mix():
    strong, _ = return_chance("working-health-services-scotland", "musculoskeletal", "low")
    weak, _ = return_chance("fit-for-work-pilot-gp-led", "mental_health", "high")
    reference, _ = return_chance("fit-for-work-national", "other", "medium")
    assert weak < reference < strong


def test_return_rates_differ_by_risk_in_the_loaded_data(loaded_demo):
    engaged = Case.objects.filter(status="discharged", furthest_stage__in=["assessed", "plan_agreed", "active_support"])
    rates = {}
    for risk in ("low", "high"):
        cases = engaged.filter(risk=risk).aggregate(
            n=Count("pk"), back=Count("pk", filter=Q(discharge_reason__in=["returned_to_work", "stayed_in_work"]))
        )
        rates[risk] = cases["back"] / cases["n"]
    assert rates["low"] > rates["high"]
