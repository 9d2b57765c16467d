"""Home pages are work lists: each count is of the list it links to, and no page promises what is not built."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case, Task
from fitforwork.cases.services import task_add
from fitforwork.referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.cases.conftest import refer
from tests.cases.test_worklists import close_all_tasks, make_cases
from tests.conftest import sign_in_with_two_factor


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True, first_name="Priya",
                       last_name="Shah")  # fmt: skip


@pytest.fixture
def lead(workwell_site):
    return UserFactory(role=Role.TEAM_LEAD, site=workwell_site, with_device=True)


def _count(html, text):
    """The number on the row whose link says `text`, and that link's address."""
    match = re.search(r'<a href="([^"]+)">' + re.escape(text) + r"</a></td>\s*<td[^>]*><strong>(\d+)", html)
    assert match, text
    return int(match.group(2)), match.group(1).replace("&amp;", "&")


def test_the_case_managers_home_counts_the_day_and_each_count_opens_its_list(client, workwell_site, manager, lead):
    today = timezone.localdate()
    due_now, late, quiet = make_cases(workwell_site, lead, 3, case_manager=manager)
    for case in (due_now, late, quiet):
        close_all_tasks(case)
    task_add(case=due_now, actor=manager, title="Make first contact", due_on=today)
    Task.objects.filter(case=due_now).update(kind="first_contact")
    task_add(case=late, actor=manager, title="Send the plan", due_on=today - timedelta(days=3))
    Case.objects.filter(pk=quiet.pk).update(opened_at=timezone.now() - timedelta(weeks=8), risk="high")
    sign_in_with_two_factor(client, manager)

    html = client.get(reverse("accounts:home-case-manager")).content.decode()

    counts = {
        text: _count(html, text)
        for text in (
            "First contacts due today",
            "First contacts overdue",
            "Tasks due today",
            "Tasks overdue",
            "High risk cases",
            "Not contacted for 6 weeks",
        )  # fmt: skip
    }
    assert {text: number for text, (number, _) in counts.items()} == {
        "First contacts due today": 1,
        "First contacts overdue": 0,
        "Tasks due today": 1,
        "Tasks overdue": 1,
        "High risk cases": 1,
        "Not contacted for 6 weeks": 1,
    }
    assert "is an urgent task due the day it" in html
    assert f'href="{reverse("cases:my-tasks")}?kind=red_flag"' in html
    # Each count links to the list it counts.
    assert "Make first contact" in client.get(counts["First contacts due today"][1]).content.decode()
    assert "Send the plan" in client.get(counts["Tasks overdue"][1]).content.decode()
    neglected = client.get(counts["Not contacted for 6 weeks"][1]).content.decode()
    assert "Client2" in neglected
    assert "Client0" not in neglected


def test_the_team_leads_home_counts_triage_unallocated_breaches_and_caseloads(client, workwell_site, manager, lead):
    refer(workwell_site, given_name="Waiting")
    make_cases(workwell_site, lead, 2)  # accepted, nobody allocated
    make_cases(workwell_site, lead, 1, case_manager=manager, start=2)
    workwell_site.caseload_limit = 0
    workwell_site.save()
    sign_in_with_two_factor(client, lead)

    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("accounts:home-team-lead")).content.decode()

    triage, triage_href = _count(html, "Referrals waiting for triage")
    unallocated, unallocated_href = _count(html, "Cases not allocated to a case manager")
    assert (triage, unallocated) == (1, 2)
    assert triage_href == reverse("referrals:triage")
    listed = client.get(unallocated_href).content.decode()
    assert "Client0" in listed
    assert "Client1" in listed
    assert "Client2" not in listed
    assert "Priya Shah" in html
    assert "Over the limit" in html
    assert "Open cases (limit 0)" in html
    assert len(captured) < 20


def test_a_referrers_home_shows_their_recent_referrals_with_status(client, workwell_site):
    gp = UserFactory(role=Role.GP, organisation=workwell_site.practice)
    other = refer(workwell_site, given_name="Another")
    mine = refer(workwell_site, given_name="Mine", family_name="Own")
    Referral.objects.filter(pk=mine.pk).update(referrer_organisation=workwell_site.practice)
    Referral.objects.filter(pk=other.pk).update(referrer_organisation=None)
    client.force_login(gp)

    html = client.get(reverse("accounts:home-gp")).content.decode()

    assert mine.reference in html
    assert "Mine Own" in html
    assert "Received" in html or "received" in html
    assert other.reference not in html
    assert f'href="{reverse("referrals:list")}"' in html


@pytest.mark.parametrize(
    ("role", "absent"),
    [(Role.COMMISSIONER, "dashboards"), (Role.PRACTITIONER, "questionnaire"), (Role.ADMINISTRATOR, "Log calls")],
)
def test_other_home_pages_promise_nothing_that_is_not_built(client, workwell_site, role, absent):
    user = UserFactory(role=role, site=workwell_site, with_device=True)
    sign_in_with_two_factor(client, user)
    url = reverse(f"accounts:home-{role.replace('_', '-')}")
    html = client.get(url).content.decode()
    assert absent not in html
    for href in re.findall(r'<li><a href="([^"]+)"', html):
        assert client.get(href).status_code in (200, 302), href
