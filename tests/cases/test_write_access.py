"""Reading a case through break-glass or a place in its care team never lets someone change it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases import mdt
from fitforwork.cases.access import case_assignees
from fitforwork.cases.models import BreakGlass, CareTeamMember
from fitforwork.cases.rules import can_work_case
from fitforwork.cases.services import CaseError, case_set_risk, task_add
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.organisations.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teamed_case(workwell_site, case_manager):
    team = TeamFactory(site=workwell_site, name="North")
    case_manager.teams.add(team)
    case = open_case(workwell_site, case_manager, case_manager=case_manager)
    case.team = team
    case.save(update_fields=["team"])
    return case


def _glass(case, user):
    now = timezone.now()
    BreakGlass.objects.create(
        case=case, user=user, reason="Urgent call", granted_at=now, expires_at=now + timedelta(hours=4)
    )


def test_break_glass_at_the_cases_own_site_gives_no_right_to_change_it(teamed_case, workwell_site):
    reader = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    _glass(teamed_case, reader)
    assert can_work_case(reader, teamed_case) is False
    with pytest.raises(PermissionDenied):
        case_set_risk(case=teamed_case, risk="high", actor=reader)


def test_a_team_lead_reading_through_break_glass_cannot_add_to_the_care_team(teamed_case, workwell_site):
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    _glass(teamed_case, lead)
    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
    with pytest.raises(PermissionDenied):
        mdt.care_team_add(case=teamed_case, user=physio, discipline="physiotherapist", actor=lead)
    assert not CareTeamMember.objects.filter(case=teamed_case).exists()


def test_the_team_lead_of_the_cases_team_can(teamed_case, workwell_site):
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    lead.teams.add(teamed_case.team)
    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
    member = mdt.care_team_add(case=teamed_case, user=physio, discipline="physiotherapist", actor=lead)
    assert member.user == physio


def test_tasks_go_only_to_people_who_can_complete_them(teamed_case, workwell_site, case_manager):
    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
    mdt.care_team_add(case=teamed_case, user=physio, discipline="physiotherapist", actor=case_manager)
    assert physio not in case_assignees(teamed_case)
    assert case_manager in case_assignees(teamed_case)
    with pytest.raises(CaseError, match="works on this case"):
        task_add(case=teamed_case, actor=case_manager, title="Physio", due_on=date.today(), assigned_to=physio)
