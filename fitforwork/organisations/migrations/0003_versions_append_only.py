"""Make service model versions immutable in the database itself: UPDATE and DELETE are refused.

`ServiceModelVersion.save()` already refuses to change a saved version, but `QuerySet.update()`,
`QuerySet.delete()` and raw SQL go around it. Referrals, cases and evaluations pin the version they
were decided under, so the table is append-only, as the audit table is (audit 0002).
"""

from django.db import migrations

TABLE = "organisations_servicemodelversion"
MESSAGE = "service model versions are append-only: add a new version instead"

SQLITE = [
    f"""CREATE TRIGGER service_model_version_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER service_model_version_no_delete BEFORE DELETE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER service_model_version_no_update;",
    "DROP TRIGGER service_model_version_no_delete;",
]

POSTGRES = [
    f"""CREATE FUNCTION service_model_version_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER service_model_version_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
       FOR EACH ROW EXECUTE FUNCTION service_model_version_append_only();""",
    f"""CREATE TRIGGER service_model_version_no_truncate BEFORE TRUNCATE ON {TABLE}
       FOR EACH STATEMENT EXECUTE FUNCTION service_model_version_append_only();""",
]
POSTGRES_REVERSE = [
    f"DROP TRIGGER service_model_version_no_truncate ON {TABLE};",
    f"DROP TRIGGER service_model_version_no_update_delete ON {TABLE};",
    "DROP FUNCTION service_model_version_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_version_number_and_constraint_messages")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
