"""The demo gives the advice line a year of contacts at a believable rate, some turned into referrals."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fitforwork.accounts.models import Role, User
from fitforwork.advice_line.models import AdviceLine, Contact, FollowUp
from fitforwork.advice_line.rules import lines_for
from fitforwork.demo.accounts import DEMO_USERS
from fitforwork.referrals.models import Referral

pytestmark = pytest.mark.usefixtures("loaded_demo")


@pytest.mark.django_db
def test_the_demo_adviser_answers_a_line_with_a_year_of_contacts():
    adviser = User.objects.get(email=next(u.email for u in DEMO_USERS if u.role == Role.ADVICE_ADVISER))
    line = lines_for(adviser).get()
    assert line == AdviceLine.objects.get()
    contacts = Contact.objects.filter(line=line)
    today = timezone.localdate()
    first = timezone.localdate(contacts.order_by("contacted_at").first().contacted_at)
    assert first <= today - timedelta(days=350)
    per_working_day = contacts.count() / 250
    assert 4 <= per_working_day <= 12
    assert contacts.filter(channel="web_chat").exists()
    assert FollowUp.objects.filter(contact__line=line, done_at__isnull=False).exists()
    assert FollowUp.objects.filter(contact__line=line, done_at__isnull=True).exists()


@pytest.mark.django_db
def test_every_advice_line_referral_of_the_demo_has_its_contact():
    referrals = Referral.objects.filter(source="advice_line", site__teams__advice_lines__isnull=False).distinct()
    assert referrals.exists()
    assert all(hasattr(referral, "advice_contact") for referral in referrals)
