"""The `demo` command: determinism, safe re-runs, refusal outside a demonstration, sign-ins."""

import pytest
from django.core.management import CommandError
from django.db import connection, transaction

from fitforwork.accounts.models import Role, User
from fitforwork.accounts.services import user_create
from fitforwork.cases.models import Case, Task
from fitforwork.core.audit.models import AuditEvent
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from fitforwork.demo.cases import CASE_MODELS
from fitforwork.demo.waiting import waiting_people
from fitforwork.interventions.models import OnwardReferral, OnwardReferralStatusChange
from fitforwork.organisations.models import Organisation, Site
from fitforwork.people.models import Condition, Employment, Person
from fitforwork.referrals.models import Referral, Submission
from tests.demo.conftest import run_demo

pytestmark = pytest.mark.django_db

TIMESTAMPS = {"created_at", "modified_at"}


# The bulk rows of each model, without the referrals left waiting for triage (made through the intake).
BULK = {
    Person: lambda rows: rows.exclude(pk__in=waiting_people()),
    Employment: lambda rows: rows.exclude(person__in=waiting_people()),
    Condition: lambda rows: rows.exclude(person__in=waiting_people()),
    Referral: lambda rows: rows.exclude(person__in=waiting_people()),
    Case: lambda rows: rows.exclude(person__in=waiting_people()),
    Task: lambda rows: rows.exclude(case__person__in=waiting_people()),
}


def _rows(model):
    """The rows but for timestamps, and keys only of rows the demo makes itself from the seed (users, teams, rules
    and the intervention directory come through services, with new keys each time, as do the waiting referrals)."""
    seeded = (Person, Organisation, Submission, Referral, Case)
    names = [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname not in TIMESTAMPS and (not field.is_relation or field.related_model in seeded)
    ]
    return list(BULK.get(model, lambda rows: rows)(model.objects.order_by("pk")).values_list(*names))


def _load_into_empty_database(seed):
    """Load a demo, read back its clients, and roll it all back so the next load starts from empty."""
    with transaction.atomic():
        run_demo(cases=60, seed=seed, allow_production=True)
        models = (Person, Employment, Condition, Organisation, Referral, Case, Task, OnwardReferral)
        rows = {model.__name__: _rows(model) for model in models}
        rows["waiting"] = sorted(waiting_people().values_list("given_name", "family_name", "date_of_birth", "postcode"))
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_gives_the_same_people_nhs_numbers_and_relations():
    first = _load_into_empty_database(seed=3)
    second = _load_into_empty_database(seed=3)
    other = _load_into_empty_database(seed=4)

    assert len(first["Person"]) == 60
    assert first["waiting"]
    assert first["Case"]
    assert first["OnwardReferral"]
    assert first == second
    assert {row[0] for row in first["Person"]}.isdisjoint({row[0] for row in other["Person"]})


def test_each_demo_referrer_has_referrals_of_their_own_with_their_status():
    run_demo(cases=60, seed=1, allow_production=True)
    for demo in DEMO_USERS:
        if demo.role not in (Role.GP, Role.EMPLOYER, Role.JOBCENTRE, Role.COMMUNITY):
            continue
        user = User.objects.get(email=demo.email)
        own = Referral.objects.filter(referrer_organisation=user.organisation, referrer_user=user)
        assert 1 <= own.count() <= 5, demo.role
        assert not own.exclude(referrer_email=user.email).exists()
    gp = User.objects.get(email="gp@demo.fitforwork.test")
    statuses = set(Referral.objects.filter(referrer_user=gp).values_list("status", flat=True))
    assert "accepted" in statuses


def test_running_again_neither_fails_nor_duplicates_the_demo_sign_ins():
    run_demo(cases=40, seed=1, allow_production=True)
    people = Person.objects.count()

    output = run_demo(cases=40, seed=1, allow_production=True)

    assert "already loaded" in output
    assert Person.objects.count() == people
    assert Site.objects.count() == 6
    for demo in DEMO_USERS:
        assert User.objects.filter(email=demo.email).count() == 1


def test_demo_sign_ins_made_before_the_demo_are_kept_and_the_rest_are_added():
    existing = user_create(
        actor=None, email=DEMO_USERS[-1].email, password="their own password 123", role=Role.ADMINISTRATOR
    )

    run_demo(cases=20, seed=1, allow_production=True)

    existing.refresh_from_db()
    assert existing.check_password("their own password 123")
    assert User.objects.filter(email__in=[demo.email for demo in DEMO_USERS]).count() == len(DEMO_USERS)


def test_refuses_to_load_when_debug_is_off_unless_allowed(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        run_demo(cases=20, seed=1)

    assert not Person.objects.exists()
    assert not User.objects.exists()


def test_loads_without_the_flag_in_a_debug_demonstration(settings):
    settings.DEBUG = True

    output = run_demo(cases=20, seed=1)

    assert "Loaded 20 clients" in output
    assert Person.objects.exclude(pk__in=waiting_people()).count() == 20


def test_print_sign_ins_lists_every_demo_user_and_creates_nothing():
    output = run_demo(print_sign_ins=True)

    for demo in DEMO_USERS:
        line = next(line for line in output.splitlines() if demo.email in line)
        assert Role(demo.role).label in line
        assert DEMO_PASSWORD in line
    assert "two-factor authentication on first sign-in with an authenticator app" in output
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def _schema_of(tables):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT conname || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s)",
            [tables, tables],
        )
        return sorted(row[0] for row in cursor.fetchall())


def test_a_postgresql_load_puts_back_every_index_and_foreign_key_it_set_aside():
    if connection.vendor != "postgresql":
        pytest.skip("Indexes are set aside only on PostgreSQL")
    models = (Person, Employment, Condition, *CASE_MODELS, OnwardReferral, OnwardReferralStatusChange)
    tables = [model._meta.db_table for model in models]
    before = _schema_of(tables)

    run_demo(cases=30, seed=1, allow_production=True)

    assert len(before) > 60
    assert _schema_of(tables) == before


def test_the_bulk_load_leaves_one_audit_event_naming_its_size_and_seed():
    run_demo(cases=25, seed=9, allow_production=True)

    event = AuditEvent.objects.get(action="demo.loaded")
    assert event.data["cases"] == 25
    assert event.data["seed"] == 9
