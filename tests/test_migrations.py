import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_a_migration(capsys):
    try:
        call_command("makemigrations", "--check", "--dry-run")
    except SystemExit as exit_:
        pytest.fail(f"Models have changes without migrations:\n{capsys.readouterr().out}")
        raise AssertionError from exit_
    assert "No changes detected" in capsys.readouterr().out
