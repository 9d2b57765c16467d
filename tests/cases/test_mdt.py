"""The care team and MDT notes services: who may change them, what is refused, and that history stays."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.access import cases_visible_to, relationship_to
from fitforwork.cases.mdt import CareTeamError, care_team_add, care_team_candidates, care_team_remove, mdt_note_add
from fitforwork.cases.models import CareTeamMember, MdtNote
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.organisations.factories import SiteFactory

pytestmark = pytest.mark.django_db
PHYSIO = CareTeamMember.Discipline.PHYSIOTHERAPIST


@pytest.fixture
def case(workwell_site, case_manager):
    return open_case(workwell_site, case_manager, case_manager=case_manager)


@pytest.fixture
def physio(workwell_site):
    return UserFactory(role=Role.PRACTITIONER, site=workwell_site)


def test_a_practitioner_added_to_the_care_team_sees_that_case_and_no_other(workwell_site, case, case_manager, physio):
    other = open_case(workwell_site, case_manager, case_manager=case_manager, given_name="Robin")
    assert list(cases_visible_to(physio)) == []
    member = care_team_add(case=case, user=physio, discipline=PHYSIO, actor=case_manager)
    assert (member.added_by, member.discipline) == (case_manager, PHYSIO)
    assert list(cases_visible_to(physio)) == [case]
    assert relationship_to(physio, other) == ""
    assert AuditEvent.objects.filter(action="cases.care_team.added", object_id=str(case.pk)).count() == 1


def test_removing_a_member_ends_their_access_and_keeps_the_record(case, case_manager, physio):
    member = care_team_add(case=case, user=physio, discipline=PHYSIO, actor=case_manager)
    removed = care_team_remove(member=member, actor=case_manager)
    assert removed.removed_by == case_manager
    assert removed.removed_at is not None
    assert list(cases_visible_to(physio)) == []
    assert CareTeamMember.objects.filter(pk=member.pk).exists()
    with pytest.raises(CareTeamError, match="already left"):
        care_team_remove(member=member, actor=case_manager)
    # They can join again later; the earlier membership stays in the history.
    care_team_add(case=case, user=physio, discipline=PHYSIO, actor=case_manager)
    assert CareTeamMember.objects.filter(case=case, user=physio).count() == 2


def test_a_duplicate_member_is_refused_in_words_and_by_the_database(case, case_manager, physio):
    care_team_add(case=case, user=physio, discipline=PHYSIO, actor=case_manager)
    with pytest.raises(CareTeamError, match="already in the care team"):
        care_team_add(case=case, user=physio, discipline="oh_nurse", actor=case_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        CareTeamMember.objects.create(case=case, user=physio, discipline="oh_nurse", added_by=case_manager)


@pytest.mark.parametrize("role", [Role.GP, Role.EMPLOYER, Role.TEAM_LEAD, Role.ADMINISTRATOR, Role.ADVICE_ADVISER])
def test_only_practitioners_and_case_managers_can_join_a_care_team(case, case_manager, workwell_site, role):
    with pytest.raises(CareTeamError, match="not a practitioner or case manager"):
        care_team_add(case=case, user=UserFactory(role=role, site=workwell_site), discipline=PHYSIO, actor=case_manager)


def test_the_case_manager_or_a_team_lead_of_the_site_may_change_the_care_team(
    case, case_manager, physio, workwell_site
):
    colleague = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    with pytest.raises(PermissionDenied):
        care_team_add(case=case, user=physio, discipline=PHYSIO, actor=colleague)
    with pytest.raises(PermissionDenied):
        care_team_add(
            case=case, user=physio, discipline=PHYSIO, actor=UserFactory(role=Role.TEAM_LEAD, site=SiteFactory())
        )
    member = care_team_add(
        case=case, user=physio, discipline=PHYSIO, actor=UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    )
    with pytest.raises(PermissionDenied):
        care_team_remove(member=member, actor=physio)


def test_the_case_manager_is_not_added_to_their_own_care_team(case, case_manager):
    with pytest.raises(CareTeamError, match="is the case manager"):
        care_team_add(case=case, user=case_manager, discipline="work_coach", actor=case_manager)
    assert case_manager not in care_team_candidates(case)


def test_candidates_are_the_sites_practitioners_and_case_managers_not_yet_in_the_team(
    case, case_manager, physio, workwell_site
):
    elsewhere = UserFactory(role=Role.PRACTITIONER, site=SiteFactory())
    lead = UserFactory(role=Role.TEAM_LEAD, site=workwell_site)
    assert physio in care_team_candidates(case)
    assert elsewhere not in care_team_candidates(case)
    assert lead not in care_team_candidates(case)
    care_team_add(case=case, user=physio, discipline=PHYSIO, actor=case_manager)
    assert physio not in care_team_candidates(case)


def test_a_care_team_member_may_write_an_mdt_note_and_a_stranger_may_not(case, case_manager, physio):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        mdt_note_add(case=case, actor=physio, discussed_on=today, attendees="Mei", note="Back pain")
    care_team_add(case=case, user=physio, discipline=PHYSIO, actor=case_manager)
    note = mdt_note_add(
        case=case, actor=physio, discussed_on=today, attendees=" Mei Chen (physio) ", note="Back pain.", actions="Refer"
    )
    assert (note.author, note.attendees, note.actions) == (physio, "Mei Chen (physio)", "Refer")
    assert AuditEvent.objects.filter(action="cases.mdt_note.added", object_id=str(case.pk)).exists()


def test_an_mdt_note_needs_who_what_and_a_sensible_date(case, case_manager):
    today = timezone.localdate()
    with pytest.raises(CareTeamError, match="who took part"):
        mdt_note_add(case=case, actor=case_manager, discussed_on=today, attendees=" ", note="x")
    with pytest.raises(CareTeamError, match="what was discussed"):
        mdt_note_add(case=case, actor=case_manager, discussed_on=today, attendees="x", note="")
    with pytest.raises(CareTeamError, match="today or in the past"):
        mdt_note_add(case=case, actor=case_manager, discussed_on=today + timedelta(days=1), attendees="x", note="y")
    assert MdtNote.objects.count() == 0
