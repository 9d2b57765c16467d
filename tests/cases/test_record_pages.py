"""The case page and its forms: what a case manager sees, and each change made through them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case, CaseStatus, Task
from fitforwork.cases.presenters import task_tag
from fitforwork.cases.services import case_transition
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.calendar import Nation, add_working_days
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True, first_name="Dana")


@pytest.fixture
def case(workwell_site, manager):
    return open_case(workwell_site, manager, case_manager=manager, nhs_number="9434765919", phone="07700 900123")


@pytest.fixture
def signed_in(client, manager):
    return sign_in_with_two_factor(client, manager)


def version(case):
    """The case's version as a page loaded now would send it back."""
    return Case.objects.get(pk=case.pk).version


def page(client, case):
    return client.get(reverse("cases:case", args=[case.pk]))


def test_the_case_summary_shows_the_person_referral_status_and_next_task(signed_in, case, manager):
    response = page(signed_in, case)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Alex Morgan</h1>" in html
    assert "17 May 1980" in html
    assert "943 476 5919" in html
    assert "07700 900123" in html
    assert case.referral.reference in html
    assert "Low back pain" in html
    assert "nhsuk-tag--blue" in html  # referred
    assert "Make first contact" in html  # the panel's next task
    assert "Move to contacted" in html
    event = AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.pk)).get()
    assert event.data["relationship"] == "case_manager"


def test_a_task_is_breached_once_its_due_date_passes_and_due_soon_within_two_working_days():
    monday = date(2026, 11, 23)
    task = Task(due_on=monday)
    assert task_tag(task, nation=Nation.ENGLAND_AND_WALES, today=monday + timedelta(days=1))["text"] == (
        "Breached by 1 working day"
    )
    assert task_tag(task, nation=Nation.ENGLAND_AND_WALES, today=monday)["text"] == "Due today"
    friday_before = monday - timedelta(days=3)
    # Friday to Monday is one working day away; Thursday to Monday two; Wednesday to Monday three.
    assert task_tag(task, nation=Nation.ENGLAND_AND_WALES, today=friday_before)["text"] == "Due soon"
    assert task_tag(task, nation=Nation.ENGLAND_AND_WALES, today=friday_before - timedelta(days=1))["text"] == (
        "Due soon"
    )
    assert task_tag(task, nation=Nation.ENGLAND_AND_WALES, today=friday_before - timedelta(days=2)) is None


def test_the_team_section_links_to_the_care_team_mdt_notes_and_onward_referrals(signed_in, case):
    html = signed_in.get(reverse("cases:case-team", args=[case.pk])).content.decode()
    for name in ("cases:care-team", "cases:mdt-notes", "cases:onward-referrals"):
        assert f'href="{reverse(name, args=[case.pk])}"' in html


def test_moving_to_the_next_stage_records_the_reason(signed_in, case, manager):
    response = signed_in.post(
        reverse("cases:case-move", args=[case.pk]),
        {"to": "contacted", "reason": "Spoke on the phone", "version": version(case)},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED
    change = case.status_changes.last()
    assert (change.to_status, change.reason, change.actor) == ("contacted", "Spoke on the phone", manager)


def test_a_move_from_a_page_loaded_before_someone_else_moved_it_is_refused_as_stale(signed_in, case, manager):
    loaded = version(case)
    case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)  # someone else moved it meanwhile

    response = signed_in.post(reverse("cases:case-move", args=[case.pk]), {"to": "contacted", "version": loaded})

    assert response.status_code == 409
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "Someone else changed the case while you had this page open: it is now contacted" in html
    assert "You chose to move it to contacted" in html
    assert case.status_changes.filter(to_status=CaseStatus.CONTACTED).count() == 1
    assert AuditEvent.objects.filter(action="cases.case.stale_edit_refused", object_id=str(case.pk)).count() == 1


def test_a_move_the_case_no_longer_allows_shows_the_services_message(signed_in, case, manager):
    case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)

    response = signed_in.post(reverse("cases:case-move", args=[case.pk]), {"to": "contacted", "version": version(case)})

    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "it can only move to assessed or discharged" in html


def test_a_form_without_the_version_is_refused_and_changes_nothing(signed_in, case):
    response = signed_in.post(reverse("cases:case-risk", args=[case.pk]), {"risk": "high"})

    assert response.status_code == 400
    assert "This page is out of date" in response.content.decode()
    assert Case.objects.get(pk=case.pk).risk == ""


def test_discharge_as_returned_to_work_with_a_date(signed_in, case):
    back = timezone.localdate() + timedelta(days=7)
    response = signed_in.post(
        reverse("cases:case-discharge", args=[case.pk]),
        {
            "reason_code": "returned_to_work",
            "work_status": "in_work_adjusted",
            "version": version(case),
            "return_to_work_date_day": back.day,
            "return_to_work_date_month": back.month,
            "return_to_work_date_year": back.year,
        },
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.discharge_reason, case.work_status_at_discharge, case.return_to_work_date) == (
        "discharged",
        "returned_to_work",
        "in_work_adjusted",
        back,
    )
    html = page(signed_in, case).content.decode()
    assert "Reopen the case" in html
    assert "Returned to work" in html


