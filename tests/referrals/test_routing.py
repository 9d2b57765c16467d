"""The per-process routing table: the same answers as querying each time, kept fresh by signals and a TTL."""

import pytest

from fitforwork.organisations.models import ServiceModelVersion, Site
from fitforwork.people.postcodes import postcode_district
from fitforwork.referrals import routing
from fitforwork.referrals.routing import latest_rules, route_referral, routing_cache_clear
from tests.organisations.factories import OrganisationFactory, ServiceModelFactory, SiteFactory, valid_config

pytestmark = pytest.mark.django_db

LOAD_QUERIES = 3  # sites with their service models, the sites' practices, the newest versions


def _by_queries(gp_practice, postcode):
    """Routing as it was before the table: the reference the table must agree with."""
    if gp_practice is not None:
        site = Site.objects.filter(gp_practices=gp_practice).first()
        if site is not None:
            return site
    district = postcode_district(postcode)
    if not district:
        return None
    for site in Site.objects.order_by("name"):
        if district in {d.upper() for d in site.postcode_districts}:
            return site
    return None


def test_routes_by_the_gp_practice_before_the_postcode(workwell_site):
    elsewhere = SiteFactory(name="Dundee", postcode_districts=["DD1"])
    assert route_referral(gp_practice=workwell_site.practice, postcode="DD1 4HN") == workwell_site
    assert route_referral(gp_practice=None, postcode="DD1 4HN") == elsewhere


def test_falls_back_to_the_postcode_district_in_any_case_and_spacing(workwell_site):
    uncovered_practice = OrganisationFactory(gp_practice=True)
    assert route_referral(gp_practice=uncovered_practice, postcode="le2 7ab") == workwell_site
    assert route_referral(gp_practice=uncovered_practice, postcode="LE37AB") == workwell_site


def test_nobody_covers_an_unknown_practice_and_district(workwell_site):
    assert route_referral(gp_practice=OrganisationFactory(gp_practice=True), postcode="DD1 4HN") is None
    assert route_referral(gp_practice=None, postcode="") is None
    assert route_referral(gp_practice=None, postcode="LE11") is None  # LE1 1 is too short to be LE1


def test_two_sites_covering_a_district_or_practice_go_by_name_as_before(db):
    practice = OrganisationFactory(gp_practice=True)
    # Created in the opposite order to their names, so creation order cannot pass for name order; the
    # mixed case tells the database's collation from Python's ordering.
    for name in ["Zeta", "beta", "Alpha", "alpha two"]:
        SiteFactory(name=name, postcode_districts=["le9"], gp_practices=[practice])
    first_by_name = Site.objects.order_by("name").first()
    assert route_referral(gp_practice=practice, postcode="") == first_by_name
    assert route_referral(gp_practice=None, postcode="LE9 1AA") == first_by_name


def test_answers_as_querying_each_time_did(workwell_site):
    practices = [OrganisationFactory(gp_practice=True) for _ in range(4)]
    SiteFactory(name="b", postcode_districts=["LE2", "dd1"], gp_practices=practices[:2])
    SiteFactory(name="A", postcode_districts=["DD1", "KY1"], gp_practices=practices[1:3])
    SiteFactory(name="c", postcode_districts=[], gp_practices=[workwell_site.practice])
    for practice in [None, workwell_site.practice, *practices]:
        for postcode in ["LE1 6TP", "le2 7ab", "DD1 4HN", "KY1 1AA", "AB1 2CD", ""]:
            assert route_referral(gp_practice=practice, postcode=postcode) == _by_queries(practice, postcode)


def test_once_loaded_the_table_answers_with_no_queries(workwell_site, django_assert_num_queries):
    for _ in range(20):  # the load is a fixed number of queries, however many sites there are
        SiteFactory(gp_practices=[OrganisationFactory(gp_practice=True)])
    with django_assert_num_queries(LOAD_QUERIES):
        route_referral(gp_practice=None, postcode="")
    with django_assert_num_queries(0):
        assert route_referral(gp_practice=workwell_site.practice, postcode="") == workwell_site
        assert route_referral(gp_practice=None, postcode="LE3 1AA") == workwell_site
        assert route_referral(gp_practice=None, postcode="ZZ1 1ZZ") is None
        site = route_referral(gp_practice=None, postcode="LE3 1AA")
        assert site.service_model.key == "workwell"
        rules = latest_rules(site.service_model_id)
        assert rules.service_model.key == "workwell"
        assert latest_rules(ServiceModelFactory.build().pk) is None


def test_latest_rules_is_the_newest_version_of_each_service_model(db):
    one, two = ServiceModelFactory(), ServiceModelFactory()
    ServiceModelVersion.objects.create(service_model=one, number=2, config=valid_config())
    ServiceModelVersion.objects.create(service_model=one, number=3, config=valid_config())
    assert latest_rules(one.pk) == one.versions.get(number=3)
    assert latest_rules(two.pk) == two.versions.get(number=1)


