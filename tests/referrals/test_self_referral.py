"""A member of the public refers themselves, one question a page, without signing in."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from fitforwork.core.calendar import Nation
from fitforwork.organisations.models import ServiceModel
from fitforwork.referrals.models import Referral, Submission
from tests.organisations.factories import SiteFactory

pytestmark = pytest.mark.django_db

THREE_WEEKS_AGO = date.today() - timedelta(weeks=3)


def _answers(site):
    return [
        ("postcode", {"postcode": "le1 6tp"}),
        ("gp-practice", {"gp_practice": str(site.practice.pk)}),
        ("name", {"given_name": "Sam", "family_name": "Patel"}),
        ("date-of-birth", {"date_of_birth_day": "17", "date_of_birth_month": "5", "date_of_birth_year": "1985"}),
        ("nhs-number", {"nhs_number": ""}),
        ("contact", {"contact_method": "email", "email": "sam.patel@example.org", "phone": ""}),
        ("work", {"employment_status": "employed_off_sick"}),
        (
            "off-sick",
            {
                "absence_start_day": str(THREE_WEEKS_AGO.day),
                "absence_start_month": str(THREE_WEEKS_AGO.month),
                "absence_start_year": str(THREE_WEEKS_AGO.year),
                "employer_name": "Soar Bakery Ltd",
                "employer_size_band": "small",
            },
        ),
        ("condition", {"condition_category": "musculoskeletal", "condition_description": "Low back pain"}),
        ("help", {"help_wanted": "Getting back to my job at the bakery"}),
        ("privacy", {}),
        ("consent", {"consent": "on"}),
    ]


def _answer_everything(client, site, **changes):
    for slug, data in _answers(site):
        response = client.post(reverse(f"self_referral:{slug}"), {**data, **changes.get(slug, {})})
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    return response


def test_a_person_answers_each_question_in_turn_and_is_sent_to_check_their_answers(client, workwell_site):
    assert client.get(reverse("self_referral:start")).status_code == 200
    pages = [slug for slug, _ in _answers(workwell_site)]
    for slug, data in _answers(workwell_site):
        response = client.post(reverse(f"self_referral:{slug}"), data)
        following = pages[pages.index(slug) + 1] if slug != "consent" else None
        expected = reverse(f"self_referral:{following}") if following else reverse("self_referral:check")
        assert response["Location"] == expected


def test_check_your_answers_shows_what_was_entered_with_change_links_back_to_each_page(client, workwell_site):
    _answer_everything(client, workwell_site)
    page = client.get(reverse("self_referral:check")).content.decode()
    for shown in [
        "LE1 6TP",
        "Limes Medical Practice",
        "Sam",
        "Patel",
        "17 May 1985",
        "sam.patel@example.org",
        "Employed and off sick",
        "Soar Bakery Ltd",
        "Low back pain",
        "Getting back to my job",
    ]:
        assert shown in page
    assert f'href="{reverse("self_referral:date-of-birth")}?change=1"' in page

    # Changing an answer goes back to check your answers, showing the new answer
    response = client.post(
        reverse("self_referral:name") + "?change=1", {"given_name": "Samira", "family_name": "Patel"}
    )
    assert response["Location"] == reverse("self_referral:check")
    assert "Samira" in client.get(reverse("self_referral:check")).content.decode()


def test_changing_work_to_not_in_work_asks_when_they_left_then_returns_to_check(client, workwell_site):
    _answer_everything(client, workwell_site)
    response = client.post(reverse("self_referral:work") + "?change=1", {"employment_status": "unemployed"})
    assert response["Location"] == reverse("self_referral:left-work") + "?change=1"
    left = date.today() - timedelta(weeks=5)
    response = client.post(
        reverse("self_referral:left-work") + "?change=1",
        {"unemployed_since_day": left.day, "unemployed_since_month": left.month, "unemployed_since_year": left.year},
    )
    assert response["Location"] == reverse("self_referral:check")
    page = client.get(reverse("self_referral:check")).content.decode()
    assert "Soar Bakery Ltd" not in page
    assert "Date you left your last job" in page


def test_sending_makes_one_self_referral_shows_the_reference_and_clears_the_answers(client, workwell_site):
    _answer_everything(client, workwell_site)
    response = client.post(reverse("self_referral:check"))
    assert response["Location"] == reverse("self_referral:confirmation")
    referral = Referral.objects.get()
    assert (referral.channel, referral.source, referral.site) == ("self_form", "self", workwell_site)
    assert referral.person.date_of_birth == date(1985, 5, 17)
    assert referral.submission.payload["answers"]["name"] == {"given_name": "Sam", "family_name": "Patel"}
    assert referral.submission.idempotency_scope == "self"
    page = client.get(reverse("self_referral:confirmation")).content.decode()
    assert referral.reference in page
    assert "within 2 working days" in page
    assert "self_referral" not in client.session


def test_pressing_send_twice_gives_one_referral(client, workwell_site):
    _answer_everything(client, workwell_site)
    journey = client.session["self_referral"]
    client.post(reverse("self_referral:check"))
    client.post(reverse("self_referral:check"))
    # Two requests that both read the answers before either finished: the token makes them one referral
    session = client.session
    session["self_referral"] = journey
    session.save()
    client.post(reverse("self_referral:check"))
    assert Referral.objects.count() == 1
    assert Submission.objects.count() == 1


def test_an_ineligible_self_referral_says_plainly_why_and_where_else_to_get_help(client, workwell_site):
    SiteFactory(
        name="Fit for Work Wales: Cardiff",
        nation=Nation.ENGLAND_AND_WALES,
        service_model=ServiceModel.objects.get(key="fit-for-work-national"),
        postcode_districts=["CF10"],
    )
    _answer_everything(
        client, workwell_site, postcode={"postcode": "CF10 1AA"}, **{"gp-practice": {"gp_practice": "dont_know"}}
    )
    client.post(reverse("self_referral:check"))
    referral = Referral.objects.get()
    assert not referral.eligible
    page = client.get(reverse("self_referral:confirmation")).content.decode().replace("&#39;", "'")
    assert referral.reference in page
    assert "We may not be able to help you" in page
    assert "This service does not take referrals from the person themselves" in page
    assert "Where else to get help" in page
    assert "within 2 working days" not in page


def test_a_postcode_no_service_covers_shows_what_to_do_next_and_keeps_the_submission(client, workwell_site):
    _answer_everything(
        client, workwell_site, postcode={"postcode": "DD1 4HN"}, **{"gp-practice": {"gp_practice": "dont_know"}}
    )
    response = client.post(reverse("self_referral:check"))
    assert response["Location"] == reverse("self_referral:refused")
    page = client.get(reverse("self_referral:refused")).content.decode()
    assert "We do not run a service for this GP practice or postcode" in page
    assert "What you can do next" in page
    submission = Submission.objects.get()
    assert submission.outcome == Submission.Outcome.REFUSED
    assert submission.payload["answers"]["postcode"]["postcode"] == "DD1 4HN"
    assert not Referral.objects.exists()

    # Correcting the postcode and sending again makes the referral, as a new submission
    client.post(reverse("self_referral:postcode") + "?change=1", {"postcode": "LE2 7AB"})
    client.post(reverse("self_referral:check"))
    assert Referral.objects.get().site == workwell_site
    assert Submission.objects.count() == 2
