"""Production settings pass Django's deployment checklist with no warnings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"}
        and key not in {"CSRF_COOKIE_SECURE", "FFW_PLAIN_STATIC", "DEMO_ONLY_DISABLE_TWO_FACTOR"}
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "fitforwork.example.nhs.uk",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "AUDIT_HMAC_KEYS": f'{{"2026-12": "{secrets.token_urlsafe(48)}"}}',
            "AUDIT_HMAC_KEY_ID": "2026-12",
        }
    )
    env.update(overrides)
    return env


def _check(env):
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "fitforwork", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = _check(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_debug_settings_do_not_pass_check_deploy():
    result = _check(_production_env(DEBUG="true"))
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = _check(env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_without_an_audit_key_is_warned_about():
    env = _production_env()
    env.pop("AUDIT_HMAC_KEYS")
    env.pop("AUDIT_HMAC_KEY_ID")
    result = _check(env)
    assert result.returncode != 0
    assert "fitforwork.W001" in result.stderr + result.stdout


def test_switching_two_factor_off_is_refused_in_production():
    result = _check(_production_env(DEMO_ONLY_DISABLE_TWO_FACTOR="true"))
    assert result.returncode != 0
    assert "DEMO_ONLY_DISABLE_TWO_FACTOR is for a local demonstration only" in result.stderr


def test_static_files_collect_with_hashed_names_for_production(tmp_path):
    env = _production_env(FFW_VAR_DIR=str(tmp_path))
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "fitforwork", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "nhsuk/nhsuk-frontend.min.css" in manifest
    assert "core/init.js" in manifest
