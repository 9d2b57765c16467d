"""Triage accepts a referral and allocates its case at once: to the person triaging, to a case manager of their
team (with open caseloads shown), or to nobody yet."""

import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.cases.models import CaseAllocation
from fitforwork.referrals.intake import referral_receive
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import TeamFactory
from tests.referrals.conftest import referral_input


def _refer(site, **overrides):
    return referral_receive(channel="gp_form", payload={}, parse=lambda _: referral_input(site, **overrides))


@pytest.fixture
def team(workwell_site):
    return TeamFactory(site=workwell_site, name="Case management North")


def _signed_in(client, user):
    sign_in_with_two_factor(client, user)
    return client


def _staff(team, role=Role.CASE_MANAGER, **fields):
    user = UserFactory(role=role, site=team.site, with_device=True, **fields)
    user.teams.add(team)
    return user


def test_a_case_manager_accepts_and_allocates_to_themselves(client, team, workwell_site):
    referral = _refer(workwell_site)
    manager = _staff(team)
    client = _signed_in(client, manager)
    page = client.get(reverse("referrals:triage-referral", args=[referral.pk])).content.decode()
    assert "Accept and allocate to me" in page
    assert "caseload limit is 50 open cases" in page

    response = client.post(reverse("referrals:triage-referral", args=[referral.pk]), {"action": "accept_me"})

    assert response.status_code == 302
    referral.refresh_from_db()
    case = referral.case
    assert (case.case_manager, case.team) == (manager, team)
    allocation = CaseAllocation.objects.get(case=case)
    assert (allocation.from_user, allocation.to_user, allocation.by) == (None, manager, manager)
    # The time-standard tasks are the new case manager's.
    assert {task.assigned_to for task in case.tasks.all()} == {manager}


def test_a_team_lead_allocates_to_a_case_manager_of_the_team_shown_with_their_caseload(client, team, workwell_site):
    referral = _refer(workwell_site)
    lead = _staff(team, role=Role.TEAM_LEAD)
    colleague = _staff(team, first_name="Priya", last_name="Shah")
    _staff(TeamFactory(site=workwell_site), first_name="Other", last_name="Teamer")
    client = _signed_in(client, lead)
    page = client.get(reverse("referrals:triage-referral", args=[referral.pk])).content.decode()
    assert "Priya Shah (0 open cases)" in page
    assert "Other Teamer" not in page  # only the lead's own team
    assert "Accept and allocate to me" not in page  # a team lead holds no caseload

    url = reverse("referrals:triage-referral", args=[referral.pk])
    response = client.post(url, {"action": "accept_to", "allocate_to": str(colleague.pk)})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.case.case_manager == colleague
    assert CaseAllocation.objects.get(case=referral.case).by == lead


def test_allocating_to_someone_outside_the_team_is_refused_and_nothing_is_accepted(client, team, workwell_site):
    referral = _refer(workwell_site)
    lead = _staff(team, role=Role.TEAM_LEAD)
    outsider = _staff(TeamFactory(site=workwell_site))
    client = _signed_in(client, lead)

    url = reverse("referrals:triage-referral", args=[referral.pk])
    response = client.post(url, {"action": "accept_to", "allocate_to": str(outsider.pk)})

    assert response.status_code == 400
    assert "Select a case manager to allocate the case to" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "received"


def test_accepting_without_allocating_leaves_the_case_for_the_team_lead(client, team, workwell_site):
    referral = _refer(workwell_site)
    client = _signed_in(client, _staff(team))

    client.post(reverse("referrals:triage-referral", args=[referral.pk]), {"action": "accept"})

    referral.refresh_from_db()
    assert referral.case.case_manager is None
    assert not CaseAllocation.objects.filter(case=referral.case).exists()
