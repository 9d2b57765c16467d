from datetime import date

import pytest
from django.test import Client

from fitforwork.accounts.models import Role
from fitforwork.assessments.assessment_services import assessment_save
from fitforwork.cases.models import CaseStatus
from fitforwork.cases.services import case_transition
from fitforwork.plans import services as plan_services
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import OrganisationFactory
from tests.plans.conftest import agreed_version, manager  # noqa: F401  # shared fixtures
from tests.referrals.conftest import referral_input, workwell_site  # noqa: F401  # shared fixtures

HEALTH_TEXT = "Low back pain when lifting"  # the health obstacle's detail: removed when the person asks
WORK_ADVICE = "Lighter duties: no lifting over 10kg for four weeks"
HEALTH_ADVICE = "Start at 10am for four weeks to avoid the rush-hour drive"


@pytest.fixture
def employer_org(db):
    return OrganisationFactory(kind="employer", name="Fosse Way Logistics Ltd", email="hr@fosseway.example")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(kind="employer", name="Soar Valley Foods Ltd", email="hr@soarvalley.example")


@pytest.fixture
def employer_user(employer_org):
    return UserFactory(role=Role.EMPLOYER, organisation=employer_org)


@pytest.fixture
def other_user(other_org):
    return UserFactory(role=Role.EMPLOYER, organisation=other_org)


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(manager):  # noqa: F811
    return sign_in_with_two_factor(Client(), manager)


def employee_case(site, manager, org, **overrides):  # noqa: F811
    referral = {"source": "employer", "referrer_organisation": org, "written_consent_date": date.today()}
    case = open_case(site, manager, case_manager=manager, employer=org, **{**referral, **overrides})
    case = case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)
    assessment_save(
        case=case,
        actor=manager,
        expected_version=0,
        main_condition="musculoskeletal",
        fit_note_status="not_fit",
        health_obstacles=["pain"],
        health_obstacles_text=HEALTH_TEXT,
        work_obstacles=["physical_demands"],
        other_obstacles=["financial"],
        consent_given=True,
        done=True,
    )
    return case


def agreed_plan(case, manager):  # noqa: F811
    """Version 1 agreed, with a health recommendation (from the plans fixture) and a work one."""
    draft = plan_services.plan_create_from_assessment(case=case, actor=manager)
    obstacle = draft.obstacles.get(group="work")
    plan_services.recommendation_add(
        version=draft,
        actor=manager,
        expected_version=draft.version,
        obstacle=obstacle,
        kind="adjustment",
        adjustment="amended_duties",
        text=WORK_ADVICE,
    )
    draft.refresh_from_db()
    return agreed_version(draft, manager)


@pytest.fixture
def employee(workwell_site, manager, employer_org):  # noqa: F811
    return employee_case(workwell_site, manager, employer_org)


@pytest.fixture
def version(employee, manager):  # noqa: F811
    return agreed_plan(employee, manager)
