"""The case record's sections: each its own URL, scoped to the reader's relationship as it is now, and audited;
the summary panel and alerts on each; forms that post from a section send the reader back to it."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.contacts import contact_record
from fitforwork.cases.mdt import care_team_add, care_team_remove
from fitforwork.cases.models import Contact
from fitforwork.cases.web import sections
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor

SECTION_URLS = {
    "summary": "cases:case",
    "contacts": "cases:case-contacts",
    "tasks": "cases:case-tasks",
    "assessment": "cases:case-assessment",
    "plan": "cases:case-plan",
    "consent": "cases:case-consent",
    "team": "cases:case-team",
    "outcomes": "cases:case-outcomes",
    "letters": "cases:case-letters",
    "history": "cases:case-history",
}


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def case(workwell_site, manager):
    return open_case(workwell_site, manager, case_manager=manager, phone="07700 900123")


def _signed_in(client, user):
    return sign_in_with_two_factor(client, user)


def test_the_navigation_lists_the_sections_in_one_place():
    assert [section.slug for section in sections.SECTIONS] == list(SECTION_URLS)
    assert [section.url_name for section in sections.SECTIONS] == list(SECTION_URLS.values())


@pytest.mark.parametrize("slug", list(SECTION_URLS))
def test_each_section_has_its_own_url_marks_itself_current_and_audits_the_read(client, case, manager, slug):
    _signed_in(client, manager)
    url = reverse(SECTION_URLS[slug], args=[case.pk])

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{url}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1
    for other in SECTION_URLS.values():
        assert f'href="{reverse(other, args=[case.pk])}"' in html
    assert "07700 900123" in html  # the summary panel, on every section
    event = AuditEvent.objects.get(action="cases.case.viewed", object_id=str(case.pk))
    assert event.data == {"path": url, "relationship": "case_manager", "section": slug}
    assert event.actor_id == manager.pk


@pytest.mark.parametrize("slug", list(SECTION_URLS))
def test_a_care_team_member_reads_each_section_but_is_offered_no_changes(client, workwell_site, case, manager, slug):
    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site, with_device=True)
    care_team_add(case=case, user=physio, discipline="physiotherapist", actor=manager)
    _signed_in(client, physio)

    html = client.get(reverse(SECTION_URLS[slug], args=[case.pk])).content.decode()

    assert "Record a contact" not in html
    assert "Add a task" not in html
    assert "Move to contacted" not in html
    event = AuditEvent.objects.get(action="cases.case.viewed", object_id=str(case.pk), actor_id=physio.pk)
    assert (event.data["relationship"], event.data["section"]) == ("care_team", slug)


@pytest.mark.parametrize("slug", list(SECTION_URLS))
def test_a_section_is_scoped_to_the_relationship_as_it_is_now(client, workwell_site, case, manager, slug):
    """Removed from the care team, a practitioner is offered break-glass at once, and nothing is shown."""
    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site, with_device=True)
    member = care_team_add(case=case, user=physio, discipline="physiotherapist", actor=manager)
    _signed_in(client, physio)
    url = reverse(SECTION_URLS[slug], args=[case.pk])
    assert client.get(url).status_code == 200

    care_team_remove(member=member, actor=manager)
    response = client.get(url)

    assert response.status_code == 403
    html = response.content.decode()
    assert "07700 900123" not in html
    assert "Alex Morgan" not in html
    assert AuditEvent.objects.filter(action="cases.case.viewed", actor_id=physio.pk).count() == 1


@pytest.mark.parametrize("slug", list(SECTION_URLS))
def test_someone_outside_clinical_staff_is_told_there_is_no_such_case(client, workwell_site, case, slug):
    gp = UserFactory(role=Role.GP, site=workwell_site, with_device=True)
    _signed_in(client, gp)

    assert client.get(reverse(SECTION_URLS[slug], args=[case.pk])).status_code == 404


def test_a_section_this_build_does_not_have_is_left_out_of_the_navigation(case):
    later = (*sections.SECTIONS, sections.Section("gp", "GP view", "cases:case-gp-not-built"))
    with mock.patch.object(sections, "SECTIONS", later):
        items = sections.navigation(case, "summary")
    texts = ["Summary", "Contacts", "Tasks", "Assessment", "Plan", "Consent", "Team and interventions", "Outcomes",
        "Letters", "History",
    ]  # fmt: skip
    assert [item["text"] for item in items] == texts
    assert [item["current"] for item in items] == [True] + [False] * (len(texts) - 1)


@pytest.mark.parametrize("url_name", ["cases:questionnaires", "cases:questionnaire-record"])
def test_the_questionnaires_are_a_sub_page_of_the_assessment_section(client, case, manager, url_name):
    """One "Assessment" item in the navigation, current on the questionnaire pages too, which link back."""
    _signed_in(client, manager)
    args = [case.pk] if url_name == "cases:questionnaires" else [case.pk, "phq9"]
    url = reverse(url_name, args=args)

    html = client.get(url).content.decode()

    assessment = reverse("cases:case-assessment", args=[case.pk])
    assert f'href="{assessment}" aria-current="page">Assessment</a>' in html
    assert html.count('aria-current="page"') == 1
    assert "<strong>Questionnaires</strong>" in html
    assert f'<a href="{assessment}">Assessment and pathway</a>' in html
    assert ">Questionnaires</a>" not in html.split('aria-label="Sections of the case record"')[1].split("</nav>")[0]
    event = AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.pk)).latest("pk")
    assert event.data["section"] == "questionnaires"


def test_the_assessment_page_links_to_its_questionnaires_sub_page(client, case, manager):
    _signed_in(client, manager)

    html = client.get(reverse("cases:case-assessment", args=[case.pk])).content.decode()

    assert "<strong>Assessment and pathway</strong>" in html
    assert f'<a href="{reverse("cases:questionnaires", args=[case.pk])}">Questionnaires</a>' in html


def test_the_panel_shows_the_last_contact_and_next_task_and_the_history_moves_to_its_section(client, case, manager):
    contact_record(
        case=case, actor=manager, method="phone", outcome="attempted", at=timezone.now() - timedelta(hours=1)
    )
    _signed_in(client, manager)

    summary = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    history = client.get(reverse("cases:case-history", args=[case.pk])).content.decode()

    assert "Last contact" in summary
    assert "phone call, tried but did not reach them" in summary
    assert "Make first contact, due" in summary
    assert "Case opened" not in summary
    assert "Case opened" in history


def test_a_possible_duplicate_is_an_alert_on_every_section(client, case, manager):
    Referral.objects.filter(pk=case.referral_id).update(duplicate_status="flagged")
    _signed_in(client, manager)

    for name in SECTION_URLS.values():
        assert "Possible duplicate" in client.get(reverse(name, args=[case.pk])).content.decode()


def test_forms_posted_from_a_section_return_to_it(client, case, manager):
    _signed_in(client, manager)
    task = case.tasks.order_by("due_on").first()

    completed = client.post(reverse("cases:task-complete", args=[case.pk, task.pk]))
    moved = client.post(reverse("cases:case-move", args=[case.pk]), {"to": "contacted", "version": case.version})
    case.refresh_from_db()
    risk = client.post(reverse("cases:case-risk", args=[case.pk]), {"risk": "high", "version": case.version})

    assert completed["Location"] == reverse("cases:case-tasks", args=[case.pk])
    assert moved["Location"] == reverse("cases:case", args=[case.pk])
    assert risk["Location"] == reverse("cases:case", args=[case.pk])
    today = timezone.localdate()
    added = client.post(
        reverse("cases:task-add", args=[case.pk]),
        {
            "title": "Call the employer",
            "due_on_day": today.day,
            "due_on_month": today.month,
            "due_on_year": today.year,
            "assigned_to": str(manager.pk),
        },
    )
    assert added["Location"] == reverse("cases:case-tasks", args=[case.pk])


def test_the_contact_form_defaults_to_today_and_now(client, case, manager):
    _signed_in(client, manager)
    now = timezone.make_aware(datetime(2026, 3, 27, 14, 5))
    with mock.patch("fitforwork.cases.web.record_forms._now_local", return_value=now):
        html = client.get(reverse("cases:contact-add", args=[case.pk])).content.decode()

    assert 'name="on_day" type="text" value="27"' in html
    assert 'name="on_month" type="text" value="3"' in html
    assert 'name="on_year" type="text" value="2026"' in html
    assert 'name="at_time" type="text" value="14:05"' in html
    assert 'value="email"' in html  # email is offered as a method
    assert f'href="{reverse("cases:case-contacts", args=[case.pk])}"' in html  # back to the contacts section


def _post_contact(client, case, **changes):
    today = timezone.localdate()
    data = {
        "method": "email",
        "outcome": "made",
        "on_day": today.day,
        "on_month": today.month,
        "on_year": today.year,
        "at_time": "00:00",
        "duration_minutes": "25",
        **changes,
    }
    return client.post(reverse("cases:contact-add", args=[case.pk]), data)


def test_a_contact_records_its_time_duration_and_email_as_the_method(client, case, manager):
    _signed_in(client, manager)

    response = _post_contact(client, case, at_time="0:00")

    assert response["Location"] == reverse("cases:case-contacts", args=[case.pk])
    contact = Contact.objects.get(case=case)
    assert (contact.method, contact.duration_minutes) == ("email", 25)
    assert timezone.localtime(contact.at).replace(tzinfo=None) == datetime.combine(
        timezone.localdate(), datetime.min.time()
    )
    event = AuditEvent.objects.get(action="cases.contact.recorded")
    assert event.data["duration_minutes"] == 25
    page = client.get(response["Location"]).content.decode()
    assert "Email" in page
    assert "25 minutes" in page


def test_the_duration_is_optional(client, case, manager):
    _signed_in(client, manager)

    _post_contact(client, case, method="letter", duration_minutes="")

    assert Contact.objects.get(case=case).duration_minutes is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"at_time": "25:00"}, "Enter a real time, for example 14:30"),
        ({"at_time": "half past"}, "Enter the time as hours and minutes, for example 14:30"),
        ({"at_time": ""}, "Enter the time of the contact"),
        ({"duration_minutes": "ten"}, "Enter how long it took as a whole number of minutes"),
        ({"duration_minutes": "-5"}, "How long it took must be 0 minutes or more"),
        ({"duration_minutes": "601"}, "How long it took must be 600 minutes or fewer"),
    ],
)
def test_a_bad_time_or_duration_is_refused_with_the_reason(client, case, manager, changes, message):
    _signed_in(client, manager)

    response = _post_contact(client, case, **changes)

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert not Contact.objects.filter(case=case).exists()
