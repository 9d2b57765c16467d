"""PHQ-9 item 9 above 0 raises a red flag in the transaction that records it: the flag, an urgent task due
today for the case manager (or the team lead when the case has none), and an email to the team lead; a red
flag closes only with what was done, and stays in the history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.assessments import safety
from fitforwork.assessments.models import RedFlag
from fitforwork.assessments.web import instrument_view
from fitforwork.cases.models import Task
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from tests.accounts.factories import UserFactory
from tests.assessments.safety_helpers import phq9, team_lead_at
from tests.cases.conftest import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site)


@pytest.fixture
def lead(workwell_site):
    return team_lead_at(workwell_site)


def _record(case, answers, actor, mode="phone"):
    return instrument_view.record(case=case, code="phq9", answers=answers, mode=mode, actor=actor)


def test_phq9_item_9_above_0_recorded_by_staff_raises_a_red_flag_task_and_message(workwell_site, manager, lead):
    case = open_case(workwell_site, manager, case_manager=manager)
    response = _record(case, phq9(item9=1), manager)

    flag = RedFlag.objects.get(response=response)
    assert flag.case == case
    assert flag.code
    assert flag.raised_by == manager
    assert flag.closed_at is None
    task = flag.task
    assert task.kind == Task.Kind.RED_FLAG
    assert task.due_on == timezone.localdate()
    assert task.assigned_to == manager
    message = Message.objects.get(template_name=safety.RED_FLAG_TEMPLATE)
    assert message.recipient == lead.email
    assert message.personalisation["case_reference"] == case.referral.reference
    assert str(case.pk) in message.personalisation["case_link"]
    # Nothing that identifies the client goes in the email.
    person = case.person
    flattened = " ".join(str(value) for value in message.personalisation.values())
    assert person.family_name not in flattened
    assert AuditEvent.objects.filter(action="assessments.red_flag.raised", object_id=str(flag.pk)).exists()


def test_phq9_item_9_at_0_raises_nothing(workwell_site, manager, lead):
    case = open_case(workwell_site, manager, case_manager=manager)
    _record(case, phq9(item9=0, others=3), manager)
    assert not RedFlag.objects.filter(case=case).exists()
    assert not Task.objects.filter(case=case, kind=Task.Kind.RED_FLAG).exists()
    assert not Message.objects.filter(template_name=safety.RED_FLAG_TEMPLATE).exists()


def test_with_no_case_manager_the_team_lead_gets_the_urgent_task(workwell_site, manager, lead):
    case = open_case(workwell_site, manager)
    assert case.case_manager is None
    response = _record(case, phq9(item9=2), lead)
    flag = RedFlag.objects.get(response=response)
    assert flag.task.assigned_to == lead
    assert flag.task.due_on == timezone.localdate()


def test_a_red_flag_raised_by_the_client_online_has_no_staff_raiser(workwell_site, manager, lead):
    case = open_case(workwell_site, manager, case_manager=manager)
    response = _record(case, phq9(item9=3), None, mode="client_online")
    flag = RedFlag.objects.get(response=response)
    assert flag.raised_by is None
    assert flag.task.assigned_to == manager


def test_closing_needs_what_was_done_and_keeps_the_flag_in_the_history(workwell_site, manager, lead):
    case = open_case(workwell_site, manager, case_manager=manager)
    flag = RedFlag.objects.get(response=_record(case, phq9(item9=1), manager))

    with pytest.raises(ValidationError):
        safety.red_flag_close(red_flag=flag, actor=manager, action_taken="   ")
    flag.refresh_from_db()
    assert flag.closed_at is None

    closed = safety.red_flag_close(red_flag=flag, actor=manager, action_taken="Called back; GP appointment today")
    assert closed.closed_by == manager
    assert closed.action_taken == "Called back; GP appointment today"
    assert RedFlag.objects.filter(pk=flag.pk).exists()
    closed.task.refresh_from_db()
    assert closed.task.completed_by == manager
    event = AuditEvent.objects.get(action="assessments.red_flag.closed", object_id=str(flag.pk))
    assert event.actor_id == manager.pk
    with pytest.raises(safety.RedFlagError):
        safety.red_flag_close(red_flag=closed, actor=manager, action_taken="Again")


def test_only_someone_who_works_the_case_may_close_a_red_flag(workwell_site, manager, lead):
    case = open_case(workwell_site, manager, case_manager=manager)
    flag = RedFlag.objects.get(response=_record(case, phq9(item9=1), manager))
    stranger = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
    with pytest.raises(PermissionDenied):
        safety.red_flag_close(red_flag=flag, actor=stranger, action_taken="Nothing")


def test_the_database_refuses_a_closed_flag_without_what_was_done(workwell_site, manager, lead):
    from django.db import IntegrityError, transaction

    case = open_case(workwell_site, manager, case_manager=manager)
    flag = RedFlag.objects.get(response=_record(case, phq9(item9=1), manager))
    with pytest.raises(IntegrityError), transaction.atomic():
        RedFlag.objects.filter(pk=flag.pk).update(closed_at=timezone.now(), closed_by=manager)


def test_the_team_lead_of_the_cases_own_team_is_told_not_another_teams(workwell_site, manager, lead):
    from fitforwork.cases.models import Case
    from fitforwork.organisations.models import Team

    team = Team.objects.create(site=workwell_site, name="North")
    own_lead = team_lead_at(workwell_site, email="north.lead@example.org")
    own_lead.teams.add(team)
    case = open_case(workwell_site, manager)
    Case.objects.filter(pk=case.pk).update(team=team)
    case.refresh_from_db()
    flag = RedFlag.objects.get(response=_record(case, phq9(item9=1), own_lead))
    assert flag.task.assigned_to == own_lead
    recipients = set(Message.objects.filter(template_name=safety.RED_FLAG_TEMPLATE).values_list("recipient", flat=True))
    assert recipients == {"north.lead@example.org"}
    assert lead.email not in recipients
