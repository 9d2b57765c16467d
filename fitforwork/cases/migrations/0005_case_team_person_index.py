"""A covering index for the header's case search (ADR 14): a team's case ids and their people's, read from the
index alone, so a name search joins the team's cases to the people so named without reading a case row.

PostgreSQL only (SQLite has no INCLUDE): there this does nothing. Made CONCURRENTLY, hence non-atomic.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_team_person_idx ON cases_case (team_id) INCLUDE (id, person_id)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_team_person_idx")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0004_contact_email_and_duration"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
