"""The demo's referrals and cases: consistent with the models' rules, a believable mix, the same for a seed."""

from collections import Counter

import pytest
from django.db.models import Count, F, Q
from django.db.models.fields import NOT_PROVIDED

from fitforwork.accounts.models import Role, User
from fitforwork.cases import selectors
from fitforwork.cases.models import Case, CaseAllocation, CaseStatusChange, Contact, Task
from fitforwork.demo.cases import TABLES
from fitforwork.people.models import Person
from fitforwork.referrals.models import Referral
from tests.demo.conftest import DEMO_CASES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(loaded_demo):
    return loaded_demo


def test_every_not_null_column_of_a_bulk_loaded_table_is_written():
    """COPY does not fill Django's defaults, so a new required field must be added to the demo's columns."""
    for model, columns in TABLES:
        required = {
            field.attname
            for field in model._meta.concrete_fields
            if not field.null and not field.primary_key and field.db_default is NOT_PROVIDED
        }
        assert required <= set(columns), (model, required - set(columns))


def test_nearly_every_client_has_a_case_from_an_accepted_referral():
    cases = Case.objects.count()
    assert DEMO_CASES * 0.95 <= cases <= DEMO_CASES
    assert not Case.objects.exclude(referral__status="accepted").exists()
    assert not Case.objects.exclude(person_id=F("referral__person_id")).exists()
    assert not Case.objects.exclude(site_id=F("referral__site_id")).exists()
    assert Person.objects.annotate(n=Count("cases")).filter(n__gt=1).count() == 0


def test_most_cases_are_discharged_with_reasons_and_the_open_ones_spread_over_the_stages():
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert 0.6 <= statuses["discharged"] / sum(statuses.values()) <= 0.95
    assert len([status for status in statuses if status != "discharged"]) >= 3
    discharged = Case.objects.filter(status="discharged")
    assert not discharged.filter(Q(discharge_reason="") | Q(work_status_at_discharge="")).exists()
    assert len(set(discharged.values_list("discharge_reason", flat=True))) >= 5


def test_each_case_has_its_history_allocation_and_tasks_and_managers_are_at_its_site():
    assert CaseStatusChange.objects.filter(to_status="referred").count() == Case.objects.count()
    # All but the one case the demo leaves for the team lead to allocate (waiting.py).
    allocated = Case.objects.filter(case_manager__isnull=False)
    assert Case.objects.count() - allocated.count() == 1
    assert CaseAllocation.objects.count() == allocated.count()
    assert not allocated.exclude(case_manager__site_id=F("site_id")).exists()
    assert not allocated.exclude(case_manager__role=Role.CASE_MANAGER).exists()
    assert not Case.objects.filter(team__isnull=False).exclude(team__site_id=F("site_id")).exists()
    for case in Case.objects.exclude(status="discharged")[:20]:
        assert case.status_changes.order_by("at", "id").last().to_status == case.status
    assert Task.objects.filter(kind="first_contact").count() == Case.objects.count()
    assert not Task.objects.filter(case__status="discharged", completed_at__isnull=True, cancelled_at__isnull=True)
    assert Contact.objects.filter(outcome="made").exists()


def test_some_open_cases_are_past_a_due_date_so_the_team_view_has_breaches():
    leads = User.objects.filter(role=Role.TEAM_LEAD, is_active=True)
    counts = [
        (selectors.team_cases(lead).count(), selectors.team_cases(lead, selectors.TeamFilters(breach=True)).count())
        for lead in leads
    ]
    breached = sum(breaches for _, breaches in counts)
    assert 0 < breached < sum(listed for listed, _ in counts)


def test_referrals_waiting_or_declined_have_no_case():
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert statuses["declined"] > 0
    assert not Referral.objects.filter(status__in=["declined", "received"], case__isnull=False).exists()
    assert not Referral.objects.filter(status="declined", decline_reason="").exists()


def test_some_assessed_cases_have_onward_referrals_from_the_directory():
    from fitforwork.interventions.models import OnwardReferral

    onward = OnwardReferral.objects.select_related("case")
    assert onward.exists()
    assert not onward.filter(case__furthest_stage__in=["referred", "contacted"]).exists()
    assert len(set(onward.values_list("intervention_id", flat=True))) > 1
