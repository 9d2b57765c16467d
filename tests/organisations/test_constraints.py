import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from fitforwork.organisations.models import ImmutableVersionError, Organisation, ServiceModel, ServiceModelVersion
from tests.conftest import disable_guards, enable_guards
from tests.organisations.factories import OrganisationFactory, ServiceModelFactory

pytestmark = pytest.mark.django_db

VERSIONS = ServiceModelVersion._meta.db_table


def test_database_refuses_a_gp_practice_without_an_ods_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(kind=Organisation.Kind.GP_PRACTICE, name="Nameless Surgery", ods_code="")


def test_database_refuses_two_organisations_with_one_ods_code():
    OrganisationFactory(gp_practice=True, ods_code="C82001")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(gp_practice=True, ods_code="C82001")


def test_organisations_without_an_ods_code_do_not_clash():
    OrganisationFactory(ods_code="")
    OrganisationFactory(ods_code="")
    assert Organisation.objects.filter(ods_code="").count() == 2


def test_database_refuses_a_size_band_on_anything_but_an_employer():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(kind=Organisation.Kind.JOBCENTRE, size_band=Organisation.SizeBand.SMALL)


def test_database_refuses_two_versions_with_one_number():
    model = ServiceModelFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceModelVersion.objects.create(service_model=model, number=1, config={})


def test_database_refuses_version_zero():
    model = ServiceModel.objects.create(key="no-versions-yet", name="No versions yet")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceModelVersion.objects.create(service_model=model, number=0, config={})


# Versions are append-only in the database itself, whatever goes around ServiceModelVersion.save().


def _execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _unchanged(version: ServiceModelVersion) -> bool:
    stored = ServiceModelVersion.objects.filter(pk=version.pk).values("number", "config", "change_note").first()
    return stored == {"number": version.number, "config": version.config, "change_note": version.change_note}


def test_database_refuses_a_queryset_update_of_a_version():
    version = ServiceModelFactory().current_version
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ServiceModelVersion.objects.filter(pk=version.pk).update(config={"rewritten": True})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ServiceModelVersion.objects.filter(pk=version.pk).update(change_note="Quietly changed")
    assert _unchanged(version)


def test_database_refuses_a_queryset_delete_of_a_version():
    version = ServiceModelFactory().current_version
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ServiceModelVersion.objects.filter(pk=version.pk).delete()
    assert _unchanged(version)


def test_database_refuses_raw_sql_that_changes_or_removes_a_version():
    version = ServiceModelFactory().current_version
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"UPDATE {VERSIONS} SET number = 7 WHERE id = %s", [version.pk.hex])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"UPDATE {VERSIONS} SET number = 7")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"DELETE FROM {VERSIONS}")
    assert _unchanged(version)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_database_refuses_to_truncate_the_versions():
    version = ServiceModelFactory().current_version
    connection.check_constraints()  # else PostgreSQL refuses first for the insert's pending foreign key check
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute(f"TRUNCATE {VERSIONS} CASCADE")
    assert _unchanged(version)


def test_deleting_a_version_object_is_refused_before_it_reaches_the_database():
    version = ServiceModelFactory().current_version
    with pytest.raises(ImmutableVersionError):
        version.delete()
    assert _unchanged(version)


def test_a_service_model_with_versions_cannot_be_deleted():
    model = ServiceModelFactory()
    with pytest.raises(ProtectedError), transaction.atomic():
        model.delete()
    assert model.versions.count() == 1


def test_adding_versions_is_still_allowed_and_the_guard_can_be_lifted_by_the_database_owner():
    model = ServiceModelFactory()
    ServiceModelVersion.objects.create(service_model=model, number=2, config={})
    disable_guards()
    try:
        ServiceModelVersion.objects.filter(service_model=model, number=2).update(change_note="owner's fix")
        assert model.versions.get(number=2).change_note == "owner's fix"
    finally:
        enable_guards()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ServiceModelVersion.objects.filter(service_model=model, number=2).update(change_note="again")


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_still_be_emptied_after_adding_versions():
    # Teardown empties every table, which the guard refuses; `_append_only_guards` lifts it for that.
    version = ServiceModelFactory().current_version
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ServiceModelVersion.objects.filter(pk=version.pk).update(number=9)
