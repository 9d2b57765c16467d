"""The work-list pages: who may open them, what they show, and the forms' errors."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case, CaseAllocation, Delegation, Task
from fitforwork.cases.services import task_add
from tests.accounts.factories import UserFactory
from tests.cases.test_worklists import close_all_tasks, make_cases
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import SiteFactory


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Priya", last_name="Shah",
                       with_device=True)  # fmt: skip


@pytest.fixture
def colleague(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Tom", last_name="Reed")


@pytest.fixture
def lead(workwell_site):
    return UserFactory(role=Role.TEAM_LEAD, site=workwell_site, with_device=True)


def _signed_in(client, user):
    return sign_in_with_two_factor(client, user)


def test_the_caseload_lists_my_open_cases_only(client, workwell_site, manager, colleague, lead):
    mine = make_cases(workwell_site, lead, 2, case_manager=manager)
    make_cases(workwell_site, lead, 1, case_manager=colleague, start=5)
    page = _signed_in(client, manager).get(reverse("cases:caseload"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Client0" in html
    assert "Client1" in html
    assert "Client5" not in html
    assert f'href="{reverse("cases:case", args=[mine[0].pk])}"' in html


def test_work_lists_refuse_people_without_a_caseload(client, workwell_site):
    practitioner = UserFactory(role=Role.PRACTITIONER, site=workwell_site, with_device=True)
    _signed_in(client, practitioner)
    for name in ("cases:caseload", "cases:my-tasks", "cases:team", "cases:cover"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_team_view_and_cover_are_for_team_leads_only(client, manager):
    _signed_in(client, manager)
    assert client.get(reverse("cases:team")).status_code == 403
    assert client.get(reverse("cases:cover")).status_code == 403


def test_my_tasks_past_due_date_tab_shows_only_breached_tasks(client, workwell_site, manager, lead):
    (case,) = make_cases(workwell_site, lead, 1, case_manager=manager)
    close_all_tasks(case)
    today = timezone.localdate()
    task_add(case=case, actor=manager, title="Ring the employer", due_on=today - timedelta(days=3))
    task_add(case=case, actor=manager, title="Send the plan", due_on=today + timedelta(days=20))
    _signed_in(client, manager)
    breached = client.get(reverse("cases:my-tasks"), {"view": "breached"}).content.decode()
    assert "Ring the employer" in breached
    assert "Send the plan" not in breached
    everything = client.get(reverse("cases:my-tasks")).content.decode()
    assert "Ring the employer" in everything
    assert "Send the plan" in everything


def test_the_team_view_filters_by_breach_and_shows_caseload_sizes(client, workwell_site, manager, colleague, lead):
    late, fine = make_cases(workwell_site, lead, 2, case_manager=manager)
    make_cases(workwell_site, lead, 1, case_manager=colleague, start=4)
    close_all_tasks(late)
    close_all_tasks(fine)
    task_add(case=late, actor=manager, title="Late", due_on=timezone.localdate() - timedelta(days=1))
    _signed_in(client, lead)
    html = client.get(reverse("cases:team"), {"breach": "on"}).content.decode()
    assert "Client0" in html
    assert "Client1" not in html
    assert "Client4" not in html
    assert "Past due date" in html
    everything = client.get(reverse("cases:team")).content.decode()
    assert all(name in everything for name in ("Client0", "Client1", "Client4"))
    # Caseload sizes: Priya Shah has 2 open cases, Tom Reed 1.
    assert "Priya Shah</td>" in everything
    sizes = everything.split("Caseload sizes")[1].split("</table>")[0]
    assert sizes.index("Priya Shah") < sizes.index(">2<")
    assert ">1<" in sizes


def test_the_team_view_pages_with_a_cursor_keeping_the_filters(client, workwell_site, manager, lead):
    make_cases(workwell_site, lead, 3, case_manager=manager)
    _signed_in(client, lead)
    first = client.get(reverse("cases:team"), {"size": "2", "status": "referred"}).content.decode()
    assert "status=referred" in first
    assert "after=" in first
    next_href = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(reverse("cases:team") + next_href + "&size=2").content.decode()
    assert "Client2" in second
    assert "Client0" not in second


@pytest.mark.parametrize("name", ["cases:caseload", "cases:my-tasks", "cases:team"])
def test_each_page_is_the_same_number_of_queries_for_25_or_100_rows(client, workwell_site, manager, lead, name):
    make_cases(workwell_site, lead, 4, case_manager=manager)
    _signed_in(client, lead if name == "cases:team" else manager)
    counts = []
    for size in (25, 100, 1):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name), {"size": str(size)})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


# --- Reallocation and cover ----------------------------------------------------------------------------


def test_a_team_lead_reallocates_a_case_with_a_reason(client, workwell_site, manager, colleague, lead):
    (case,) = make_cases(workwell_site, lead, 1, case_manager=manager)
    _signed_in(client, lead)
    url = reverse("cases:reallocate", args=[case.pk])
    form = client.get(url).content.decode()
    assert "Tom Reed" in form
    missing = client.post(url, {"to_user": str(colleague.pk), "reason": "", "version": case.version})
    assert missing.status_code == 400
    assert "There is a problem" in missing.content.decode()
    assert "Enter why you are reallocating this case" in missing.content.decode()
    assert re.search(rf'value="{colleague.pk}"\s+checked', missing.content.decode())  # the choice is kept
    done = client.post(url, {"to_user": str(colleague.pk), "reason": "Priya is at capacity", "version": case.version})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.case_manager == colleague
    assert CaseAllocation.objects.filter(case=case).latest("at", "id").reason == "Priya is at capacity"
    assert set(Task.objects.filter(case=case, completed_at__isnull=True).values_list("assigned_to", flat=True)) == {
        colleague.pk
    }


def test_a_team_lead_cannot_reallocate_another_sites_case(client, workwell_site, manager, lead):
    other_site = SiteFactory()
    elsewhere = UserFactory(role=Role.TEAM_LEAD, site=other_site, with_device=True)
    (case,) = make_cases(workwell_site, lead, 1, case_manager=manager)
    _signed_in(client, elsewhere)
    assert client.get(reverse("cases:reallocate", args=[case.pk])).status_code == 404
    assert Case.objects.get(pk=case.pk).case_manager == manager


def _date(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_a_team_lead_sets_up_and_cancels_cover(client, workwell_site, manager, colleague, lead):
    _signed_in(client, lead)
    today = timezone.localdate()
    bad = client.post(
        reverse("cases:cover"),
        {"from_user": str(colleague.pk), "to_user": str(colleague.pk), **_date("starts_on", today),
         **_date("ends_on", today), "reason": "Leave"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "Select someone other than the person who is away" in bad.content.decode()
    good = client.post(
        reverse("cases:cover"),
        {"from_user": str(colleague.pk), "to_user": str(manager.pk), **_date("starts_on", today),
         **_date("ends_on", today + timedelta(days=3)), "reason": "Annual leave"},
    )  # fmt: skip
    assert good.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.from_user, delegation.to_user, delegation.created_by) == (colleague, manager, lead)
    listed = client.get(reverse("cases:cover")).content.decode()
    assert "Annual leave" in listed
    client.post(reverse("cases:cover-cancel", args=[delegation.pk]))
    assert Delegation.objects.get().cancelled_at is not None
