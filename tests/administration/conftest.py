import pytest

from fitforwork.accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor


@pytest.fixture
def administrator_client(client):
    """Signed in as an administrator who is not a superuser: the administration pages are theirs."""
    admin = UserFactory(role=Role.ADMINISTRATOR, first_name="Helen", last_name="Price", with_device=True)
    sign_in_with_two_factor(client, admin)
    client.admin = admin
    return client


@pytest.fixture
def case_manager_client(client):
    user = UserFactory(role=Role.CASE_MANAGER, with_device=True)
    sign_in_with_two_factor(client, user)
    return client
