import pytest
from django.db import IntegrityError, transaction

from fitforwork.organisations.models import Organisation, ServiceModelVersion
from tests.organisations.factories import OrganisationFactory, ServiceModelFactory

pytestmark = pytest.mark.django_db


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
    model = ServiceModelFactory(version={})
    model.versions.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceModelVersion.objects.create(service_model=model, number=0, config={})
