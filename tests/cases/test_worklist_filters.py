"""The caseload and task lists filter and sort like the team view, show reference, date of birth, risk, last
contact and next task, complete a task from the list, and let the person choose the page size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases import selectors
from fitforwork.cases.models import Case, Contact, Task
from fitforwork.cases.services import task_add
from tests.accounts.factories import UserFactory
from tests.cases.test_worklists import close_all_tasks, make_cases
from tests.conftest import sign_in_with_two_factor


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def lead(workwell_site):
    return UserFactory(role=Role.TEAM_LEAD, site=workwell_site, with_device=True)


def _contact(case, manager, days_ago):
    Contact.objects.create(
        case=case, method="phone", outcome="made", at=timezone.now() - timedelta(days=days_ago), recorded_by=manager
    )


def test_the_caseload_shows_reference_birth_date_risk_last_contact_and_next_task(client, workwell_site, manager, lead):
    (case,) = make_cases(workwell_site, lead, 1, case_manager=manager)
    Case.objects.filter(pk=case.pk).update(risk="high")
    _contact(case, manager, days_ago=3)
    html = sign_in_with_two_factor(client, manager).get(reverse("cases:caseload")).content.decode()
    assert case.referral.reference in html
    assert "born 1 January 1970" in html
    assert "High risk" in html
    assert (timezone.now() - timedelta(days=3)).strftime("%B %Y") in html
    assert "Make first contact" in html  # its next task


def test_the_caseload_filters_by_risk_breach_and_not_contacted_and_sorts_by_last_contact(workwell_site, manager, lead):
    recent, stale, never = make_cases(workwell_site, lead, 3, case_manager=manager)
    Case.objects.filter(pk__in=[stale.pk, never.pk]).update(opened_at=timezone.now() - timedelta(weeks=10))
    Case.objects.filter(pk=stale.pk).update(risk="high")
    _contact(recent, manager, days_ago=1)
    _contact(stale, manager, days_ago=50)
    for case in (recent, stale, never):
        close_all_tasks(case)
    task_add(case=stale, actor=manager, title="Late", due_on=timezone.localdate() - timedelta(days=3))
    since = selectors.contact_due_before(6)

    def ids(**filters):
        return [case.pk for case in selectors.caseload(manager, selectors.ListFilters(**filters))]

    assert ids(risk="high") == [stale.pk]
    assert ids(breach=True) == [stale.pk]
    assert set(ids(not_contacted_since=since)) == {stale.pk, never.pk}
    ordered = selectors.caseload(manager).order_by("last_contact", "id")
    assert [case.pk for case in ordered] == [never.pk, stale.pk, recent.pk]


def test_tasks_have_a_due_today_view_and_filter_by_risk_and_kind(workwell_site, manager, lead):
    today = timezone.localdate()
    high, low = make_cases(workwell_site, lead, 2, case_manager=manager)
    for case in (high, low):
        close_all_tasks(case)
    Case.objects.filter(pk=high.pk).update(risk="high")
    due_today = task_add(case=high, actor=manager, title="Ring the GP", due_on=today)
    task_add(case=low, actor=manager, title="Write the plan", due_on=today + timedelta(days=7))
    tasks = selectors.my_tasks(manager)
    assert [task.pk for task in selectors.task_view(tasks, "due_today")] == [due_today.pk]
    assert [task.title for task in selectors.task_view(tasks, "all", risk="high")] == ["Ring the GP"]
    assert list(selectors.task_view(tasks, "all", kind="first_contact")) == []


def test_a_task_is_completed_from_the_list_and_the_same_filtered_list_comes_back(client, workwell_site, manager, lead):
    (case,) = make_cases(workwell_site, lead, 1, case_manager=manager)
    close_all_tasks(case)
    task = task_add(case=case, actor=manager, title="Ring the employer", due_on=timezone.localdate())
    sign_in_with_two_factor(client, manager)
    listed = reverse("cases:my-tasks") + "?view=due_today&size=50"
    assert "Ring the employer" in client.get(listed).content.decode()

    response = client.post(reverse("cases:complete-task", args=[task.pk]), {"next": listed})

    assert response.status_code == 302
    assert response["Location"] == listed
    task.refresh_from_db()
    assert (task.completed_by, task.completed_at is not None) == (manager, True)
    page = client.get(listed).content.decode()
    assert "Task ‘Ring the employer’ for Client0 Patel completed" in page
    assert "You have no tasks due today." in page


def test_completing_a_task_needs_csrf_and_cannot_send_you_elsewhere(workwell_site, manager, lead):
    from django.test import Client

    (case,) = make_cases(workwell_site, lead, 1, case_manager=manager)
    task = Task.objects.filter(case=case).first()
    client = sign_in_with_two_factor(Client(enforce_csrf_checks=True), manager)
    assert client.post(reverse("cases:complete-task", args=[task.pk])).status_code == 403
    client = sign_in_with_two_factor(Client(), manager)
    response = client.post(reverse("cases:complete-task", args=[task.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("cases:my-tasks")


def test_someone_elses_task_cannot_be_completed_from_your_list(client, workwell_site, manager, lead):
    colleague = UserFactory(role=Role.CASE_MANAGER, site=workwell_site)
    (case,) = make_cases(workwell_site, lead, 1, case_manager=colleague)
    task = Task.objects.filter(case=case).first()
    sign_in_with_two_factor(client, manager)
    assert client.post(reverse("cases:complete-task", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.completed_at is None


@pytest.mark.parametrize("name", ["cases:caseload", "cases:my-tasks", "cases:team"])
def test_the_page_size_is_the_users_choice_and_the_queries_stay_the_same(client, workwell_site, manager, lead, name):
    user = lead if name == "cases:team" else manager
    make_cases(workwell_site, lead, 30, case_manager=manager)
    sign_in_with_two_factor(client, user)
    counts = {}
    for size in (25, 50, 100):
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse(name), {"size": size}).content.decode()
        counts[size] = len(captured)
        rows = html.count('class="nhsuk-table__row"') - (html.count("Over the limit") if name == "cases:team" else 0)
        assert rows >= min(size, 30), (size, rows)
    assert counts[25] == counts[50] == counts[100]
    html = client.get(reverse(name), {"size": 25}).content.decode()
    assert 'rel="next"' in html or "Next" in html


def test_the_team_view_shows_unallocated_cases_as_breaches_once_first_contact_is_due(workwell_site, manager, lead):
    unallocated, allocated = make_cases(workwell_site, lead, 2)
    Case.objects.filter(pk=allocated.pk).update(case_manager=manager)
    filters = selectors.TeamFilters
    assert [case.pk for case in selectors.team_cases(lead, filters(unallocated=True))] == [unallocated.pk]
    first_contact = Task.objects.get(case=unallocated, kind="first_contact")
    later = first_contact.due_on - timedelta(days=1)
    assert not selectors.team_cases(lead, filters(breach=True), today=later).filter(pk=unallocated.pk).exists()
    on_the_day = first_contact.due_on
    assert selectors.team_cases(lead, filters(breach=True), today=on_the_day).filter(pk=unallocated.pk).exists()
    # The same case allocated is not in breach on that day: its case manager has until the end of it.
    Task.objects.filter(case=allocated).update(due_on=on_the_day)
    assert not selectors.team_cases(lead, filters(breach=True), today=on_the_day).filter(pk=allocated.pk).exists()


def test_the_team_view_offers_the_unallocated_filter(client, workwell_site, lead):
    (case,) = make_cases(workwell_site, lead, 1)
    html = sign_in_with_two_factor(client, lead).get(reverse("cases:team"), {"case_manager": "unallocated"})
    html = html.content.decode()
    assert '<option value="unallocated" selected' in html
    assert "Client0" in html
    assert 'Allocate<span class="nhsuk-u-visually-hidden"> the case for Client0 Patel' in html
