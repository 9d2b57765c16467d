import pytest

from fitforwork.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.referrals.conftest import referral_input, workwell_site  # noqa: F401  # shared fixtures


@pytest.fixture
def manager(workwell_site):  # noqa: F811
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def case(workwell_site, manager):  # noqa: F811
    return open_case(workwell_site, manager, case_manager=manager)
