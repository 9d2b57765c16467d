"""What a small demo contains: every role, sites on different presets, believable clients."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count

from fitforwork.accounts.models import Role, User
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from fitforwork.demo.clients import MAX_AGE, MIN_AGE, REFERENCE_DATE
from fitforwork.demo.waiting import waiting_people
from fitforwork.evaluation.scope import dashboard_sites
from fitforwork.organisations.models import Organisation, Site
from fitforwork.people.models import Condition, Employment, Person
from fitforwork.people.nhs_number import is_valid_nhs_number
from tests.demo.conftest import DEMO_CASES

pytestmark = pytest.mark.usefixtures("loaded_demo", "db")


def _of_clients(model):
    """The rows of the seeded clients, not of the people referred through the intake to wait for triage."""
    return model.objects.exclude(person__in=waiting_people())


def test_every_role_has_a_demo_sign_in_that_works_with_the_demo_password():
    users = {user.email: user for user in User.objects.filter(email__in=[demo.email for demo in DEMO_USERS])}

    assert {user.role for user in users.values()} == set(Role)
    for demo in DEMO_USERS:
        user = users[demo.email]
        assert user.role == demo.role
        assert user.check_password(DEMO_PASSWORD), demo.email
        assert user.is_active


def test_demo_sign_ins_belong_to_the_right_kind_of_organisation():
    by_role = {user.role: user for user in User.objects.filter(email__in=[demo.email for demo in DEMO_USERS])}

    assert by_role[Role.GP].organisation.kind == Organisation.Kind.GP_PRACTICE
    assert by_role[Role.EMPLOYER].organisation.kind == Organisation.Kind.EMPLOYER
    assert by_role[Role.JOBCENTRE].organisation.kind == Organisation.Kind.JOBCENTRE
    assert by_role[Role.COMMISSIONER].organisation.kind == Organisation.Kind.COMMISSIONER
    case_manager = by_role[Role.CASE_MANAGER]
    assert case_manager.site is not None
    assert case_manager.teams.filter(site=case_manager.site).exists()
    assert by_role[Role.GP].organisation.covered_by_sites.filter(pk=case_manager.site.pk).exists()


def test_the_demo_commissioner_sees_the_english_sites_and_the_evaluator_every_site():
    by_role = {user.role: user for user in User.objects.filter(email__in=[demo.email for demo in DEMO_USERS])}
    english = {"WorkWell Leicester", "Sheffield GP work and health coaching", "Fit for Work pilot: Birmingham"}

    assert {site.name for site in dashboard_sites(by_role[Role.COMMISSIONER])} == english
    assert dashboard_sites(by_role[Role.EVALUATOR]).count() == Site.objects.count() > len(english)


def test_sites_each_follow_a_different_preset_in_a_nation_that_preset_allows():
    sites = list(Site.objects.select_related("service_model"))

    assert len(sites) >= 4
    assert len({site.service_model.key for site in sites}) == len(sites)
    assert {site.nation for site in sites} >= {"england_wales", "scotland"}
    for site in sites:
        config = site.service_model.current_version.config
        assert site.nation in config["eligibility"]["nations"], site.name


def test_each_site_has_teams_postcode_districts_and_at_least_three_gp_practices():
    for site in Site.objects.annotate(practices=Count("gp_practices"), team_count=Count("teams", distinct=True)):
        assert site.practices >= 3, site.name
        assert site.team_count >= 2, site.name
        assert site.postcode_districts, site.name
    codes = list(Organisation.objects.filter(kind=Organisation.Kind.GP_PRACTICE).values_list("ods_code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(len(code) == 6 and code[0].isalpha() and code[1:].isdigit() for code in codes)


def test_there_are_employers_of_every_size_band_and_the_other_partners():
    bands = set(Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER).values_list("size_band", flat=True))
    kinds = set(Organisation.objects.values_list("kind", flat=True))

    assert bands == set(Organisation.SizeBand.values)
    assert kinds == set(Organisation.Kind.values)


def test_extra_staff_work_in_the_sites_teams():
    case_managers = User.objects.filter(role=Role.CASE_MANAGER).exclude(email__in=[d.email for d in DEMO_USERS])

    assert case_managers.count() >= Site.objects.count()
    assert all(user.site_id and user.teams.filter(site_id=user.site_id).exists() for user in case_managers)


def test_every_client_has_a_valid_unique_nhs_number():
    numbers = list(Person.objects.exclude(pk__in=waiting_people()).values_list("nhs_number", flat=True))

    assert len(numbers) == DEMO_CASES
    assert len(set(numbers)) == DEMO_CASES
    assert all(is_valid_nhs_number(number) and number.startswith("9") for number in numbers)


def test_every_client_lives_in_the_area_of_the_site_their_gp_practice_belongs_to():
    districts = {
        practice: set(site_districts)
        for practice, site_districts in Site.gp_practices.through.objects.values_list(
            "organisation_id", "site__postcode_districts"
        )
    }
    for person in Person.objects.all():
        assert person.gp_practice_id in districts, person.pk
        assert person.postcode_district in districts[person.gp_practice_id], person.postcode


def test_clients_are_of_working_age():
    for date_of_birth in Person.objects.values_list("date_of_birth", flat=True):
        age = (REFERENCE_DATE - date_of_birth).days / 365.25
        assert MIN_AGE <= age < MAX_AGE + 1


def test_every_client_has_one_current_employment_and_one_main_condition():
    clients = Person.objects.exclude(pk__in=waiting_people())
    assert (
        Employment.objects.filter(is_current=True, person__in=clients).values("person").distinct().count() == DEMO_CASES
    )
    assert Condition.objects.filter(is_main=True, person__in=clients).values("person").distinct().count() == DEMO_CASES


def test_employment_is_a_believable_mix_with_absences_mostly_under_six_months():
    statuses = Counter(_of_clients(Employment).values_list("status", flat=True))
    off_sick = _of_clients(Employment).filter(status=Employment.Status.EMPLOYED_OFF_SICK)
    recent = off_sick.filter(absence_start__gte=REFERENCE_DATE - timedelta(weeks=26)).count()
    employed = _of_clients(Employment).filter(status__in=["employed_off_sick", "employed_at_work"])

    assert set(statuses) == set(Employment.Status.values)
    assert statuses["employed_off_sick"] > statuses["unemployed"]
    assert recent / off_sick.count() > 0.7
    assert employed.filter(employer__isnull=False).count() / employed.count() > 0.7
    assert not employed.filter(job_title="").exists()


def test_conditions_are_mostly_musculoskeletal_and_mental_health():
    categories = Counter(Condition.objects.values_list("category", flat=True))

    assert categories["musculoskeletal"] + categories["mental_health"] > 0.6 * DEMO_CASES
    assert categories["musculoskeletal"] > 0.25 * DEMO_CASES
    assert categories["mental_health"] > 0.25 * DEMO_CASES
    assert categories["both"] > 0
    assert categories["other"] > 0
