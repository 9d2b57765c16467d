"""Plans and fit notes are in a subject access export, and go with their case at the end of retention, even
an agreed version whose recommendation made an onward referral (the database guards changes, not erasure)."""

from datetime import date

import pytest
from django.utils import timezone

from fitforwork.dataprotection.retention import retention_delete
from fitforwork.dataprotection.selectors import subject_access_gather
from fitforwork.interventions.models import OnwardReferral
from fitforwork.plans.models import FitNote, Obstacle, Plan, PlanVersion, Recommendation
from tests.dataprotection.conftest import record_for

pytestmark = pytest.mark.django_db


def _agreed_plan(case):
    """An agreed version as the demo would bulk-load one: a draft with its parts, then marked agreed."""
    plan = Plan.objects.create(case=case)
    version = PlanVersion.objects.create(plan=plan, number=1, period_from=date(2017, 1, 2), period_to=date(2017, 3, 1))
    obstacle = Obstacle.objects.create(plan_version=version, group="health", code="pain", label="Pain")
    onward = OnwardReferral.objects.get(case=case)
    Recommendation.objects.create(
        plan_version=version,
        obstacle=obstacle,
        kind="onward_referral",
        intervention=onward.intervention,
        onward_referral=onward,
        text="Back pain class",
    )
    PlanVersion.objects.filter(pk=version.pk).update(
        status="agreed",
        fitness="may_be_fit",
        discussed_how="telephone",
        discussed_on=date(2017, 1, 2),
        agreed_by=case.case_manager,
        agreed_at=timezone.now(),
    )
    FitNote.objects.create(
        case=case,
        source="received",
        condition="Back pain",
        fitness="not_fit",
        period_from=date(2017, 1, 2),
        period_to=date(2017, 2, 1),
        issued_on=date(2017, 1, 2),
        issuer_name="Dr Sam Okafor",
        issuer_profession="doctor",
    )
    return version


def test_a_subject_access_export_carries_the_plan_versions_and_fit_notes():
    case = record_for()
    _agreed_plan(case)
    export = subject_access_gather(case.person)
    (version,) = export["plans"]
    assert version["status"] == "agreed"
    assert version["recommendations"][0]["text"] == "Back pain class"
    assert export["fit_notes"][0]["issuer_name"] == "Dr Sam Okafor"


def test_retention_erases_an_agreed_plan_with_its_case():
    case = record_for(closed_years_ago=9)
    _agreed_plan(case)
    retention_delete()
    assert not PlanVersion.objects.exists()
    assert not Recommendation.objects.exists()
    assert not FitNote.objects.exists()
