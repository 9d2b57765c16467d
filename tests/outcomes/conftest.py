import pytest

from fitforwork.accounts.models import Role
from fitforwork.assessments.services import response_record
from fitforwork.cases import services as case_services
from fitforwork.cases.models import Case, CaseStatus, DischargeReason, WorkStatus
from fitforwork.outcomes.services import outcome_schedule_create
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.referrals.conftest import referral_input, workwell_site  # noqa: F401  # shared fixtures

PHQ_MILD = {f"q{n}": 1 for n in range(1, 10)} | {"q9": 0}


@pytest.fixture
def manager(workwell_site):  # noqa: F811
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def case(workwell_site, manager):  # noqa: F811
    return open_case(workwell_site, manager, case_manager=manager)


def assess(case, manager, *, phq=PHQ_MILD):
    case = case_services.case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)
    case = case_services.case_transition(case=case, to=CaseStatus.ASSESSED, actor=manager)
    if phq is not None:
        response_record(case=case, instrument_code="phq9", answers=phq, mode="phone", actor=manager)
    return case


def discharge(case, manager, *, reason=DischargeReason.RETURNED_TO_WORK, schedule=True, **kwargs):
    kwargs.setdefault("work_status", WorkStatus.IN_WORK_ADJUSTED)
    discharged = case_services.case_discharge(case=case, actor=manager, reason_code=reason, **kwargs)
    if schedule:
        outcome_schedule_create(case=discharged, actor=manager)
    return Case.objects.get(pk=discharged.pk)


@pytest.fixture
def discharged(case, manager):
    return discharge(assess(case, manager), manager)
