from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.advice_line import selectors, services
from fitforwork.advice_line.models import Contact, Topic
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.calendar import add_working_days
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_topics_administrators_keep_start_with_the_issues_list():
    names = list(Topic.objects.values_list("name", flat=True))
    assert names[0] == "Managing absence"
    assert names[-1] == "Other"
    assert {"Adjustments", "Mental health at work", "Fit notes", "Returning to work", "Legal duties"} <= set(names)


def test_a_logged_contact_takes_size_from_the_directory_and_promises_a_follow_up_in_working_days(
    line, adviser, employer
):
    contact = services.contact_log(
        actor=adviser,
        line=line,
        channel="phone",
        caller_type="employer_owner",
        organisation=employer,
        topics=[Topic.objects.get(name="Fit notes")],
        advice="Explained fit notes.",
        follow_up="Email the guidance",
        follow_up_days=3,
    )
    assert contact.size_band == "small"  # the directory's
    assert contact.organisation_name == ""
    follow_up = contact.follow_ups.get()
    assert follow_up.owner == adviser
    assert follow_up.due_on == add_working_days(timezone.localdate(), 3, line.nation)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"advice_line.contact.logged", "advice_line.follow_up.promised"} <= actions


def test_an_organisation_not_in_the_directory_is_kept_as_typed(line, adviser):
    contact = services.contact_log(
        actor=adviser,
        line=line,
        channel="email",
        caller_type="employer_hr",
        organisation_name="Corner Shop",
        size_band="micro",
    )
    assert contact.organisation is None
    assert contact.organisation_label == "Corner Shop"
    assert contact.follow_ups.count() == 0


def test_someone_not_on_the_line_cannot_log_a_contact(line):
    outsider = UserFactory(role=Role.CASE_MANAGER, site=line.team.site)
    with pytest.raises(PermissionDenied):
        services.contact_log(actor=outsider, line=line, channel="phone", caller_type="other")


def test_completing_a_follow_up_once_records_when(line, adviser):
    contact = services.contact_log(
        actor=adviser, line=line, channel="phone", caller_type="employee", follow_up="Call back", follow_up_days=1
    )
    follow_up = contact.follow_ups.get()
    services.follow_up_complete(actor=adviser, follow_up=follow_up)
    done_at = follow_up.done_at
    services.follow_up_complete(actor=adviser, follow_up=follow_up)
    follow_up.refresh_from_db()
    assert done_at is not None
    assert follow_up.done_at == done_at  # the second call changed nothing
    assert list(selectors.follow_ups_open(adviser)) == []


def test_a_caller_is_found_by_organisation_phone_or_name_only_by_the_lines_staff(line, adviser, employer):
    services.contact_log(actor=adviser, line=line, channel="phone", caller_type="employer_hr", organisation=employer)
    services.contact_log(
        actor=adviser,
        line=line,
        channel="phone",
        caller_type="employee",
        caller_name="Priya Shah",
        caller_phone="07700 900123",
    )
    assert len(selectors.contacts_find(adviser, "harbour")) == 1
    assert [c.caller_name for c in selectors.contacts_find(adviser, "900123")] == ["Priya Shah"]
    assert len(selectors.contacts_find(adviser, "priya")) == 1
    outsider = UserFactory(role=Role.CASE_MANAGER, site=line.team.site)
    assert selectors.contacts_find(outsider, "priya") == []


def test_a_chat_waits_then_the_first_answer_takes_it_and_ending_keeps_the_transcript(line, adviser):
    contact = services.chat_open(line=line, caller_type="employee", caller_name="Sam", text="Hello", client="x")
    assert contact.chat_status == "waiting"
    assert list(selectors.chats_live(adviser)) == [contact]
    services.chat_adviser_says(actor=adviser, contact=contact, text="Hello, how can I help?")
    contact.refresh_from_db()
    assert contact.chat_status == "answered"
    assert contact.adviser == adviser
    services.chat_end(actor=adviser, contact=contact)
    with pytest.raises(services.ChatClosed):
        services.chat_caller_says(contact=contact, text="One more thing", client="x")
    assert [m.sender for m in Contact.objects.get(pk=contact.pk).messages.all()] == ["caller", "adviser"]
    first = contact.messages.first()
    assert [m.text for m in selectors.messages_after(contact, first.id)] == ["Hello, how can I help?"]


def test_the_line_is_open_only_in_its_weekly_hours(line):
    from datetime import time

    from fitforwork.advice_line.models import OpeningHours

    OpeningHours.objects.create(line=line, weekday=0, opens=time(9), closes=time(17))
    monday_ten = timezone.make_aware(timezone.datetime(2026, 12, 7, 10, 0))
    monday_six = timezone.make_aware(timezone.datetime(2026, 12, 7, 18, 0))
    tuesday_ten = timezone.make_aware(timezone.datetime(2026, 12, 8, 10, 0))
    assert date(2026, 12, 7).weekday() == 0
    assert selectors.is_open(line, monday_ten)
    assert not selectors.is_open(line, monday_six)
    assert not selectors.is_open(line, tuesday_ten)


def test_the_starting_topics_come_back_when_missing_and_are_never_doubled():
    Topic.objects.filter(name__in=["Fit notes", "Other"]).delete()
    assert services.topics_ensure() == 2
    assert services.topics_ensure() == 0
    assert Topic.objects.filter(name="Fit notes").count() == 1
