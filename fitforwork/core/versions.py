"""Every edit carries the version it was made from; a stale one is refused (docs/adr/0021).

A row that people edit from a page has an integer `version` (`PositiveIntegerField(default=1)`). The page
puts the version it showed in a hidden field; the service that writes the row, after locking it
(`select_for_update`), calls

    check_version(locked, expected_version, field="the risk", chosen="High", shown=lambda row: row.get_risk_display())

which does nothing when `expected_version` is None (an internal caller, such as the referral-accept
hand-over, that read the row inside the same transaction) or matches, and otherwise raises `StaleEdit`
with the field's label, the value the person chose, the value now stored, and who last changed the row and
when (its `modified_by` and `modified_at`, from `core.models.BaseModel`). Every service that saves the row,
whether or not it checks, calls `bump(row)` before saving (and saves "version" when it lists
`update_fields`), so any other page open on the row goes stale.

Wrap the public service (outside its `transaction.atomic`) in `@refusals_audited("app.model.stale_edit_refused")`:
the refusal rolls the edit back, and the decorator then writes one audit event, in its own transaction,
saying who was refused and what the two values were, before re-raising for the page to show `str(refused)`.

On the page, a form that edits the row has `version = version_field()`, built with
`initial={"version": row.version}` and rendered as a hidden input (`form["version"].value()`), and the view
passes `form.cleaned_data["version"]` as `expected_version`.

The assessments and plans apps reuse the same three pieces for their own rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from django import forms
from django.db import models, transaction
from django.utils import timezone

from fitforwork.core.audit.services import audit_record

P = ParamSpec("P")
R = TypeVar("R")


class StaleEdit(Exception):
    """An edit made from a page that showed an older version of the row than the one now stored."""

    def __init__(
        self,
        *,
        row: models.Model,
        field: str,
        chosen: str,
        current: str,
        changed_by: str,
        changed_at: datetime | None,
        expected: int,
        version: int,
    ) -> None:
        self.row, self.field, self.chosen, self.current = row, field, chosen, current
        self.changed_by, self.changed_at = changed_by, changed_at
        self.expected, self.version = expected, version
        super().__init__(self.message())

    def message(self) -> str:
        """The sentence for the error summary, naming both values."""
        who = f"set by {self.changed_by}" if self.changed_by else "set"
        when = f" at {timezone.localtime(self.changed_at):%H:%M}" if self.changed_at is not None else ""
        if self.changed_at is not None and timezone.localdate(self.changed_at) != timezone.localdate():
            when = f" on {timezone.localtime(self.changed_at):%-d %B %Y} at {timezone.localtime(self.changed_at):%H:%M}"
        return (
            f"Someone else changed {self.field} while you had this page open: it is now {self.current} "
            f"({who}{when}). You chose {self.chosen}. Check and choose again."
        )

    def audit_data(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "chosen": self.chosen,
            "current": self.current,
            "expected_version": self.expected,
            "version": self.version,
        }


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.email)


def check_version(
    row: Any,
    expected: int | None,
    *,
    field: str,
    chosen: str,
    shown: str | Callable[[Any], str],
) -> None:
    """Refuse an edit of the locked `row` made from version `expected` when the row has moved on.

    `field` is the label in the sentence ("the risk"), `chosen` the value the person chose as they saw it,
    `shown` the value now stored as the page would show it (a string, or a function of the row).
    """
    if expected is None or row.version == expected:
        return
    current = shown(row) if callable(shown) else shown
    raise StaleEdit(
        row=row,
        field=field,
        chosen=chosen,
        current=current or "not set",
        changed_by=_person(row.modified_by),
        changed_at=row.modified_at,
        expected=expected,
        version=row.version,
    )


def bump(row: Any) -> None:
    """Mark the row as changed, so every page showing the version before this goes stale."""
    row.version = (row.version or 0) + 1


def refusals_audited(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service (outside its transaction): a StaleEdit it raises is audited as `action`, then re-raised."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return service(*args, **kwargs)
            except StaleEdit as refused:
                with transaction.atomic():
                    audit_record(actor=kwargs.get("actor"), action=action, obj=refused.row, data=refused.audit_data())
                raise

        return wrapper

    return decorate


def version_field() -> forms.IntegerField:
    """The hidden field of a form that edits a versioned row: the version the page showed."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "This page is out of date. Go back to the case and try again",
            "invalid": "This page is out of date. Go back to the case and try again",
            "min_value": "This page is out of date. Go back to the case and try again",
        },
    )
