"""The chain head may only move forward by one event at a time, and cannot be deleted."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
       WHEN NEW.last_seq != OLD.last_seq + 1
       BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END;""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
       BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER audit_head_forward_only;", "DROP TRIGGER audit_head_no_delete;"]

POSTGRES = [
    """CREATE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NEW.last_seq = OLD.last_seq + 1 THEN RETURN NEW; END IF;
         RAISE EXCEPTION 'the audit chain head only moves forward';
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();""",
    """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_auditchainhead
       FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER audit_head_no_truncate ON audit_auditchainhead;",
    "DROP TRIGGER audit_head_forward_only ON audit_auditchainhead;",
    "DROP FUNCTION audit_head_forward_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
