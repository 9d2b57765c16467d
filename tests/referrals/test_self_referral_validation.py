"""Each self-referral page says what is wrong in an error summary linked to the field."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOMORROW = date.today() + timedelta(days=1)


@pytest.mark.parametrize(
    ("slug", "data", "field_id", "message"),
    [
        ("postcode", {"postcode": ""}, "id_postcode", "Enter your postcode"),
        ("postcode", {"postcode": "not a postcode"}, "id_postcode", "Enter a real postcode, like LE1 6TP"),
        ("gp-practice", {"gp_practice": ""}, "id_gp_practice", "Select your GP practice"),
        ("name", {"given_name": "", "family_name": "Patel"}, "id_given_name", "Enter your first name"),
        ("name", {"given_name": "Sam", "family_name": ""}, "id_family_name", "Enter your last name"),
        ("date-of-birth", {}, "id_date_of_birth", "Enter your date of birth"),
        (
            "date-of-birth",
            {
                "date_of_birth_day": TOMORROW.day,
                "date_of_birth_month": TOMORROW.month,
                "date_of_birth_year": TOMORROW.year,
            },
            "id_date_of_birth",
            "Date of birth must be in the past",
        ),
        (
            "date-of-birth",
            {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "1980"},
            "id_date_of_birth",
            "Date of birth must be a real date",
        ),
        (
            "date-of-birth",
            {"date_of_birth_day": "3", "date_of_birth_month": "", "date_of_birth_year": "1980"},
            "id_date_of_birth",
            "Date of birth must include a month",
        ),
        ("nhs-number", {"nhs_number": "123"}, "id_nhs_number", "NHS number must be 10 digits"),
        ("contact", {}, "id_contact_method", "Select how you would like us to contact you"),
        ("contact", {"contact_method": "email", "email": ""}, "id_email", "Enter your email address"),
        ("contact", {"contact_method": "mobile", "phone": "01164960000"}, "id_phone", "Enter a UK mobile number"),
        ("work", {}, "id_employment_status", "Select which describes your work situation best"),
        ("off-sick", {"employer_name": "Soar"}, "id_absence_start", "Enter the first day you were off sick"),
        ("employer", {}, "id_employer_name", "Enter the name of your employer"),
        ("left-work", {}, "id_unemployed_since", "Enter the date you left work"),
        ("condition", {"condition_description": "x"}, "id_condition_category", "Select what kind of health condition"),
        ("condition", {"condition_category": "other"}, "id_condition_description", "Tell us briefly about your"),
        ("help", {}, "id_help_wanted", "Enter what you would like help with"),
        ("consent", {}, "id_consent", "Confirm that you agree"),
    ],
)
def test_each_page_shows_its_errors_in_a_summary_linked_to_the_field(
    client, workwell_site, slug, data, field_id, message
):
    response = client.post(reverse(f"self_referral:{slug}"), data)
    page = response.content.decode().replace("&#39;", "'")
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f'href="#{field_id}"' in page
    assert f'id="{field_id}"' in page
    assert message in page
    assert "<title>Error:" in page


def test_a_valid_nhs_number_is_optional_and_kept_without_spaces(client, workwell_site):
    assert client.post(reverse("self_referral:nhs-number"), {"nhs_number": ""}).status_code == 302
    assert client.post(reverse("self_referral:nhs-number"), {"nhs_number": "943 476 5919"}).status_code == 302
    assert client.session["self_referral"]["answers"]["nhs-number"]["nhs_number"] == "943 476 5919"


def test_check_your_answers_before_finishing_sends_the_person_back_to_the_first_unanswered_question(client, db):
    client.post(reverse("self_referral:postcode"), {"postcode": "LE1 6TP"})
    page = client.get(reverse("self_referral:check")).content.decode()
    assert "You have not answered all the questions yet" in page
    assert f'href="{reverse("self_referral:gp-practice")}"' in page
    assert client.post(reverse("self_referral:check")).status_code == 200


def test_an_impossibly_large_year_is_an_error_not_a_crash(client):
    from django.urls import reverse as url_for

    response = client.post(
        url_for("self_referral:date-of-birth"),
        {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "99999999999"},
    )
    assert response.status_code in (200, 400)
    assert "date of birth" in response.content.decode().lower()
