"""The self-referral's public-form rules: area check first, practices near the postcode, privacy before consent."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from fitforwork.core.outbox.models import Message
from fitforwork.referrals.models import Referral
from tests.organisations.factories import OrganisationFactory
from tests.referrals.test_self_referral import _answer_everything, _answers

pytestmark = pytest.mark.django_db


def _page(response):
    return response.content.decode().replace("&#39;", "'").replace("&#34;", '"')


def test_a_postcode_outside_every_area_is_told_straight_after_the_postcode_with_where_to_look(
    client, workwell_site, settings
):
    response = client.post(reverse("self_referral:postcode"), {"postcode": "DD1 4HN"})
    assert response["Location"] == reverse("self_referral:outside-area")
    page = _page(client.get(response["Location"]))
    assert "We may not cover where you live" in page
    assert "DD1 4HN" in page
    assert f'href="{settings.FIND_A_SERVICE_URL}"' in page
    # Someone registered with a practice in the area may still go on
    assert f'href="{reverse("self_referral:gp-practice")}"' in page


def test_a_postcode_in_an_area_goes_straight_on_to_the_gp_practice(client, workwell_site):
    response = client.post(reverse("self_referral:postcode"), {"postcode": "le2 7ab"})
    assert response["Location"] == reverse("self_referral:gp-practice")


def test_changing_to_a_postcode_outside_the_area_checks_it_before_returning_to_check_answers(client, workwell_site):
    _answer_everything(client, workwell_site)
    response = client.post(reverse("self_referral:postcode") + "?change=1", {"postcode": "DD1 4HN"})
    assert response["Location"] == reverse("self_referral:outside-area") + "?change=1"
    assert f'href="{reverse("self_referral:check")}"' in _page(client.get(response["Location"]))


@pytest.fixture
def practices(workwell_site):
    return {
        "sector": OrganisationFactory(gp_practice=True, name="Zeta Surgery", postcode="LE1 6AB"),
        "district": OrganisationFactory(gp_practice=True, name="Alpha Health Centre", postcode="LE1 9ZZ"),
        "area": OrganisationFactory(gp_practice=True, name="Beta Medical Group", postcode="LE5 1AA"),
        "elsewhere": OrganisationFactory(gp_practice=True, name="Tay Dundee Practice", postcode="DD1 1AA"),
        "closed": OrganisationFactory(gp_practice=True, name="Closed Surgery", postcode="LE1 6AA", is_active=False),
    }


def test_the_practices_offered_are_those_near_the_postcode_nearest_first(client, practices):
    client.post(reverse("self_referral:postcode"), {"postcode": "LE1 6TP"})
    page = _page(client.get(reverse("self_referral:gp-practice")))
    assert "GP practices near your postcode" in page
    positions = [page.index(practices[k].name) for k in ("sector", "district", "area")]
    assert positions == sorted(positions)  # same sector, then same district, then same area
    assert practices["elsewhere"].name not in page
    assert practices["closed"].name not in page
    assert "I do not know" in page
    assert 'name="q"' in page  # the search, a plain form that works without JavaScript


def test_a_practice_found_by_searching_can_be_chosen_and_is_shown_on_check_your_answers(
    client, workwell_site, practices
):
    _answer_everything(client, workwell_site)
    search = reverse("self_referral:gp-practice") + "?change=1&q=dundee"
    page = _page(client.get(search))
    assert "GP practices matching \u201cdundee\u201d" in page
    assert practices["elsewhere"].name in page
    assert practices["area"].name not in page
    response = client.post(search, {"gp_practice": str(practices["elsewhere"].pk)})
    assert response["Location"] == reverse("self_referral:check")
    assert "Tay Dundee Practice, DD1 1AA" in _page(client.get(reverse("self_referral:check")))


def test_a_search_that_finds_nothing_says_what_to_try(client, practices):
    page = _page(client.get(reverse("self_referral:gp-practice") + "?q=nowhere"))
    assert "No GP practices match \u201cnowhere\u201d" in page


def test_a_practice_value_that_is_not_an_open_practice_is_refused(client, practices):
    for value in ["not-a-practice", str(practices["closed"].pk)]:
        response = client.post(reverse("self_referral:gp-practice"), {"gp_practice": value})
        assert response.status_code == 200
        assert "Select your GP practice, or" in _page(response)


def _off_sick(on: date):
    return {
        "absence_start_day": str(on.day),
        "absence_start_month": str(on.month),
        "absence_start_year": str(on.year),
        "employer_name": "Soar Bakery Ltd",
        "employer_size_band": "small",
    }


def test_a_first_day_off_sick_before_the_16th_birthday_is_refused_with_the_reason(client, workwell_site):
    today = date.today()
    born = date(today.year - 17, 1, 10) if today.month > 1 else date(today.year - 18, 1, 10)
    client.post(
        reverse("self_referral:date-of-birth"),
        {"date_of_birth_day": born.day, "date_of_birth_month": born.month, "date_of_birth_year": born.year},
    )
    sixteen = date(born.year + 16, 1, 10)
    response = client.post(reverse("self_referral:off-sick"), _off_sick(sixteen - timedelta(days=1)))
    assert response.status_code == 200
    assert f"must be on or after your 16th birthday (10 January {sixteen.year})" in _page(response)
    # On the birthday itself is fine
    response = client.post(reverse("self_referral:off-sick"), _off_sick(sixteen))
    assert response.status_code == 302


def test_changing_the_date_of_birth_later_sends_the_person_back_to_the_first_day_off_sick(client, workwell_site):
    _answer_everything(client, workwell_site)
    sixteen = date.today() - timedelta(days=7)  # after the first day off sick, three weeks ago
    born = date(sixteen.year - 16, sixteen.month, min(sixteen.day, 28))
    response = client.post(
        reverse("self_referral:date-of-birth") + "?change=1",
        {"date_of_birth_day": born.day, "date_of_birth_month": born.month, "date_of_birth_year": born.year},
    )
    assert response["Location"] == reverse("self_referral:off-sick") + "?change=1"
    response = client.post(reverse("self_referral:check"))
    assert not Referral.objects.exists()


def test_a_date_hint_and_its_error_give_the_same_example(client, workwell_site):
    page = _page(client.get(reverse("self_referral:date-of-birth")))
    assert "For example, 31 3 1980" in page
    response = client.post(
        reverse("self_referral:date-of-birth"),
        {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "1980"},
    )
    assert "Date of birth must be a real date, for example 31 3 1980" in _page(response)
    page = _page(client.get(reverse("self_referral:off-sick")))
    assert "For example, 27 3 2026" in page
    response = client.post(reverse("self_referral:off-sick"), _off_sick(date.today()) | {"absence_start_day": "32"})
    assert "must be a real date, for example 27 3 2026" in _page(response)


@pytest.mark.parametrize(
    ("slug", "name", "autocomplete"),
    [
        ("postcode", "postcode", "postal-code"),
        ("name", "given_name", "given-name"),
        ("name", "family_name", "family-name"),
        ("contact", "email", "email"),
        ("contact", "phone", "tel"),
    ],
)
def test_personal_details_say_what_they_are_for_autofill(client, workwell_site, slug, name, autocomplete):
    page = _page(client.get(reverse(f"self_referral:{slug}")))
    field = page[page.index(f'name="{name}"') - 300 : page.index(f'name="{name}"') + 300]
    assert f'autocomplete="{autocomplete}"' in field


def test_the_privacy_notice_comes_before_consent_and_says_who_what_how_long_and_how_to_complain(client, workwell_site):
    for slug, data in _answers(workwell_site):
        if slug in {"privacy", "consent"}:
            break
        response = client.post(reverse(f"self_referral:{slug}"), data)
    assert response["Location"] == reverse("self_referral:privacy")
    page = _page(client.get(reverse("self_referral:privacy")))
    for said in ["Who sees it", "What we use it for", "How long we keep it", "8 years", "ico.org.uk"]:
        assert said in page
    assert client.post(reverse("self_referral:privacy"), {})["Location"] == reverse("self_referral:consent")
    assert f'href="{reverse("core:privacy")}"' in _page(client.get(reverse("self_referral:consent")))


def test_every_page_footer_links_privacy_cookies_contact_and_accessibility(client, workwell_site):
    page = _page(client.get(reverse("self_referral:start")))
    for name in ["core:privacy", "core:cookies", "core:contact", "core:accessibility"]:
        assert f'href="{reverse(name)}"' in page
    assert "sessionid" in _page(client.get(reverse("core:cookies")))
    assert "Information Commissioner" in _page(client.get(reverse("core:privacy")))


def test_the_confirmation_and_the_email_say_how_to_contact_the_service(client, workwell_site, settings):
    _answer_everything(client, workwell_site)
    client.post(reverse("self_referral:check"))
    page = _page(client.get(reverse("self_referral:confirmation")))
    assert "How to contact us" in page
    assert settings.SERVICE_CONTACT["phone"] in page
    assert settings.SERVICE_CONTACT["email"] in page
    email = Message.objects.get(template_name="referral_received_client_email")
    assert email.personalisation["service_phone"] == settings.SERVICE_CONTACT["phone"]
    assert email.personalisation["service_email"] == settings.SERVICE_CONTACT["email"]
