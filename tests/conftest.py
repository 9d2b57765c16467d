import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.audit_guard import disable_guard, enable_guard
from tests.organisations.version_guard import disable_version_guard, enable_version_guard


@pytest.fixture(autouse=True)
def _outbox_dir(settings, tmp_path):
    settings.OUTBOX_FILE_DIR = tmp_path / "outbox"


@pytest.fixture(autouse=True)
def _audit_guard(request):
    """Keep the append-only tables (audit, service model versions) guarded in every database test, and let the
    clean-up of transactional tests empty them after."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    marked_transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if "transactional_db" in names or "live_server" in names or marked_transactional:
        request.getfixturevalue("transactional_db")
        enable_guard()
        enable_version_guard()
        yield
        disable_guard()
        disable_version_guard()
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
        enable_guard()
        enable_version_guard()
        yield
    else:
        yield


def current_token(device) -> str:
    """The code an authenticator app would show now for this device."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def next_token(device) -> str:
    """The code for the next 30-second step, which the one-step tolerance accepts."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - device.step, digits=device.digits):06d}"


@pytest.fixture
def verified_admin_client(client):
    """A test client signed in as an administrator who has passed two-factor authentication."""
    from fitforwork.accounts.models import Role
    from tests.accounts.factories import PASSWORD, UserFactory

    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, with_device=True)
    client.post(reverse("accounts:sign-in"), {"username": admin.email, "password": PASSWORD})
    client.post(reverse("accounts:two-factor"), {"token": current_token(TOTPDevice.objects.get(user=admin))})
    client.admin = admin
    return client
