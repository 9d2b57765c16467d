from datetime import date, timedelta

import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.advice_line import services
from fitforwork.advice_line.models import ChatMessage, Contact, Topic
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.advice_line.conftest import open_all_week
from tests.conftest import sign_in_with_two_factor

pytestmark = pytest.mark.django_db


def _contact(line, adviser, **fields):
    values = {"channel": "phone", "caller_type": "employee", "caller_name": "Priya Shah", "caller_phone": "07700900123"}
    return services.contact_log(actor=adviser, line=line, **{**values, **fields})


def test_the_advisers_home_is_the_workspace(adviser_client):
    page = adviser_client.get(reverse("accounts:home-advice-adviser"))
    assert page.status_code == 200
    assert "Log a contact" in page.content.decode()


def test_logging_a_contact_with_errors_shows_the_error_summary(adviser_client):
    page = adviser_client.post(reverse("advice_line:contact-new"), {"channel": "phone", "follow_up": "Call back"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in html
    assert "Select who is calling" in html
    assert "Enter when the follow-up is due, in working days" in html
    assert "Only record what the caller agrees to give" in html


def test_inserting_a_snippet_brings_the_form_back_with_its_text_to_edit(adviser_client, snippet):
    topic = Topic.objects.get(name="Fit notes")
    form = {"channel": "phone", "caller_type": "employer_owner", "topics": [str(topic.pk)], "advice": "Talked it over."}
    page = adviser_client.post(
        reverse("advice_line:contact-new"), {**form, "snippet": str(snippet.pk), "insert_snippet": "1"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" not in html
    assert "Talked it over.\n\nA fit note can say" in html
    assert snippet.guidance_url in html
    assert Contact.objects.count() == 0  # nothing saved until the adviser saves


def test_saving_a_contact_matches_the_directory_and_sets_the_follow_up(adviser_client, employer, adviser):
    page = adviser_client.post(
        reverse("advice_line:contact-new"),
        {
            "channel": "phone",
            "caller_type": "employer_owner",
            "organisation_name": "harbour bakery ltd",
            "advice": "Explained adjustments",
            "follow_up": "Send the guide",
            "follow_up_days": "2",
            "save": "1",
        },
    )
    contact = Contact.objects.get()
    assert page.status_code == 302
    assert page.url == reverse("advice_line:contact", args=[contact.pk])
    assert contact.organisation == employer
    assert contact.adviser == adviser
    assert contact.follow_ups.get().description == "Send the guide"


def test_every_read_of_a_contact_is_audited(adviser_client, line, adviser):
    contact = _contact(line, adviser)
    adviser_client.get(reverse("advice_line:contact", args=[contact.pk]))
    assert AuditEvent.objects.filter(action="advice_line.contact.viewed", object_id=str(contact.pk)).count() == 1
    adviser_client.get(reverse("advice_line:find"), {"q": "Priya"})
    found = AuditEvent.objects.get(action="advice_line.contact.found")
    assert found.data["contacts"] == [str(contact.pk)]


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.GP, Role.PRACTITIONER])
def test_nobody_outside_the_advice_line_sees_its_contacts(client, line, adviser, role):
    contact = _contact(line, adviser)
    outsider = UserFactory(role=role, site=line.team.site, with_device=True)
    sign_in_with_two_factor(client, outsider) if role != Role.GP else client.force_login(outsider)
    for name, args in [
        ("advice_line:workspace", []),
        ("advice_line:contact", [contact.pk]),
        ("advice_line:find", []),
        ("advice_line:contact-refer", [contact.pk]),
        ("advice_line:dashboard", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_an_adviser_on_another_line_gets_404_for_this_lines_contact(client, line, adviser, workwell_site):
    from fitforwork.advice_line.models import AdviceLine
    from tests.organisations.factories import TeamFactory

    other = AdviceLine.objects.create(name="Other line", phone="0800 1", team=TeamFactory(), nation=line.nation)
    stranger = UserFactory(role=Role.ADVICE_ADVISER, with_device=True)
    stranger.teams.add(other.team)
    sign_in_with_two_factor(client, stranger)
    contact = _contact(line, adviser)
    assert client.get(reverse("advice_line:contact", args=[contact.pk])).status_code == 404


def test_an_adviser_cannot_see_the_dashboard_but_the_team_lead_can_with_csv(
    client, adviser_client, line, adviser, lead
):
    _contact(line, adviser, topics=[Topic.objects.get(name="Fit notes")])
    assert adviser_client.get(reverse("advice_line:dashboard")).status_code == 403
    client.logout()
    sign_in_with_two_factor(client, lead)
    page = client.get(reverse("advice_line:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<title id="chart-channel-title">Contacts a week by channel</title>' in html
    assert "<pattern" in html
    assert "<desc" in html
    csv = client.get(reverse("advice_line:dashboard-csv", args=["topic"])).content.decode()
    lines = csv.strip().splitlines()
    assert lines[0] == "Week starting,Fit notes"
    assert lines[-1].endswith(",1")


def test_turning_a_contact_into_a_referral_goes_through_the_intake_with_consent(adviser_client, line, adviser):
    contact = _contact(line, adviser, advice="Back pain, off for three weeks, worried about their job.")
    url = reverse("advice_line:contact-refer", args=[contact.pk])
    form = adviser_client.get(url).content.decode()
    assert 'value="Priya"' in form
    assert 'value="Shah"' in form
    off = date.today() - timedelta(weeks=3)
    answers = {
        "given_name": "Priya",
        "family_name": "Shah",
        "date_of_birth_day": "17",
        "date_of_birth_month": "5",
        "date_of_birth_year": "1980",
        "postcode": "LE1 6TP",
        "phone": "07700900123",
        "employment_status": "employed_off_sick",
        "absence_start_day": str(off.day),
        "absence_start_month": str(off.month),
        "absence_start_year": str(off.year),
        "condition_category": "musculoskeletal",
        "reason": "Back pain, off for three weeks.",
        "idempotency_key": "k1",
    }
    refused = adviser_client.post(url, answers)
    assert refused.status_code == 400
    assert "Confirm that the person agrees to be referred" in refused.content.decode()
    assert Referral.objects.count() == 0
    sent = adviser_client.post(url, {**answers, "consent_given": "on"})
    assert sent.status_code == 302
    contact.refresh_from_db()
    referral = contact.referral
    assert referral.channel == "advice_line"
    assert referral.source == "advice_line"
    assert referral.consent_given
    assert referral.submission.channel == "advice_line"
    page = adviser_client.get(reverse("advice_line:contact", args=[contact.pk])).content.decode()
    assert referral.reference in page
    assert referral.get_status_display() in page


def test_outside_opening_hours_the_chat_page_says_closed_and_offers_a_message(client, line):
    page = client.get(reverse("advice_line_public:chat"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "We are closed" in html
    assert "Leave a message" in html
    sent = client.post(
        reverse("advice_line_public:message"),
        {"caller_type": "employer_owner", "text": "Please call me", "caller_phone": "0113 496 0000"},
    )
    assert sent.status_code == 200
    assert "Message sent" in sent.content.decode()
    assert Contact.objects.get().chat_status == "message"


def test_a_public_chat_is_answered_and_the_poll_returns_messages_after_an_id(client, line, adviser):
    open_all_week(line)
    start = client.post(reverse("advice_line_public:chat"), {"caller_type": "employee", "text": "Can I get help?"})
    assert start.status_code == 302
    contact = Contact.objects.get()
    first = contact.messages.get()
    services.chat_adviser_says(actor=adviser, contact=contact, text="Yes, tell me more")
    polled = client.get(reverse("advice_line_public:chat-poll"), {"after": first.id}).json()
    assert [m["text"] for m in polled["messages"]] == ["Yes, tell me more"]
    assert polled["status"] == "answered"
    client.post(reverse("advice_line_public:chat-room"), {"text": "I am off sick"})
    assert contact.messages.count() == 3


def test_anonymous_messages_are_rate_limited(client, line, settings):
    settings.ADVICE_LINE_MESSAGES_PER_HOUR = 2
    for _ in range(2):
        client.post(
            reverse("advice_line_public:message"), {"caller_type": "other", "text": "Hi", "caller_phone": "0113"}
        )
    third = client.post(
        reverse("advice_line_public:message"), {"caller_type": "other", "text": "Hi", "caller_phone": "0113"}
    )
    assert third.status_code == 429
    assert ChatMessage.objects.count() == 2


def test_administrators_keep_snippets(verified_admin_client):
    topic = Topic.objects.get(name="Legal duties")
    page = verified_admin_client.post(
        reverse("advice_line_admin:snippet-add"),
        {
            "topic": str(topic.pk),
            "title": "Reasonable adjustments",
            "text": "The Equality Act...",
            "guidance_url": "nope",
        },
    )
    assert page.status_code == 400
    assert "Enter the link as a full web address" in page.content.decode()
    page = verified_admin_client.post(
        reverse("advice_line_admin:snippet-add"),
        {
            "topic": str(topic.pk),
            "title": "Reasonable adjustments",
            "text": "The Equality Act...",
            "guidance_url": "https://www.gov.uk/reasonable-adjustments-for-disabled-workers",
            "is_active": "on",
        },
    )
    assert page.status_code == 302
    assert "Reasonable adjustments" in verified_admin_client.get(reverse("advice_line_admin:snippets")).content.decode()


def test_an_adviser_cannot_use_the_snippet_administration(adviser_client):
    assert adviser_client.get(reverse("advice_line_admin:snippets")).status_code == 403


def test_the_workspace_and_the_search_take_a_fixed_number_of_queries(
    adviser_client, line, adviser, employer, django_assert_max_num_queries
):
    for n in range(12):
        _contact(
            line, adviser, organisation=employer, caller_name=f"Caller {n}", follow_up="Call back", follow_up_days=n
        )
    with django_assert_max_num_queries(25):
        page = adviser_client.get(reverse("advice_line:workspace"))
    assert page.content.decode().count("Mark as done<") == 12
    with django_assert_max_num_queries(25):
        found = adviser_client.get(reverse("advice_line:find"), {"q": "Harbour"})
    assert found.content.decode().count("Harbour Bakery Ltd") == 12


def test_an_adviser_on_no_line_yet_still_has_the_referrers_home(client, line):
    loner = UserFactory(role=Role.ADVICE_ADVISER, with_device=True)
    sign_in_with_two_factor(client, loner)
    page = client.get(reverse("accounts:home-advice-adviser"))
    assert page.status_code == 200
    assert "Advice line adviser home" in page.content.decode()
    assert client.get(reverse("advice_line:workspace")).status_code == 403
