from datetime import datetime

import pytest
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.core.calendar import Nation
from fitforwork.organisations.models import ServiceModel
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral
from fitforwork.referrals.services import referral_accept
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory, SiteFactory
from tests.referrals.conftest import referral_input, workwell_site  # noqa: F401  # shared fixture


def refer(site, *, received_at: datetime | None = None, **overrides) -> Referral:
    """A referral to `site` through the intake, received when the test says (London time)."""
    referral = referral_receive(channel="gp_form", payload={}, parse=lambda _: referral_input(site, **overrides))
    if received_at is not None:
        Referral.objects.filter(pk=referral.pk).update(received_at=received_at)
        referral.refresh_from_db()
    return referral


def london(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def open_case(site, actor, *, case_manager=None, received_at=None, **overrides):
    """A case opened the way the service opens one: a referral received, then accepted."""
    return referral_accept(
        referral=refer(site, received_at=received_at, **overrides), actor=actor, case_manager=case_manager
    )


@pytest.fixture
def case_manager(workwell_site):  # noqa: F811
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site)


@pytest.fixture
def scottish_site(db):
    """A Working Health Services Scotland site in Dundee, covering one practice and DD1 to DD4."""
    from fitforwork.organisations.services import service_model_presets_load

    service_model_presets_load(actor=None)
    practice = OrganisationFactory(gp_practice=True, name="Hawkhill Medical Centre")
    site = SiteFactory(
        name="WHSS Dundee",
        nation=Nation.SCOTLAND,
        service_model=ServiceModel.objects.get(key="working-health-services-scotland"),
        postcode_districts=["DD1", "DD2", "DD3", "DD4"],
    )
    site.gp_practices.add(practice)
    site.practice = practice
    return site
