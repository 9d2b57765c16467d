"""Signed-in referrers refer through the one form, and follow their own organisation's referrals."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.people.models import Person
from fitforwork.referrals.intake import referral_receive
from fitforwork.referrals.models import Referral, Submission
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.referrals.conftest import referral_input


def _date(prefix, value):
    return {f"{prefix}_day": str(value.day), f"{prefix}_month": str(value.month), f"{prefix}_year": str(value.year)}


def form_data(**overrides):
    off_since = date.today() - timedelta(weeks=3)
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "given_name": "Alex",
        "family_name": "Morgan",
        **_date("date_of_birth", date(1980, 5, 17)),
        "nhs_number": "",
        "postcode": "le1 6tp",
        "phone": "07700 900123",
        "email": "",
        "employment_status": "employed_off_sick",
        **_date("absence_start", off_since),
        "condition_category": "musculoskeletal",
        "reason": "Low back pain, off work for three weeks.",
        "consent_given": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def referrer_client(client, workwell_site):
    """A client signed in as a referrer of the given role (GP users work at the site's practice)."""

    def sign_in(role, organisation=None):
        if organisation is None:
            organisation = {
                Role.GP: workwell_site.practice,
                Role.EMPLOYER: OrganisationFactory(employer=True),
                Role.JOBCENTRE: OrganisationFactory(jobcentre=True),
                Role.COMMUNITY: OrganisationFactory(voluntary_sector=True),
            }[role]
        user = UserFactory(role=role, organisation=organisation)
        client.force_login(user)
        client.user = user
        return client

    return sign_in


@pytest.mark.parametrize(
    ("role", "source", "channel", "extra"),
    [
        (Role.GP, "gp", "gp_form", {"expected_absence_weeks": "6"}),
        (Role.EMPLOYER, "employer", "employer_form", {"written_consent": "on"}),
        (Role.JOBCENTRE, "jobcentre", "jobcentre_form", {}),
        (Role.COMMUNITY, "community", "community_form", {}),
    ],
)
def test_each_referrer_refers_with_their_own_source_and_sees_the_reference(
    referrer_client, workwell_site, role, source, channel, extra
):
    client = referrer_client(role)
    assert client.get(reverse("referrals:new")).status_code == 200
    if role == Role.EMPLOYER:
        extra = {**extra, **_date("written_consent_date", date.today() - timedelta(days=2))}

    response = client.post(reverse("referrals:new"), form_data(**extra))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:sent", args=[referral.pk])
    assert (referral.source, referral.channel, referral.site) == (source, channel, workwell_site)
    assert referral.referrer_organisation == client.user.organisation
    assert referral.referrer_user == client.user
    assert referral.person.postcode == "LE1 6TP"
    assert "csrfmiddlewaretoken" not in referral.submission.payload
    assert referral.submission.payload["given_name"] == "Alex"
    if role == Role.GP:
        assert referral.person.gp_practice == workwell_site.practice
        assert referral.expected_absence_weeks == 6
    if role == Role.EMPLOYER:
        assert referral.written_consent_date == date.today() - timedelta(days=2)
    page = client.get(response["Location"]).content.decode()
    assert referral.reference in page
    assert "What happens next" in page


def test_the_confirmation_lists_why_an_ineligible_referral_may_not_be_taken(referrer_client):
    client = referrer_client(Role.GP)
    response = client.post(reverse("referrals:new"), form_data(employment_status="self_employed", consent_given=""))
    assert response.status_code == 400  # consent is required by the form
    response = client.post(
        reverse("referrals:new"),
        form_data(employment_status="unemployed", absence_start_day="", absence_start_month="", absence_start_year=""),
    )
    referral = Referral.objects.get()
    assert not referral.eligible
    page = client.get(response["Location"]).content.decode()
    assert "may not be able to use this service" in page
    assert "within 12 weeks of leaving their job" in page


def test_employer_without_the_written_consent_declaration_and_date_is_refused_with_field_errors(referrer_client):
    client = referrer_client(Role.EMPLOYER)

    response = client.post(reverse("referrals:new"), form_data())

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_written_consent"' in page
    assert 'href="#id_written_consent_date"' in page
    assert "Confirm that the employee has given you written consent" in page
    assert "Enter the date the employee gave written consent" in page
    assert not Referral.objects.exists()
    assert not Person.objects.exists()
    submission = Submission.objects.get()
    assert submission.outcome == Submission.Outcome.REFUSED
    assert {error["field"] for error in submission.errors} == {"written_consent", "written_consent_date"}


def test_bad_input_is_shown_against_each_field_and_the_corrected_form_is_a_new_submission(referrer_client):
    client = referrer_client(Role.GP)
    data = form_data(given_name="", date_of_birth_month="13", phone="", postcode="nowhere")

    response = client.post(reverse("referrals:new"), data)

    page = response.content.decode()
    for field in ("id_given_name", "id_date_of_birth", "id_phone", "id_postcode"):
        assert f'href="#{field}"' in page
    assert "Date of birth must be a real date" in page
    assert data["idempotency_key"] not in page  # a fresh token, so the corrected form is not taken as a retry
    response = client.post(reverse("referrals:new"), form_data())
    assert response.status_code == 302
    assert Submission.objects.count() == 2


def test_a_postcode_no_site_covers_is_shown_against_the_postcode(referrer_client):
    client = referrer_client(Role.JOBCENTRE)
    response = client.post(reverse("referrals:new"), form_data(postcode="ZE1 0AA"))
    assert response.status_code == 400
    assert 'href="#id_postcode"' in response.content.decode()


def test_a_double_submitted_form_returns_the_same_referral(referrer_client):
    client = referrer_client(Role.GP)
    data = form_data()

    first = client.post(reverse("referrals:new"), data)
    second = client.post(reverse("referrals:new"), data)

    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 1
    assert Submission.objects.count() == 1


def test_non_referrers_cannot_use_the_referral_form(client, workwell_site):
    client.force_login(UserFactory(role=Role.COMMISSIONER))
    assert client.get(reverse("referrals:new")).status_code == 403
    assert client.get(reverse("referrals:list")).status_code == 403


def _refer(site, user, **overrides):
    return referral_receive(
        channel="gp_form",
        payload={},
        parse=lambda _: referral_input(site, referrer_user=user, referrer_organisation=user.organisation, **overrides),
    )


def test_a_referrer_sees_only_their_organisations_referrals_newest_first(referrer_client, workwell_site):
    client = referrer_client(Role.GP)
    colleague = UserFactory(role=Role.GP, organisation=client.user.organisation)
    other_practice = OrganisationFactory(gp_practice=True)
    other = UserFactory(role=Role.GP, organisation=other_practice)
    older = _refer(workwell_site, colleague, given_name="Olive")
    newer = _refer(workwell_site, client.user, given_name="Nina")
    theirs = _refer(workwell_site, other, given_name="Theo")

    page = client.get(reverse("referrals:list")).content.decode()

    assert older.reference in page
    assert newer.reference in page
    assert page.index(newer.reference) < page.index(older.reference)
    assert theirs.reference not in page
    assert "Received" in page


def test_another_practice_gets_not_found_for_a_referral_it_did_not_make(client, workwell_site):
    user = UserFactory(role=Role.GP, organisation=workwell_site.practice)
    referral = _refer(workwell_site, user)
    client.force_login(UserFactory(role=Role.GP, organisation=OrganisationFactory(gp_practice=True)))

    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:sent", args=[referral.pk])).status_code == 404


def test_the_referral_page_shows_a_decline_reason_and_records_the_read(client, workwell_site):
    user = UserFactory(role=Role.GP, organisation=workwell_site.practice)
    referral = _refer(workwell_site, user)
    Referral.objects.filter(pk=referral.pk).update(
        status="declined", decline_reason="They already see our physiotherapist.", decided_at=referral.received_at
    )
    client.force_login(user)

    list_page = client.get(reverse("referrals:list")).content.decode()
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert "Declined" in list_page
    assert "They already see our physiotherapist." in list_page
    assert "Why it was declined" in page
    assert AuditEvent.objects.filter(action="referrals.referral.viewed", object_id=str(referral.pk)).exists()


def test_the_list_shows_the_newest_fifty_with_a_note(referrer_client, workwell_site, django_assert_max_num_queries):
    client = referrer_client(Role.GP)
    for n in range(51):
        _refer(workwell_site, client.user, given_name=f"Person{n}", nhs_number="")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("referrals:list")).content.decode()
    assert page.count('href="/referrals/') - page.count('href="/referrals/new/') == 50 + 1  # rows and nav link
    assert "These are the newest 50 referrals" in page


def test_an_advice_line_adviser_turns_a_call_into_a_referral_and_follows_only_their_own(client, workwell_site):
    from tests.conftest import sign_in_with_two_factor

    adviser = UserFactory(role=Role.ADVICE_ADVISER, organisation=OrganisationFactory(), with_device=True)
    sign_in_with_two_factor(client, adviser)
    response = client.post(reverse("referrals:new"), form_data(postcode="LE2 7AB"))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert (referral.source, referral.channel, referral.site) == ("advice_line", "advice_line", workwell_site)
    assert referral.referrer_user == adviser
    other = _refer(workwell_site, UserFactory(role=Role.GP, organisation=workwell_site.practice))
    listed = client.get(reverse("referrals:list")).content.decode()
    assert referral.reference in listed
    assert other.reference not in listed
