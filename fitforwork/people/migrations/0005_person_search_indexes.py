"""Indexes for the header's case search (ADR 14).

A plain b-tree on date of birth, on every database. On PostgreSQL also a b-tree on the family name in
capitals with `text_pattern_ops`, which is what Django's `istartswith` compares (`UPPER(family_name) LIKE
UPPER(%s)`, a prefix), including the id and the other fields a name search narrows by (first and preferred
name, date of birth), so it reads the people's ids from the index alone. SQLite
has no operator classes: its searches scan, which is fine at the sizes SQLite serves, so there the second
step does nothing. It is made CONCURRENTLY so a live service keeps taking referrals while it builds (hence a
non-atomic migration).
"""

from django.db import migrations, models


def create_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS person_family_prefix_idx "
        "ON people_person (UPPER(family_name) text_pattern_ops) INCLUDE (id, family_name, given_name, preferred_name, date_of_birth)"
    )


def drop_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS person_family_prefix_idx")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0004_not_given_by_the_sender"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ),
        migrations.RunPython(create_prefix_index, drop_prefix_index, elidable=False),
    ]
