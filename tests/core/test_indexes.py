"""Every index earns its keep (ADR 0037): no column has an index of its own when another index on the same
table already starts with it, since PostgreSQL answers a lookup on the column from the longer index and each
extra index is written on every insert (and rebuilt by the million-case load)."""

from django.apps import apps
from django.db import models


def _ours() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("fitforwork.") and not model._meta.auto_created and model._meta.managed
    ]


def _leading_columns(model: type[models.Model]) -> set[str]:
    """The first field of every whole-table index of two or more fields (an index, a unique constraint or
    unique_together); a partial index (with a condition) covers only some rows, so it does not count."""
    leading = set()
    for index in model._meta.indexes:
        if index.condition is None and len(index.fields) > 1:
            leading.add(index.fields[0].lstrip("-"))
    for constraint in model._meta.constraints:
        whole = isinstance(constraint, models.UniqueConstraint) and constraint.condition is None
        if whole and len(constraint.fields) > 1:
            leading.add(constraint.fields[0])
    for together in model._meta.unique_together:
        leading.add(together[0])
    return leading


def _indexed_alone(model: type[models.Model]) -> set[str]:
    alone = {field.name for field in model._meta.concrete_fields if field.db_index and not field.unique}
    for index in model._meta.indexes:
        if index.condition is None and len(index.fields) == 1 and not index.expressions:
            alone.add(index.fields[0].lstrip("-"))
    return alone


def test_no_column_has_its_own_index_when_a_longer_index_starts_with_it():
    redundant = sorted(
        f"{model._meta.label}.{name}" for model in _ours() for name in _indexed_alone(model) & _leading_columns(model)
    )
    assert redundant == []


def test_the_check_finds_a_redundant_index():
    # The check itself: a task's case would be redundant beside task_case_idx (case, completed_at, due_on).
    task = apps.get_model("cases", "Task")
    assert "case" in _leading_columns(task)
    assert "case" not in _indexed_alone(task)
    assert task._meta.get_field("case").db_index is False


def test_no_table_of_ours_indexes_when_a_row_was_made_unless_it_says_so():
    # created_at is on every table (BaseModel); an index on it is declared in a model's Meta where a query needs it.
    indexed = sorted(
        model._meta.label
        for model in _ours()
        if any(field.name == "created_at" and field.db_index for field in model._meta.concrete_fields)
    )
    assert indexed == []
