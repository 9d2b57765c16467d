"""An agreed plan version never changes, in the database itself (as service model versions, organisations 0003).

The services refuse it, but `QuerySet.update()` and raw SQL go around them. So UPDATE of an agreed version is
refused, and so are INSERT and UPDATE of the obstacles, recommendations, timetable entries and phased-return
weeks of an agreed version. DELETE is left to the case's own deletion (erasure at the end of retention removes
the whole case, plan and all); no service deletes a version or a row of an agreed one.
"""

from django.db import migrations

MESSAGE = "an agreed plan version never changes: make a new draft from it"
CHILDREN = ("plans_obstacle", "plans_recommendation", "plans_timetableentry", "plans_phasedweek")


def _sqlite() -> list[str]:
    statements = [
        f"""CREATE TRIGGER plan_version_agreed_no_update BEFORE UPDATE ON plans_planversion
           WHEN OLD.status = 'agreed' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
    ]
    for table in CHILDREN:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD")):
            statements.append(
                f"""CREATE TRIGGER {table}_agreed_no_{event.lower()} BEFORE {event} ON {table}
                   WHEN (SELECT status FROM plans_planversion WHERE id = {row}.plan_version_id) = 'agreed'
                   BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
            )
        statements.append(
            f"""CREATE TRIGGER {table}_agreed_no_move BEFORE UPDATE ON {table}
               WHEN (SELECT status FROM plans_planversion WHERE id = NEW.plan_version_id) = 'agreed'
               BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
        )
    return statements


def _sqlite_reverse() -> list[str]:
    names = ["plan_version_agreed_no_update"]
    for table in CHILDREN:
        names += [f"{table}_agreed_no_insert", f"{table}_agreed_no_update", f"{table}_agreed_no_move"]
    return [f"DROP TRIGGER {name};" for name in names]


POSTGRES_FUNCTIONS = [
    f"""CREATE FUNCTION plan_version_agreed_frozen() RETURNS trigger AS $$
       BEGIN
         IF OLD.status = 'agreed' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE FUNCTION plan_version_part_frozen() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM plans_planversion WHERE id = NEW.plan_version_id AND status = 'agreed') THEN
           RAISE EXCEPTION '{MESSAGE}';
         END IF;
         IF TG_OP = 'UPDATE' AND EXISTS (
           SELECT 1 FROM plans_planversion WHERE id = OLD.plan_version_id AND status = 'agreed'
         ) THEN
           RAISE EXCEPTION '{MESSAGE}';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
]


def _postgres() -> list[str]:
    statements = [
        *POSTGRES_FUNCTIONS,
        """CREATE TRIGGER plan_version_agreed_no_update BEFORE UPDATE ON plans_planversion
           FOR EACH ROW EXECUTE FUNCTION plan_version_agreed_frozen();""",
    ]
    for table in CHILDREN:
        statements.append(
            f"""CREATE TRIGGER {table}_agreed_frozen BEFORE INSERT OR UPDATE ON {table}
               FOR EACH ROW EXECUTE FUNCTION plan_version_part_frozen();"""
        )
    return statements


def _postgres_reverse() -> list[str]:
    statements = ["DROP TRIGGER plan_version_agreed_no_update ON plans_planversion;"]
    statements += [f"DROP TRIGGER {table}_agreed_frozen ON {table};" for table in CHILDREN]
    return [*statements, "DROP FUNCTION plan_version_part_frozen();", "DROP FUNCTION plan_version_agreed_frozen();"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": _sqlite(), "postgresql": _postgres()}),
            _run({"sqlite": _sqlite_reverse(), "postgresql": _postgres_reverse()}),
        )
    ]
