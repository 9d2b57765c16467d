"""Third-party apps under names people use, for the Django admin's headings (no "AXES" or "OTP_TOTP").

Each subclass keeps the app's label, so its tables and migrations are unchanged; settings.INSTALLED_APPS
names these classes instead of the apps' own. The apps' models get plain names here too, in `ready()`,
because their Meta is not ours to edit.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks_db.apps import TasksAppConfig

MODEL_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "axes": {
        "AccessAttempt": ("failed sign-in attempt", "failed sign-in attempts"),
        "AccessLog": ("sign-in record", "sign-in records"),
        "AccessFailureLog": ("failed sign-in record", "failed sign-in records"),
    },
    "otp_totp": {"TOTPDevice": ("authenticator app", "authenticator apps")},
    "django_tasks_database": {"DBTaskResult": ("background job", "background jobs")},
}


def _name_models(label: str, config: object) -> None:
    for model_name, (singular, plural) in MODEL_NAMES[label].items():
        meta = config.get_model(model_name)._meta  # type: ignore[attr-defined]
        meta.verbose_name, meta.verbose_name_plural = singular, plural


class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = "Sign-in lockouts"

    def ready(self) -> None:
        super().ready()
        _name_models(self.label, self)


class AuthenticatorAppsConfig(TotpAppConfig):
    verbose_name = "Two-factor authentication"

    def ready(self) -> None:
        super().ready()
        _name_models(self.label, self)


class BackgroundJobsConfig(TasksAppConfig):
    verbose_name = "Background jobs"

    def ready(self) -> None:
        super().ready()
        _name_models(self.label, self)