def test_discharge_for_another_reason_needs_a_note_and_nothing_changes_without_one(signed_in, case):
    response = signed_in.post(
        reverse("cases:case-discharge", args=[case.pk]),
        {"reason_code": "other", "work_status": "off_sick", "version": version(case)},
    )

    assert response.status_code == 400
    assert "Enter why the case is being discharged" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED


def test_the_discharge_form_can_preselect_not_contactable(signed_in, case):
    html = signed_in.get(reverse("cases:case-discharge", args=[case.pk]) + "?reason=not_contactable").content.decode()

    assert 'value="not_contactable" checked' in html


def test_reopening_needs_a_reason_then_reopens_at_the_stage_it_left(signed_in, case, manager):
    from fitforwork.cases.services import case_discharge

    case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)
    case_discharge(case=case, actor=manager, reason_code="consent_withdrawn", work_status="off_sick")
    url = reverse("cases:case-reopen", args=[case.pk])

    refused = signed_in.post(url, {"reason": "", "version": version(case)})
    assert refused.status_code == 400
    assert "Enter a reason for reopening the case" in refused.content.decode()

    assert (
        signed_in.post(url, {"reason": "They called back and want help", "version": version(case)}).status_code == 302
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED


def test_setting_the_risk_is_audited_with_the_old_and_new_values(signed_in, case):
    signed_in.post(reverse("cases:case-risk", args=[case.pk]), {"risk": "medium", "version": version(case)})
    signed_in.post(reverse("cases:case-risk", args=[case.pk]), {"risk": "high", "version": version(case)})

    case.refresh_from_db()
    assert case.risk == "high"
    changes = AuditEvent.objects.filter(action="cases.case.risk_set", object_id=str(case.pk)).order_by("occurred_at")
    assert [(event.data["from"], event.data["to"]) for event in changes] == [("", "medium"), ("medium", "high")]
    assert (
        signed_in.post(
            reverse("cases:case-risk", args=[case.pk]), {"risk": "extreme", "version": version(case)}
        ).status_code
        == 400
    )


def test_completing_a_task_from_the_case_page(signed_in, case, manager):
    task = case.tasks.get(kind=Task.Kind.FIRST_CONTACT)

    response = signed_in.post(reverse("cases:task-complete", args=[case.pk, task.pk]))

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.completed_by, task.completed_at is not None) == (manager, True)


def test_a_task_of_another_case_cannot_be_completed_through_this_one(signed_in, case, workwell_site, manager):
    other = open_case(workwell_site, manager, case_manager=manager, given_name="Robin", nhs_number="")
    task = other.tasks.get(kind=Task.Kind.FIRST_CONTACT)

    assert signed_in.post(reverse("cases:task-complete", args=[case.pk, task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.completed_at is None


def test_adding_a_task_for_someone_on_the_case(signed_in, case, workwell_site):
    colleague = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Kim")
    due = add_working_days(timezone.localdate(), 3, Nation.ENGLAND_AND_WALES)
    url = reverse("cases:task-add", args=[case.pk])
    assert "Kim" in signed_in.get(url).content.decode()

    response = signed_in.post(
        url,
        {
            "title": "Call the employer",
            "due_on_day": due.day,
            "due_on_month": due.month,
            "due_on_year": due.year,
            "assigned_to": str(colleague.pk),
        },
    )

    assert response.status_code == 302
    task = case.tasks.get(title="Call the employer")
    assert (task.due_on, task.assigned_to, task.automatic) == (due, colleague, False)


def test_a_task_cannot_be_given_to_someone_with_no_relationship_to_the_case(signed_in, case):
    stranger = UserFactory(role=Role.CASE_MANAGER, site=None)

    response = signed_in.post(
        reverse("cases:task-add", args=[case.pk]),
        {"title": "Call", "due_on_day": 1, "due_on_month": 1, "due_on_year": 2030, "assigned_to": str(stranger.pk)},
    )

    assert response.status_code == 400
    assert not case.tasks.filter(title="Call").exists()


def test_a_case_with_no_case_manager_is_seen_by_its_sites_case_managers(client, workwell_site, manager):
    unallocated = open_case(workwell_site, manager)
    sign_in_with_two_factor(client, manager)

    assert page(client, unallocated).status_code == 200
    assert Case.objects.get(pk=unallocated.pk).case_manager is None


def test_the_case_page_reads_the_same_number_of_queries_however_long_the_case_has_run(signed_in, case, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fitforwork.cases.contacts import contact_record
    from fitforwork.cases.services import task_add

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert page(signed_in, case).status_code == 200
        return len(captured)

    contact_record(case=case, actor=manager, method="phone", outcome="attempted", at=timezone.now())
    few = queries()
    for number in range(6):
        contact_record(case=case, actor=manager, method="sms", outcome="attempted", at=timezone.now())
        task_add(case=case, actor=manager, title=f"Task {number}", due_on=timezone.localdate(), assigned_to=manager)
    case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)

    assert queries() == few
