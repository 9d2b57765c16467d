"""Indexes for the header's case search (ADR 14).

A plain b-tree on date of birth, on every database. On PostgreSQL also a trigram (pg_trgm) GIN index on the
family name in capitals, which is what Django's `istartswith` compares (`UPPER(family_name) LIKE UPPER(%s)`),
so a name search reads the index instead of every person. SQLite has no such index: its searches scan, which
is fine at the sizes SQLite serves, so there the second step does nothing. The trigram index is made
CONCURRENTLY so a live service keeps taking referrals while it builds (hence a non-atomic migration).
"""

from django.db import migrations, models


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS person_family_trgm_idx "
        "ON people_person USING gin (UPPER(family_name) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS person_family_trgm_idx")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0003_person_family_dob_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
