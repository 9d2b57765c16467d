"""Who sees which sites' figures: an evaluator every site, a commissioner only the sites they commission."""

import pytest
from django.contrib.auth.models import AnonymousUser

from fitforwork.accounts.models import Role
from fitforwork.evaluation.scope import dashboard_sites, may_use_dashboard
from fitforwork.organisations.models import Organisation
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    ours = OrganisationFactory(kind=Organisation.Kind.COMMISSIONER, name="Ours")
    theirs = OrganisationFactory(kind=Organisation.Kind.COMMISSIONER, name="Theirs")
    first, second, elsewhere = SiteFactory(), SiteFactory(), SiteFactory()
    first.commissioners.add(ours)
    second.commissioners.add(ours, theirs)
    elsewhere.commissioners.add(theirs)
    return ours, theirs, first, second, elsewhere


def test_a_commissioner_sees_only_the_sites_their_organisation_commissions(partnership):
    ours, theirs, first, second, elsewhere = partnership
    assert set(dashboard_sites(UserFactory(role=Role.COMMISSIONER, organisation=ours))) == {first, second}
    assert set(dashboard_sites(UserFactory(role=Role.COMMISSIONER, organisation=theirs))) == {second, elsewhere}


def test_an_evaluator_sees_every_site(partnership):
    *_, first, second, elsewhere = partnership
    assert set(dashboard_sites(UserFactory(role=Role.EVALUATOR))) == {first, second, elsewhere}


def test_a_commissioner_with_no_organisation_sees_no_site(partnership):
    assert not dashboard_sites(UserFactory(role=Role.COMMISSIONER, organisation=None)).exists()


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.COMMISSIONER, Role.EVALUATOR}))
def test_no_other_role_uses_the_dashboard(partnership, role):
    ours, *_ = partnership
    user = UserFactory(role=role, organisation=ours)
    assert not may_use_dashboard(user)
    assert not dashboard_sites(user).exists()


def test_nobody_signed_out_uses_the_dashboard(partnership):
    assert not may_use_dashboard(AnonymousUser())
    assert not dashboard_sites(AnonymousUser()).exists()