def test_new_rules_are_used_at_once(workwell_site):
    current = latest_rules(workwell_site.service_model_id)
    newer = ServiceModelVersion.objects.create(
        service_model=workwell_site.service_model, number=current.number + 1, config=current.config
    )
    assert latest_rules(workwell_site.service_model_id) == newer


def test_new_sites_districts_and_practices_are_routed_at_once(workwell_site):
    practice = OrganisationFactory(gp_practice=True)
    assert route_referral(gp_practice=practice, postcode="DD1 4HN") is None  # loads the table

    dundee = SiteFactory(name="Dundee", postcode_districts=["DD1"])
    assert route_referral(gp_practice=practice, postcode="DD1 4HN") == dundee

    dundee.postcode_districts = ["DD1", "DD2"]
    dundee.save()
    assert route_referral(gp_practice=None, postcode="DD2 1AA") == dundee

    dundee.gp_practices.add(practice)
    assert route_referral(gp_practice=practice, postcode="LE1 6TP") == dundee

    dundee.gp_practices.remove(practice)
    assert route_referral(gp_practice=practice, postcode="LE1 6TP") == workwell_site

    dundee.gp_practices.add(practice)
    assert route_referral(gp_practice=practice, postcode="LE1 6TP") == dundee
    dundee.gp_practices.clear()
    assert route_referral(gp_practice=practice, postcode="LE1 6TP") == workwell_site

    workwell_site.practice.covered_by_sites.add(dundee)  # the reverse side of the same relation
    assert route_referral(gp_practice=workwell_site.practice, postcode="") == dundee

    dundee.gp_practices.clear()
    assert route_referral(gp_practice=None, postcode="DD1 4HN") == dundee
    dundee.delete()
    assert route_referral(gp_practice=None, postcode="DD1 4HN") is None


def test_a_renamed_service_model_is_seen_at_once(workwell_site):
    assert route_referral(gp_practice=None, postcode="LE1 6TP").service_model.name != "Renamed"
    service_model = workwell_site.service_model
    service_model.name = "Renamed"
    service_model.save()
    assert route_referral(gp_practice=None, postcode="LE1 6TP").service_model.name == "Renamed"


def test_a_change_without_signals_is_seen_once_the_table_expires(workwell_site, settings):
    settings.ROUTING_CACHE_SECONDS = 30
    assert route_referral(gp_practice=None, postcode="LE1 6TP") == workwell_site
    Site.objects.filter(pk=workwell_site.pk).update(postcode_districts=["LE9"])
    assert route_referral(gp_practice=None, postcode="LE1 6TP") == workwell_site  # still the kept table

    settings.ROUTING_CACHE_SECONDS = 0
    assert route_referral(gp_practice=None, postcode="LE1 6TP") is None
    assert route_referral(gp_practice=None, postcode="LE9 1AA") == workwell_site


def test_the_table_is_kept_thirty_seconds_unless_configured(workwell_site, settings, monkeypatch):
    del settings.ROUTING_CACHE_SECONDS
    now = [1000.0]
    monkeypatch.setattr(routing.time, "monotonic", lambda: now[0])
    assert route_referral(gp_practice=None, postcode="LE1 6TP") == workwell_site
    Site.objects.filter(pk=workwell_site.pk).update(postcode_districts=["LE9"])
    now[0] += 29.9
    assert route_referral(gp_practice=None, postcode="LE1 6TP") == workwell_site
    now[0] += 0.1
    assert route_referral(gp_practice=None, postcode="LE1 6TP") is None


def test_while_one_thread_reloads_the_others_answer_from_the_old_table(
    workwell_site, settings, django_assert_num_queries
):
    route_referral(gp_practice=None, postcode="LE1 6TP")
    settings.ROUTING_CACHE_SECONDS = 0
    with routing._load_lock, django_assert_num_queries(0):  # as if another thread were loading
        assert route_referral(gp_practice=None, postcode="LE1 6TP") == workwell_site
    with django_assert_num_queries(LOAD_QUERIES):
        route_referral(gp_practice=None, postcode="LE1 6TP")


def test_a_table_loaded_while_it_was_cleared_is_not_kept(workwell_site, monkeypatch, django_assert_num_queries):
    load = routing._load

    def load_overtaken_by_a_clear():
        table = load()
        routing_cache_clear()  # a site saved in another thread while this one was loading
        return table

    monkeypatch.setattr(routing, "_load", load_overtaken_by_a_clear)
    assert route_referral(gp_practice=None, postcode="LE1 6TP") == workwell_site
    monkeypatch.setattr(routing, "_load", load)
    with django_assert_num_queries(LOAD_QUERIES):
        route_referral(gp_practice=None, postcode="LE1 6TP")


def test_a_change_clears_the_table_again_when_its_transaction_commits(
    workwell_site, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workwell_site.save()
    route_referral(gp_practice=None, postcode="LE1 6TP")  # loaded before the commit, from the old rows
    for callback in callbacks:
        callback()
    with django_assert_num_queries(LOAD_QUERIES):
        route_referral(gp_practice=None, postcode="LE1 6TP")
