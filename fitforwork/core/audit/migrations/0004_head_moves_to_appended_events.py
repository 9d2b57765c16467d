"""The chain head may move forward by several events at once (a batch appended in one step), but only to
events that are there: every number between the old head and the new one is taken, and the new head's
number and hash are those of a stored event."""

from django.db import migrations

SQLITE_ALLOWED = (
    "NEW.last_seq > OLD.last_seq"
    " AND EXISTS (SELECT 1 FROM audit_auditevent WHERE seq = NEW.last_seq AND hash = NEW.last_hash)"
    " AND (SELECT count(*) FROM audit_auditevent WHERE seq > OLD.last_seq AND seq <= NEW.last_seq)"
    " = NEW.last_seq - OLD.last_seq"
)
SQLITE = [
    "DROP TRIGGER IF EXISTS audit_head_forward_only;",
    f"""CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
       WHEN NOT ({SQLITE_ALLOWED})
       BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_head_forward_only;",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
       WHEN NEW.last_seq != OLD.last_seq + 1
       BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END;""",
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NEW.last_seq > OLD.last_seq
            AND EXISTS (SELECT 1 FROM audit_auditevent WHERE seq = NEW.last_seq AND hash = NEW.last_hash)
            AND (SELECT count(*) FROM audit_auditevent WHERE seq > OLD.last_seq AND seq <= NEW.last_seq)
                = NEW.last_seq - OLD.last_seq
         THEN RETURN NEW; END IF;
         RAISE EXCEPTION 'the audit chain head only moves forward';
       END; $$ LANGUAGE plpgsql;""",
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NEW.last_seq = OLD.last_seq + 1 THEN RETURN NEW; END IF;
         RAISE EXCEPTION 'the audit chain head only moves forward';
       END; $$ LANGUAGE plpgsql;""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_head_forward_only")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
