from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.mdt import care_team_add
from fitforwork.cases.models import CareTeamMember
from fitforwork.core.audit.models import AuditEvent
from fitforwork.interventions.models import Intervention, OnwardReferral, OnwardReferralStatusChange
from fitforwork.interventions.presets import PRESETS
from fitforwork.interventions.selectors import interventions_for_case
from fitforwork.interventions.services import (
    OnwardReferralError,
    intervention_create,
    intervention_presets_load,
    onward_referral_move,
    onward_referral_request,
)
from tests.accounts.factories import UserFactory
from tests.organisations.factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_loading_the_directory_twice_adds_each_preset_once(db):
    assert intervention_presets_load(actor=None) == len(PRESETS)
    assert intervention_presets_load(actor=None) == 0
    call_command("interventions", "load")
    assert Intervention.objects.count() == len(PRESETS)
    assert {item.kind for item in Intervention.objects.all()} == set(Intervention.Kind.values)


def test_a_case_sees_the_directory_for_all_sites_and_its_own_but_not_another_sites(case, directory, case_manager):
    own = intervention_create(
        actor=None,
        name="Leicester back class",
        kind="exercise_programme",
        provider="Leisure Leicester",
        typical_wait_days=5,
        site=case.site,
    )
    other = intervention_create(
        actor=None,
        name="Dundee back class",
        kind="exercise_programme",
        provider="Leisure Dundee",
        typical_wait_days=5,
        site=SiteFactory(),
    )
    retired = intervention_create(
        actor=None, name="Old scheme", kind="debt_advice", provider="Gone", typical_wait_days=5, is_active=False
    )
    available = set(interventions_for_case(case))
    assert own in available
    assert directory["physiotherapy"] in available
    assert other not in available
    assert retired not in available
    with pytest.raises(OnwardReferralError, match="not available to this case's site"):
        onward_referral_request(case=case, intervention=other, actor=case_manager)
    with pytest.raises(OnwardReferralError, match="no longer taking referrals"):
        onward_referral_request(case=case, intervention=retired, actor=case_manager)


def test_an_onward_referral_moves_requested_accepted_started_completed_with_history_and_audit(
    case, directory, case_manager
):
    today = timezone.localdate()
    onward = onward_referral_request(case=case, intervention=directory["physiotherapy"], actor=case_manager)
    onward_referral_move(onward_referral=onward, to="accepted", actor=case_manager, on=today)
    onward_referral_move(onward_referral=onward, to="started", actor=case_manager, on=today)
    done = onward_referral_move(onward_referral=onward, to="completed", actor=case_manager, on=today)
    assert done.status == "completed"
    assert (done.requested_on, done.accepted_on, done.started_on, done.completed_on) == (today, today, today, today)
    changes = list(OnwardReferralStatusChange.objects.filter(onward_referral=onward).order_by("at", "id"))
    assert [(change.from_status, change.to_status) for change in changes] == [
        ("", "requested"),
        ("requested", "accepted"),
        ("accepted", "started"),
        ("started", "completed"),
    ]
    assert all(change.actor == case_manager for change in changes)
    actions = list(
        AuditEvent.objects.filter(action__startswith="interventions.onward_referral.").values_list("action", flat=True)
    )
    assert actions == [
        f"interventions.onward_referral.{step}" for step in ("requested", "accepted", "started", "completed")
    ]


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "started"),
        ([], "completed"),
        (["accepted"], "completed"),
        (["accepted"], "accepted"),
        (["accepted", "started"], "declined"),
        (["accepted", "started", "completed"], "declined"),
        (["declined"], "accepted"),
    ],
)
def test_moves_outside_the_table_are_refused_in_words(case, directory, case_manager, path, to):
    onward = onward_referral_request(case=case, intervention=directory["physiotherapy"], actor=case_manager)
    for step in path:
        onward_referral_move(onward_referral=onward, to=step, actor=case_manager, reason="Too far away")
    with pytest.raises(OnwardReferralError, match="so it cannot be"):
        onward_referral_move(onward_referral=onward, to=to, actor=case_manager, reason="x")
    onward.refresh_from_db()
    assert onward.status == (path[-1] if path else "requested")
    assert onward.status_changes.count() == len(path) + 1


def test_a_decline_needs_a_reason_and_records_it(case, directory, case_manager):
    onward = onward_referral_request(case=case, intervention=directory["debt_advice"], actor=case_manager)
    with pytest.raises(OnwardReferralError, match="Enter why"):
        onward_referral_move(onward_referral=onward, to="declined", actor=case_manager)
    declined = onward_referral_move(onward_referral=onward, to="declined", actor=case_manager, reason="Moved away")
    assert (declined.status, declined.decline_reason) == ("declined", "Moved away")


def test_dates_must_follow_each_other_and_not_be_in_the_future(case, directory, case_manager):
    today = timezone.localdate()
    onward = onward_referral_request(case=case, intervention=directory["physiotherapy"], actor=case_manager)
    with pytest.raises(OnwardReferralError, match="today or in the past"):
        onward_referral_move(onward_referral=onward, to="accepted", actor=case_manager, on=today + timedelta(days=1))
    with pytest.raises(OnwardReferralError, match="on or after"):
        onward_referral_move(onward_referral=onward, to="accepted", actor=case_manager, on=today - timedelta(days=1))
    with pytest.raises(OnwardReferralError, match="on or after the day the referral was received"):
        onward_referral_request(
            case=case,
            intervention=directory["physiotherapy"],
            actor=case_manager,
            requested_on=timezone.localdate(case.referral.received_at) - timedelta(days=1),
        )


def test_the_database_refuses_dates_out_of_order_and_statuses_without_their_dates(case, directory, case_manager):
    today = timezone.localdate()
    onward = onward_referral_request(case=case, intervention=directory["physiotherapy"], actor=case_manager)
    for changes in (
        {"status": "accepted"},  # accepted without its date
        {"status": "accepted", "accepted_on": today - timedelta(days=3)},  # before the request
        {"status": "started", "accepted_on": today, "started_on": today - timedelta(days=1)},
        {"status": "declined", "declined_on": today},  # no reason
        {"status": "requested", "started_on": today},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            OnwardReferral.objects.filter(pk=onward.pk).update(**changes)


def test_only_people_working_on_the_case_may_refer_it_on(case, directory, case_manager, practitioner, workwell_site):
    with pytest.raises(PermissionDenied):
        onward_referral_request(case=case, intervention=directory["physiotherapy"], actor=practitioner)
    care_team_add(
        case=case, user=practitioner, discipline=CareTeamMember.Discipline.PHYSIOTHERAPIST, actor=case_manager
    )
    onward = onward_referral_request(case=case, intervention=directory["physiotherapy"], actor=practitioner)
    moved = onward_referral_move(onward_referral=onward, to="accepted", actor=practitioner)
    assert moved.status == "accepted"
    stranger = UserFactory(role=Role.CASE_MANAGER, site=SiteFactory())
    with pytest.raises(PermissionDenied):
        onward_referral_move(onward_referral=onward, to="started", actor=stranger)


def test_a_discharged_case_cannot_be_referred_on(case, directory, case_manager):
    from fitforwork.cases.services import case_discharge

    case_discharge(case=case, actor=case_manager, reason_code="stayed_in_work", work_status="in_work_usual")
    case.refresh_from_db()
    with pytest.raises(OnwardReferralError, match="discharged"):
        onward_referral_request(case=case, intervention=directory["physiotherapy"], actor=case_manager)
