from datetime import date, timedelta

import pytest

from fitforwork.accounts.models import Role
from fitforwork.assessments.assessment_services import assessment_save
from fitforwork.cases.models import CaseStatus
from fitforwork.cases.services import case_transition
from fitforwork.core.calendar import Nation
from fitforwork.interventions.models import Intervention
from fitforwork.interventions.services import intervention_presets_load
from fitforwork.organisations.models import ServiceModel
from fitforwork.plans import services
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.organisations.factories import OrganisationFactory, SiteFactory
from tests.referrals.conftest import referral_input, workwell_site  # noqa: F401  # shared fixtures


@pytest.fixture
def manager(workwell_site):  # noqa: F811
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def case(workwell_site, manager):  # noqa: F811
    case = open_case(workwell_site, manager, case_manager=manager)
    return case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)


def assess(case, actor):
    return assessment_save(
        case=case,
        actor=actor,
        expected_version=0,
        main_condition="musculoskeletal",
        fit_note_status="not_fit",
        health_obstacles=["pain"],
        health_obstacles_text="Low back pain when lifting",
        work_obstacles=["physical_demands"],
        other_obstacles=["financial"],
        consent_given=True,
        done=True,
    )


@pytest.fixture
def assessed(case, manager):
    assess(case, manager)
    return case


@pytest.fixture
def draft(assessed, manager):
    return services.plan_create_from_assessment(case=assessed, actor=manager)


@pytest.fixture
def directory(db):
    intervention_presets_load(actor=None)
    return {item.kind: item for item in Intervention.objects.filter(site__isnull=True)}


def ready(version, actor):
    """Fill in a draft so it can be agreed: period, fitness, discussed, one recommendation."""
    version = services.version_update(
        version=version,
        actor=actor,
        expected_version=version.version,
        period_from=date.today(),
        period_to=date.today() + timedelta(weeks=6),
        fitness="may_be_fit",
        further_help="Access to Work",
        discussed_how="telephone",
        discussed_on=date.today(),
    )
    obstacle = version.obstacles.get(code="pain")
    services.recommendation_add(
        version=version,
        actor=actor,
        expected_version=version.version,
        obstacle=obstacle,
        kind="adjustment",
        adjustment="altered_hours",
        text="Start at 10am for four weeks to avoid the rush-hour drive",
    )
    version.refresh_from_db()
    return version


def agreed_version(version, actor):
    version = ready(version, actor)
    return services.version_agree(version=version, actor=actor, expected_version=version.version)


@pytest.fixture
def gp_led_site(db):
    from fitforwork.organisations.services import service_model_presets_load

    service_model_presets_load(actor=None)
    practice = OrganisationFactory(gp_practice=True, name="Limes Medical Practice")
    site = SiteFactory(
        name="Fit for Work Leicestershire",
        nation=Nation.ENGLAND_AND_WALES,
        service_model=ServiceModel.objects.get(key="fit-for-work-pilot-gp-led"),
        postcode_districts=["LE1", "LE2", "LE3"],
    )
    site.gp_practices.add(practice)
    site.practice = practice
    return site
