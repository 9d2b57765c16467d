"""The consent ledger is appended to, never changed: the database refuses an UPDATE or a TRUNCATE.

A withdrawal is a new row (`services.consent_withdraw`). DELETE stays possible, for one reason: retention
removes a person's records, their ledger with them, when the retention period ends (dataprotection.retention),
and writes a tombstone to the audit trail, which keeps an event for every row that was ever recorded.
"""

from django.db import migrations

TABLE = "consent_consent"
MESSAGE = "the consent ledger is append-only: record a new row (a withdrawal) instead"

SQLITE = [
    f"""CREATE TRIGGER consent_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER consent_no_update;"]

POSTGRES = [
    f"""CREATE FUNCTION consent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER consent_no_update BEFORE UPDATE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION consent_append_only();""",
    f"""CREATE TRIGGER consent_no_truncate BEFORE TRUNCATE ON {TABLE}
       FOR EACH STATEMENT EXECUTE FUNCTION consent_append_only();""",
]
POSTGRES_REVERSE = [
    f"DROP TRIGGER consent_no_truncate ON {TABLE};",
    f"DROP TRIGGER consent_no_update ON {TABLE};",
    "DROP FUNCTION consent_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
