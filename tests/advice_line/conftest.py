from datetime import time

import pytest

from fitforwork.accounts.models import Role
from fitforwork.advice_line import services
from fitforwork.advice_line.models import AdviceLine, OpeningHours, Snippet, Topic
from fitforwork.core.calendar import Nation
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import OrganisationFactory, TeamFactory
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


@pytest.fixture(autouse=True)
def _topics(db):
    """The starting topics, as the migration seeds them (a transactional test elsewhere may have emptied them)."""
    services.topics_ensure()


@pytest.fixture
def line(workwell_site):  # noqa: F811
    team = TeamFactory(site=workwell_site, name="Advice line")
    return AdviceLine.objects.create(
        name="Fit for Work advice line", phone="0800 000 0000", team=team, nation=Nation.ENGLAND_AND_WALES
    )


def open_all_week(line):
    for day in range(7):
        OpeningHours.objects.create(line=line, weekday=day, opens=time(0, 0), closes=time(23, 59, 59))


@pytest.fixture
def adviser(line):
    user = UserFactory(role=Role.ADVICE_ADVISER, site=line.team.site, with_device=True, first_name="Fiona")
    user.teams.add(line.team)
    return user


@pytest.fixture
def lead(line):
    return UserFactory(role=Role.TEAM_LEAD, site=line.team.site, with_device=True)


@pytest.fixture
def adviser_client(client, adviser):
    return sign_in_with_two_factor(client, adviser)


@pytest.fixture
def employer():
    return OrganisationFactory(employer=True, name="Harbour Bakery Ltd")


@pytest.fixture
def snippet(db):
    return Snippet.objects.create(
        topic=Topic.objects.get(name="Fit notes"),
        title="What a fit note says",
        text="A fit note can say the employee may be fit for work with adjustments.",
        guidance_url="https://www.gov.uk/government/collections/fit-note",
    )
