"""An agreed plan version never changes, in the database as well as in the services: raw SQL and
QuerySet.update() are refused by the triggers of plans 0002, on SQLite and PostgreSQL alike."""

import pytest
from django.db import DatabaseError, connection, transaction

from fitforwork.plans.models import Obstacle, PhasedWeek, PlanVersion, Recommendation, TimetableEntry
from tests.plans.conftest import agreed_version

pytestmark = pytest.mark.django_db


def _refused(statement: str, params: list) -> None:
    with (
        pytest.raises(DatabaseError, match="agreed plan version never changes"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)


def test_raw_sql_cannot_change_an_agreed_version(draft, manager):
    version = agreed_version(draft, manager)
    _refused(
        "UPDATE plans_planversion SET fitness = 'fit' WHERE id = %s",
        [version.pk.hex if connection.vendor == "sqlite" else version.pk],
    )
    _refused(
        "UPDATE plans_planversion SET status = 'draft' WHERE id = %s",
        [version.pk.hex if connection.vendor == "sqlite" else version.pk],
    )
    assert PlanVersion.objects.get(pk=version.pk).fitness == "may_be_fit"


def test_queryset_update_cannot_change_an_agreed_version_or_its_parts(draft, manager):
    version = agreed_version(draft, manager)
    for queryset, values in (
        (PlanVersion.objects.filter(pk=version.pk), {"further_help": "changed"}),
        (Recommendation.objects.filter(plan_version=version), {"text": "changed"}),
        (Obstacle.objects.filter(plan_version=version), {"label": "changed"}),
    ):
        with pytest.raises(DatabaseError, match="agreed plan version never changes"), transaction.atomic():
            queryset.update(**values)
    assert Recommendation.objects.get(plan_version=version).text.startswith("Start at 10am")


def test_nothing_can_be_added_to_an_agreed_version(draft, manager):
    version = agreed_version(draft, manager)
    obstacle = version.obstacles.first()
    attempts = (
        lambda: Recommendation.objects.create(plan_version=version, obstacle=obstacle, kind="self_care", text="Rest"),
        lambda: TimetableEntry.objects.create(plan_version=version, what="Physio", starts_on=version.period_from),
        lambda: PhasedWeek.objects.create(plan_version=version, week=1, days=3),
        lambda: Obstacle.objects.create(plan_version=version, group="other", code="other", label="New"),
    )
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="agreed plan version never changes"), transaction.atomic():
            attempt()
    assert version.recommendations.count() == 1


def test_a_row_cannot_be_moved_into_an_agreed_version(draft, manager):
    from fitforwork.plans import services

    agreed = agreed_version(draft, manager)
    second = services.version_new_draft(version=agreed, actor=manager)
    row = second.recommendations.get()
    with pytest.raises(DatabaseError, match="agreed plan version never changes"), transaction.atomic():
        Recommendation.objects.filter(pk=row.pk).update(plan_version=agreed)


def test_a_draft_may_still_change_in_the_database(draft):
    PlanVersion.objects.filter(pk=draft.pk).update(further_help="Citizens Advice")
    Obstacle.objects.filter(plan_version=draft).update(detail="More")
    assert PlanVersion.objects.get(pk=draft.pk).further_help == "Citizens Advice"
