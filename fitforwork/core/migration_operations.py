"""Operations that migrations share (ADR 0037)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def drop_field_indexes(app_label: str, fields: Sequence[tuple[str, str]]) -> migrations.RunPython:
    """Drop the index Django made for each (model, field), by the name Django gave it, and make it again on reversal.

    Used with `SeparateDatabaseAndState` beside the `AlterField(db_index=False)` operations: on SQLite an
    `AlterField` rebuilds the whole table, which drops the triggers that keep agreed plans and the consent
    ledger unchangeable, and breaks the triggers of other tables that name it. Dropping the index alone
    changes nothing else, on either database.
    """

    def names(apps: Any, schema_editor: Any) -> list[tuple[Any, Any, str]]:
        found = []
        for model_name, field_name in fields:
            model = apps.get_model(app_label, model_name)
            field = model._meta.get_field(field_name)
            found.append((model, field, schema_editor._create_index_name(model._meta.db_table, [field.column])))
        return found

    def forwards(apps: Any, schema_editor: Any) -> None:
        for _, _, name in names(apps, schema_editor):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def backwards(apps: Any, schema_editor: Any) -> None:
        for model, field, name in names(apps, schema_editor):
            table, column = schema_editor.quote_name(model._meta.db_table), schema_editor.quote_name(field.column)
            schema_editor.execute(f"CREATE INDEX {schema_editor.quote_name(name)} ON {table} ({column})")

    return migrations.RunPython(forwards, backwards)
