import importlib
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture(autouse=True)
def _outbox_dir(settings, tmp_path):
    settings.OUTBOX_FILE_DIR = tmp_path / "outbox"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"  # each test's checkpoints are its own


@pytest.fixture(autouse=True)
def _append_only_guards(request):
    """Keep the append-only tables (audit, service model versions) guarded in every database test, and let the
    clean-up of transactional tests empty them after."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    marked_transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if "transactional_db" in names or "live_server" in names or marked_transactional:
        request.getfixturevalue("transactional_db")
        enable_guards()
        yield
        disable_guards()
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
        enable_guards()
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
    from tests.accounts.factories import UserFactory

    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, with_device=True)
    sign_in_with_two_factor(client, admin)
    client.admin = admin
    return client


def sign_in_with_two_factor(client, user):
    """Sign `user` (who has an authenticator device) in with password and code, as staff must."""
    from tests.accounts.factories import PASSWORD

    client.post(reverse("accounts:sign-in"), {"username": user.email, "password": PASSWORD})
    client.post(reverse("accounts:two-factor"), {"token": current_token(TOTPDevice.objects.get(user=user))})
    return client


# --- Append-only guards -------------------------------------------------------------------------------
# The audit trail and service model versions refuse UPDATE and DELETE in the database, the consent ledger
# UPDATE. Transactional tests empty every table when they finish, which the guards (rightly) refuse, so the
# `_append_only_guards` fixture lifts them just for that clean-up. Tampering tests lift them too, as a
# database owner could.

# The migration's own condition, so the guard put back after a clean-up is the one the schema has.
_HEAD_MOVE_ALLOWED = importlib.import_module(
    "fitforwork.core.audit.migrations.0004_head_moves_to_appended_events"
).SQLITE_ALLOWED
GUARDED_TABLES = ("audit_auditevent", "audit_auditchainhead", "organisations_servicemodelversion", "consent_consent")
SQLITE_TRIGGERS = {
    "audit_event_no_update": "BEFORE UPDATE ON audit_auditevent",
    "audit_event_no_delete": "BEFORE DELETE ON audit_auditevent",
    "audit_head_forward_only": f"BEFORE UPDATE ON audit_auditchainhead WHEN NOT ({_HEAD_MOVE_ALLOWED})",
    "audit_head_no_delete": "BEFORE DELETE ON audit_auditchainhead",
    "service_model_version_no_update": "BEFORE UPDATE ON organisations_servicemodelversion",
    "service_model_version_no_delete": "BEFORE DELETE ON organisations_servicemodelversion",
    "consent_no_update": "BEFORE UPDATE ON consent_consent",
}


def _fire_pending_foreign_key_checks() -> None:
    # PostgreSQL refuses ALTER TABLE while a row inserted earlier in this transaction still has a deferred
    # foreign key check pending; running the checks now (they stay deferred after) clears them.
    if connection.in_atomic_block:
        connection.check_constraints()


def enable_guards() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _fire_pending_foreign_key_checks()
            for table in GUARDED_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for name, when in SQLITE_TRIGGERS.items():
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} {when} "
                    "BEGIN SELECT RAISE(ABORT, 'this table is append-only'); END;"
                )


def disable_guards() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _fire_pending_foreign_key_checks()
            for table in GUARDED_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


# --- Using the Django admin the way a browser would ---------------------------------------------------


class _FormFields(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = attributes.get("id") == self.form_id
            return
        if not self.in_form or "name" not in attributes and tag != "option":
            return
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self._add(attributes["name"], attributes.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea = attributes["name"]
            self.data[self._textarea] = [""]
        elif tag == "select":
            self._select = attributes["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attributes:
            self._add(self._select, attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self.data[self._textarea][-1] += data


def admin_form_data(html: str, form_id: str) -> dict[str, list[str] | str]:
    """The fields of the form with this id, with textareas' leading newline removed as browsers do."""
    parser = _FormFields(form_id)
    parser.feed(html)
    data: dict[str, list[str] | str] = {}
    for name, values in parser.data.items():
        if len(values) == 1:
            value = values[0]
            data[name] = value[1:] if value.startswith("\n") else value
        else:
            data[name] = values
    return data
