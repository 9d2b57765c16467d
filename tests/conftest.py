import pytest
from django_otp.oath import totp


@pytest.fixture(autouse=True)
def _outbox_dir(settings, tmp_path):
    settings.OUTBOX_FILE_DIR = tmp_path / "outbox"


def current_token(device) -> str:
    """The code an authenticator app would show now for this device."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
