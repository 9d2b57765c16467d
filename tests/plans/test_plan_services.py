"""Return-to-work plans: built from the assessment, edited as drafts, agreed only once discussed, never changed
after, copied into a new draft, compared; the case moves to "plan agreed" with a review task."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from fitforwork.accounts.models import Role
from fitforwork.cases.models import CaseStatus, Task
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.versions import StaleEdit
from fitforwork.interventions.models import OnwardReferral
from fitforwork.plans import services
from fitforwork.plans.compare import compare
from fitforwork.plans.models import PlanVersion, Recommendation
from fitforwork.plans.services import PlanError
from tests.accounts.factories import UserFactory
from tests.plans.conftest import agreed_version, ready

pytestmark = pytest.mark.django_db


def test_a_plan_starts_from_the_assessment_with_its_obstacles_grouped(draft):
    obstacles = {(o.group, o.code): o for o in draft.obstacles.all()}
    assert set(obstacles) == {("health", "pain"), ("work", "physical_demands"), ("other", "financial")}
    assert obstacles[("health", "pain")].label == "Pain"
    assert obstacles[("health", "pain")].detail == "Low back pain when lifting"
    assert (draft.number, draft.status) == (1, PlanVersion.Status.DRAFT)
    assert AuditEvent.objects.filter(action="plans.plan.created").count() == 1


def test_a_plan_needs_a_finished_assessment(case, manager):
    with pytest.raises(PlanError, match="Finish the assessment"):
        services.plan_create_from_assessment(case=case, actor=manager)


def test_only_the_case_team_may_write_the_plan(draft, workwell_site):
    stranger = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
    with pytest.raises(PermissionDenied):
        services.version_update(
            version=draft, actor=stranger, expected_version=draft.version, period_from=None, period_to=None, fitness=""
        )


def test_a_version_is_agreed_only_once_discussed_with_the_client(draft, manager):
    version = services.version_update(
        version=draft,
        actor=manager,
        expected_version=draft.version,
        period_from=date.today(),
        period_to=date.today() + timedelta(weeks=4),
        fitness="fit",
    )
    with pytest.raises(PlanError, match="how and when the plan was discussed"):
        services.version_agree(version=version, actor=manager, expected_version=version.version)
    assert PlanVersion.objects.get(pk=draft.pk).status == PlanVersion.Status.DRAFT


def test_agreeing_the_first_version_moves_the_case_and_books_a_plan_review(draft, manager, assessed):
    version = agreed_version(draft, manager)
    assert version.status == PlanVersion.Status.AGREED
    assert (version.agreed_by, version.discussed_how) == (manager, "telephone")
    assessed.refresh_from_db()
    assert assessed.status == CaseStatus.PLAN_AGREED
    moves = list(assessed.status_changes.order_by("at", "id").values_list("to_status", "reason"))
    assert moves[-2:] == [
        ("assessed", "Return-to-work plan version 1 agreed"),
        ("plan_agreed", "Return-to-work plan version 1 agreed"),
    ]
    review = Task.objects.get(case=assessed, title=services.PLAN_REVIEW_TITLE)
    # WorkWell reviews every 4 weeks (time_standards.review_every_weeks): due on a working day from then.
    assert review.kind == Task.Kind.REVIEW
    assert date.today() + timedelta(weeks=4) <= review.due_on <= date.today() + timedelta(weeks=4, days=4)
    assert AuditEvent.objects.filter(action="plans.plan_version.agreed", object_id=str(version.pk)).exists()


def test_an_agreed_version_cannot_be_changed_through_the_service(draft, manager):
    version = agreed_version(draft, manager)
    with pytest.raises(PlanError, match="is agreed, so it cannot change"):
        services.version_update(
            version=version,
            actor=manager,
            expected_version=version.version,
            period_from=None,
            period_to=None,
            fitness="",
        )
    with pytest.raises(PlanError, match="is agreed"):
        services.recommendation_add(
            version=version,
            actor=manager,
            expected_version=version.version,
            obstacle=version.obstacles.first(),
            kind="self_care",
            text="Walk daily",
        )
    with pytest.raises(PlanError, match="is agreed"):
        services.version_agree(version=version, actor=manager, expected_version=version.version)


def test_editing_an_agreed_version_makes_a_new_draft_copied_from_it(draft, manager):
    agreed = agreed_version(draft, manager)
    second = services.version_new_draft(version=agreed, actor=manager)
    assert (second.number, second.based_on_number, second.status) == (2, 1, PlanVersion.Status.DRAFT)
    assert second.fitness == agreed.fitness
    assert second.period_to == agreed.period_to
    assert [r.text for r in second.recommendations.all()] == [r.text for r in agreed.recommendations.all()]
    assert second.discussed_on is None  # a new version is discussed again before it is agreed
    with pytest.raises(PlanError, match="already a draft"):
        services.version_new_draft(version=agreed, actor=manager)


def test_a_stale_edit_of_a_draft_is_refused_and_audited(draft, manager):
    services.version_update(
        version=draft, actor=manager, expected_version=draft.version, period_from=None, period_to=None, fitness="fit"
    )
    with pytest.raises(StaleEdit, match="Someone else changed the plan"):
        services.version_update(
            version=draft,
            actor=manager,
            expected_version=1,
            period_from=None,
            period_to=None,
            fitness="may_be_fit",
        )
    assert PlanVersion.objects.get(pk=draft.pk).fitness == "fit"
    assert AuditEvent.objects.filter(action=services.STALE_EDIT_REFUSED).count() == 1


def test_an_adjustment_names_its_kind_and_an_onward_referral_its_intervention(draft, manager):
    obstacle = draft.obstacles.get(code="physical_demands")
    with pytest.raises(PlanError, match="which workplace adjustment"):
        services.recommendation_add(
            version=draft,
            actor=manager,
            expected_version=None,
            obstacle=obstacle,
            kind="adjustment",
            text="Less lifting",
        )
    with pytest.raises(PlanError, match="Select the intervention"):
        services.recommendation_add(
            version=draft,
            actor=manager,
            expected_version=None,
            obstacle=obstacle,
            kind="onward_referral",
            text="Physio",
        )


def agree_next_version(version, manager, *, discussed_how):
    """A new draft from an agreed version, marked fit and discussed today, then agreed."""
    second = services.version_new_draft(version=version, actor=manager)
    second = services.version_update(
        version=second,
        actor=manager,
        expected_version=second.version,
        period_from=second.period_from,
        period_to=second.period_to,
        fitness="fit",
        discussed_how=discussed_how,
        discussed_on=date.today(),
    )
    return services.version_agree(version=second, actor=manager, expected_version=second.version)


def test_onward_referrals_are_made_through_the_interventions_service_when_agreed(draft, manager, directory, assessed):
    version = ready(draft, manager)
    services.recommendation_add(
        version=version,
        actor=manager,
        expected_version=version.version,
        obstacle=version.obstacles.get(code="pain"),
        kind="onward_referral",
        intervention=directory["physiotherapy"],
        text="Fast-track physiotherapy for the lower back",
    )
    assert not OnwardReferral.objects.filter(case=assessed).exists()  # a draft refers nobody
    version.refresh_from_db()
    services.version_agree(version=version, actor=manager, expected_version=version.version)
    onward = OnwardReferral.objects.get(case=assessed)
    assert onward.intervention == directory["physiotherapy"]
    assert Recommendation.objects.get(kind="onward_referral").onward_referral == onward
    # The copy keeps the referral already made, and agreeing it again makes no second one.
    agree_next_version(version, manager, discussed_how="video")
    assert OnwardReferral.objects.filter(case=assessed).count() == 1


def test_only_the_first_agreed_version_moves_the_case_and_books_the_review(draft, manager, assessed):
    agreed = agreed_version(draft, manager)
    agree_next_version(agreed, manager, discussed_how="face_to_face")
    assert Task.objects.filter(case=assessed, title=services.PLAN_REVIEW_TITLE).count() == 1
    assert assessed.status_changes.filter(to_status="plan_agreed").count() == 1


def test_comparing_two_versions_marks_what_changed(draft, manager):
    agreed = agreed_version(draft, manager)
    second = services.version_new_draft(version=agreed, actor=manager)
    second = services.version_update(
        version=second,
        actor=manager,
        expected_version=second.version,
        period_from=second.period_from,
        period_to=second.period_to,
        fitness="fit",
        further_help="Access to Work",
    )
    services.phased_week_set(version=second, actor=manager, expected_version=None, week=1, hours=Decimal(16), days=None)
    changes = {change.heading: change for change in compare(agreed, second)}
    fitness = changes["Fitness for work"]
    assert [line.text for line in fitness.left if line.changed] == [
        "Alex Morgan: may be fit for work if the advice is followed."
    ]
    assert [line.text for line in fitness.right if line.changed] == ["Alex Morgan: fit for work."]
    assert not changes["Further sources of help"].changed
    assert not changes["Pain"].changed
    weeks = changes["Phased return, week by week"]
    assert weeks.left == ()
    assert [line.text for line in weeks.right] == ["Week 1, 16 hours"]
    assert weeks.right[0].changed


def test_phased_weeks_take_hours_or_days_week_by_week(draft, manager):
    with pytest.raises(PlanError, match="hours or the days"):
        services.phased_week_set(version=draft, actor=manager, expected_version=None, week=1, hours=None, days=None)
    services.phased_week_set(version=draft, actor=manager, expected_version=None, week=1, hours=Decimal(12), days=None)
    services.phased_week_set(version=draft, actor=manager, expected_version=None, week=2, hours=None, days=4)
    services.phased_week_set(version=draft, actor=manager, expected_version=None, week=1, hours=Decimal(15), days=None)
    assert list(draft.phased_weeks.values_list("week", "hours", "days")) == [(1, Decimal(15), None), (2, None, 4)]
