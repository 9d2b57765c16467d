import pytest

from fitforwork.accounts.models import Role
from fitforwork.interventions.models import Intervention
from fitforwork.interventions.services import intervention_presets_load
from tests.accounts.factories import UserFactory
from tests.cases.conftest import case_manager, open_case  # noqa: F401  # shared fixture
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


@pytest.fixture
def directory(db):
    intervention_presets_load(actor=None)
    return {item.kind: item for item in Intervention.objects.filter(site__isnull=True)}


@pytest.fixture
def case(workwell_site, case_manager):  # noqa: F811
    return open_case(workwell_site, case_manager, case_manager=case_manager)


@pytest.fixture
def practitioner(workwell_site):  # noqa: F811
    return UserFactory(role=Role.PRACTITIONER, site=workwell_site, job_title="Physiotherapist")
