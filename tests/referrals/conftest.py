from datetime import date, timedelta

import pytest

from fitforwork.core.calendar import Nation
from fitforwork.organisations.models import ServiceModel
from fitforwork.organisations.services import service_model_presets_load
from fitforwork.referrals.intake import ReferralInput
from tests.organisations.factories import OrganisationFactory, SiteFactory


@pytest.fixture
def workwell_site(db):
    """A WorkWell site in Leicester covering one GP practice and the LE1 to LE3 districts."""
    service_model_presets_load(actor=None)
    practice = OrganisationFactory(gp_practice=True, name="Limes Medical Practice")
    site = SiteFactory(
        name="WorkWell Leicester",
        nation=Nation.ENGLAND_AND_WALES,
        service_model=ServiceModel.objects.get(key="workwell"),
        postcode_districts=["LE1", "LE2", "LE3"],
    )
    site.gp_practices.add(practice)
    site.practice = practice
    return site


def referral_input(site, **overrides):
    values = {
        "source": "gp",
        "given_name": "Alex",
        "family_name": "Morgan",
        "date_of_birth": date(1980, 5, 17),
        "postcode": "LE1 6TP",
        "reason": "Low back pain, off work for three weeks, worried about keeping their job.",
        "condition_category": "musculoskeletal",
        "employment_status": "employed_off_sick",
        "absence_start": date.today() - timedelta(weeks=3),
        "consent_given": True,
        "gp_practice": site.practice,
        "email": "alex.morgan@example.org",
        "referrer_email": "gp@example.org",
    }
    values.update(overrides)
    return ReferralInput(**values)
