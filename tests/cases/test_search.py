"""The header's case search: what each kind of query finds, that it finds only what the user may see, and the
one audit event each search leaves."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.access import cases_visible_to
from fitforwork.cases.models import Case, Delegation
from fitforwork.cases.search import Kind, Query, _relationships_now, parse_query, search_cases
from fitforwork.core.audit.models import AuditEvent
from fitforwork.people.models import Person
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.cases.test_access_matrix import world  # noqa: F401, F811  # the access matrix's people and case
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import SiteFactory, TeamFactory

NHS_NUMBER = "9434765919"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("943 476 5919", Kind.NHS_NUMBER, NHS_NUMBER),
        ("9434765919", Kind.NHS_NUMBER, NHS_NUMBER),
        ("943-476-5919", Kind.NHS_NUMBER, NHS_NUMBER),
        ("FW-7K3P-9Q2M", Kind.REFERENCE, "FW-7K3P-9Q2M"),
        ("fw7k3p9q2m", Kind.REFERENCE, "FW-7K3P-9Q2M"),
        ("3/4/1980", Kind.DATE_OF_BIRTH, "1980-04-03"),
        ("03-04-1980", Kind.DATE_OF_BIRTH, "1980-04-03"),
        ("3.4.1980", Kind.DATE_OF_BIRTH, "1980-04-03"),
        ("1980-04-03", Kind.DATE_OF_BIRTH, "1980-04-03"),
        ("le1 6tp", Kind.POSTCODE, "LE1 6TP"),
        ("LE16TP", Kind.POSTCODE, "LE1 6TP"),
        ("Shah", Kind.NAME, "Shah"),
        ("  priya   shah ", Kind.NAME, "priya shah"),
        ("O'Neill-Smith", Kind.NAME, "O'Neill-Smith"),
    ],
)
def test_each_kind_of_query_is_told_apart(text, kind, value):
    query = parse_query(text)
    assert query is not None
    assert (query.kind, query.value) == (kind, value)


def test_names_split_into_first_and_family_name_either_way_round():
    assert parse_query("Priya Shah") == Query(Kind.NAME, "Priya Shah", family="Shah", given="Priya")
    assert parse_query("Shah, Priya") == Query(Kind.NAME, "Shah Priya", family="Shah", given="Priya")
    assert parse_query("Shah 3/4/1980") == Query(Kind.NAME, "Shah 1980-04-03", family="Shah", born="1980-04-03")


@pytest.mark.parametrize("text", ["", "   ", "S", "31/2/1980", "3/4/80", "12345", "LE1", "Shah 42", "x@y.com"])
def test_what_is_none_of_the_kinds_is_not_searched(text):
    assert parse_query(text) is None


@pytest.fixture
def team(workwell_site):
    return TeamFactory(site=workwell_site, name="North")


@pytest.fixture
def manager(workwell_site, team):
    user = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)
    user.teams.add(team)
    return user


def _case(site, actor, team, **person):
    case = open_case(site, actor, case_manager=actor, **person)
    Case.objects.filter(pk=case.pk).update(team=team)
    case.refresh_from_db()
    return case


@pytest.fixture
def priya(workwell_site, manager, team):
    return _case(
        workwell_site, manager, team, given_name="Priya", family_name="Shah", date_of_birth=date(1980, 4, 3),
        postcode="LE1 6TP", nhs_number=NHS_NUMBER,
    )  # fmt: skip


@pytest.fixture
def other_priya(workwell_site, manager, team):
    """Another Priya Shah: same name, another birthday and postcode."""
    return _case(
        workwell_site, manager, team, given_name="Priya", family_name="Shah", date_of_birth=date(1991, 9, 12),
        postcode="LE2 1AA", email="p.shah@example.org",
    )  # fmt: skip


def _found(user, text):
    return [case.pk for case in search_cases(user, parse_query(text)).cases]


@pytest.mark.parametrize(
    "text", ["943 476 5919", "9434765919", "3/4/1980", "03-04-1980", "1980-04-03", "LE1 6TP", "le16tp",
             "Shah 3/4/1980", "Priya Shah", "pri sha", "Shah, Priya", "Sha"],
)  # fmt: skip
def test_each_kind_finds_the_case(manager, priya, text):
    assert _found(manager, text) == [priya.pk]


def test_a_reference_finds_the_case(manager, priya):
    assert _found(manager, priya.referral.reference.lower().replace("-", "")) == [priya.pk]


def test_a_postcode_kept_without_its_space_is_found_with_it(manager, priya):
    Person.objects.filter(pk=priya.person_id).update(postcode="LE16TP")
    assert _found(manager, "LE1 6TP") == [priya.pk]


def test_a_name_finds_both_people_of_that_name_and_a_birthday_tells_them_apart(manager, priya, other_priya):
    assert _found(manager, "Priya Shah") == [priya.pk, other_priya.pk]  # the elder first: same name, then by birth
    assert _found(manager, "Shah 12/9/1991") == [other_priya.pk]
    assert _found(manager, "Shahid") == []
    assert _found(manager, "Ravi Shah") == []


def test_a_case_manager_of_another_team_does_not_find_it(workwell_site, priya):
    stranger = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    stranger.teams.add(TeamFactory(site=workwell_site, name="South"))
    elsewhere = UserFactory(role=Role.TEAM_LEAD, site=SiteFactory(name="WorkWell Derby"))
    for user in (stranger, elsewhere):
        for text in ("943 476 5919", "Priya Shah", "3/4/1980", "LE1 6TP", priya.referral.reference):
            assert _found(user, text) == [], (user, text)


def test_a_common_name_is_cut_at_the_limit_and_says_there_are_more(manager, priya, other_priya):
    result = search_cases(manager, parse_query("Shah"), limit=1)
    assert [case.pk for case in result.cases] == [priya.pk]
    assert result.more
    assert not search_cases(manager, parse_query("Shah"), limit=2).more


def test_the_page_shows_what_tells_two_people_apart_and_links_to_each(client, manager, priya, other_priya):
    sign_in_with_two_factor(client, manager)
    html = client.get(reverse("cases:search"), {"q": "Priya Shah"}).content.decode()
    for case in (priya, other_priya):
        assert f'href="{reverse("cases:case", args=[case.pk])}"' in html
        assert case.referral.reference in html
    for text in ("3 April 1980", "12 September 1991", "LE1 6TP", "LE2 1AA", manager.get_full_name(), "Referred"):
        assert text in html
    assert "2 cases with the name" in html


def test_the_page_says_plainly_when_nothing_is_found_and_what_to_try(client, manager, priya):
    sign_in_with_two_factor(client, manager)
    html = client.get(reverse("cases:search"), {"q": "Zebedee"}).content.decode()
    assert "No cases found" in html
    assert "checking the spelling" in html
    html = client.get(reverse("cases:search"), {"q": "S"}).content.decode()
    assert "We could not tell what to search for" in html
    assert "a full postcode, like LE1 6TP" in html


def test_the_page_says_when_there_are_more_than_it_shows(client, manager, priya, other_priya, monkeypatch):
    monkeypatch.setattr("fitforwork.cases.search.LIMIT", 1)
    sign_in_with_two_factor(client, manager)
    html = client.get(reverse("cases:search"), {"q": "Shah"}).content.decode()
    assert "add a first name" in html
    assert html.count('class="nhsuk-table__row"') == 1


def test_each_search_leaves_one_audit_event_with_its_kind_and_count_but_not_the_words(client, manager, priya):
    sign_in_with_two_factor(client, manager)
    before = AuditEvent.objects.filter(action="cases.search").count()
    client.get(reverse("cases:search"), {"q": "943 476 5919"})
    client.get(reverse("cases:search"), {"q": "Zebedee"})
    client.get(reverse("cases:search"), {"q": "?"})
    events = list(AuditEvent.objects.filter(action="cases.search").order_by("seq"))[before:]
    assert [(event.data["kind"], event.data["results"]) for event in events] == [
        ("nhs_number", 1),
        ("name", 0),
        ("not_recognised", 0),
    ]
    assert events[0].data["cases"] == [str(priya.pk)]
    assert all(event.actor_id == manager.pk for event in events)
    for event in events:
        stored = f"{event.data} {event.reason}"
        assert "9434765919" not in stored
        assert "943 476 5919" not in stored
        assert "Zebedee" not in stored


def test_the_header_has_the_search_box_for_clinical_staff_only(client, workwell_site, manager):
    sign_in_with_two_factor(client, manager)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert f'action="{reverse("cases:search")}"' in html
    gp = UserFactory(role=Role.GP, site=workwell_site, with_device=True)
    client.logout()
    sign_in_with_two_factor(client, gp)
    html = client.get(reverse("referrals:list")).content.decode()
    assert "nhsuk-header__search" not in html
    assert client.get(reverse("cases:search"), {"q": "Shah"}).status_code == 403


def test_the_planner_friendly_filter_finds_what_the_access_rules_allow(world, workwell_site):  # noqa: F811
    """`_relationships_now` answers the access rules' subqueries first; for everyone in the access matrix it
    must find exactly the cases `cases_visible_to` does (with a case in no team and a cover arrangement too)."""
    people, args = world
    case = Case.objects.get(pk=args["case_id"])
    open_case(workwell_site, case.case_manager, given_name="Nobody", family_name="Teamless", email="n@example.org")
    cover = UserFactory(role=Role.CASE_MANAGER, site=SiteFactory(name="WorkWell Nottingham"))
    today = timezone.localdate()
    Delegation.objects.create(
        from_user=case.case_manager, to_user=cover, starts_on=today, ends_on=today, created_by=cover
    )
    for user in [*people.values(), cover]:
        expected = set(cases_visible_to(user).values_list("pk", flat=True))
        assert set(Case.objects.filter(_relationships_now(user)).values_list("pk", flat=True)) == expected, user
    assert case.pk in set(Case.objects.filter(_relationships_now(cover)).values_list("pk", flat=True))


def test_on_postgresql_the_name_search_indexes_exist_and_on_sqlite_nothing_was_tried(db):
    """Migrations people 0004 and cases 0004 make the prefix and covering indexes on PostgreSQL only."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('people_person', 'cases_case')")
            names = {row[0] for row in cursor.fetchall()}
            assert {"person_family_prefix_idx", "case_team_person_idx", "person_dob_idx"} <= names
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            names = {row[0] for row in cursor.fetchall()}
            assert "person_dob_idx" in names
            assert "person_family_prefix_idx" not in names
