"""Every edit of a case carries the version it was made from; a stale one is refused and changes nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases import allocation, services
from fitforwork.cases.models import Case, CaseAllocation, CaseStatus, CaseStatusChange
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.versions import StaleEdit
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor

REFUSED = "cases.case.stale_edit_refused"


@pytest.fixture
def manager(workwell_site):
    return UserFactory(
        role=Role.CASE_MANAGER, site=workwell_site, first_name="Priya", last_name="Shah", with_device=True
    )


@pytest.fixture
def lead(workwell_site):
    return UserFactory(role=Role.TEAM_LEAD, site=workwell_site, first_name="Jo", last_name="Bloggs", with_device=True)


@pytest.fixture
def colleague(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, first_name="Tom", last_name="Reed")


@pytest.fixture
def case(workwell_site, manager):
    return open_case(workwell_site, manager, case_manager=manager)


def _version_on(html: str, action: str) -> str:
    """The hidden version in the form posting to `action`, as the browser would send it back."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert form is not None
    found = re.search(r'name="version" value="(\d+)"', form.group(0))
    assert found is not None
    return found.group(1)


def _refusals(case):
    return AuditEvent.objects.filter(action=REFUSED, object_id=str(case.pk))


def test_a_risk_set_from_a_page_loaded_before_a_newer_one_is_refused_naming_both(case, manager, lead):
    """A team lead loads the case; its case manager then sets the risk high; the team lead's low is refused."""
    risk_url = reverse("cases:case-risk", args=[case.pk])
    team_lead = sign_in_with_two_factor(Client(), lead)
    earlier = team_lead.get(reverse("cases:case", args=[case.pk])).content.decode()
    case_manager = sign_in_with_two_factor(Client(), manager)
    now = case_manager.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert case_manager.post(risk_url, {"risk": "high", "version": _version_on(now, risk_url)}).status_code == 302

    response = team_lead.post(risk_url, {"risk": "low", "version": _version_on(earlier, risk_url)})

    assert response.status_code == 409
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    at = timezone.localtime(Case.objects.get(pk=case.pk).modified_at).strftime("%H:%M")
    assert (
        "Someone else changed the risk while you had this page open: it is now High "
        f"(set by Priya Shah at {at}). You chose Low. Check and choose again."
    ) in html
    assert re.search(r'value="high"\s+checked', html)  # the form shows the risk as it is now
    assert _version_on(html, risk_url) == str(Case.objects.get(pk=case.pk).version)
    assert Case.objects.get(pk=case.pk).risk == "high"
    assert AuditEvent.objects.filter(action="cases.case.risk_set", object_id=str(case.pk)).count() == 1
    (event,) = _refusals(case)
    assert event.actor_id == lead.pk
    assert (event.data["chosen"], event.data["current"]) == ("Low", "High")

    # Choosing again from the page as it is now works.
    again = team_lead.post(risk_url, {"risk": "low", "version": _version_on(html, risk_url)})
    assert again.status_code == 302
    assert Case.objects.get(pk=case.pk).risk == "low"


def test_every_edit_of_a_case_bumps_its_version(case, manager, lead, colleague):
    start = case.version
    services.case_set_risk(case=case, actor=manager, risk="medium")
    services.case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)
    allocation.case_allocate(case=case, to_user=colleague, actor=lead, reason="Caseloads")
    services.case_discharge(case=case, actor=lead, reason_code="consent_withdrawn", work_status="off_sick")
    services.case_reopen(case=case, actor=lead, reason="They called back")
    assert Case.objects.get(pk=case.pk).version == start + 5


def test_a_stale_risk_is_refused_and_nothing_changes(case, manager):
    loaded = case.version
    services.case_set_risk(case=case, actor=manager, risk="high")
    with pytest.raises(StaleEdit) as refused:
        services.case_set_risk(case=case, actor=manager, risk="low", expected_version=loaded)
    assert (refused.value.field, refused.value.chosen, refused.value.current) == ("the risk", "Low", "High")
    assert refused.value.changed_by == "Priya Shah"
    assert Case.objects.get(pk=case.pk).risk == "high"
    assert _refusals(case).count() == 1


def test_a_stale_status_move_is_refused_and_nothing_changes(case, manager):
    loaded = case.version
    services.case_set_risk(case=case, actor=manager, risk="high")
    with pytest.raises(StaleEdit):
        services.case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager, expected_version=loaded)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED
    assert not CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.CONTACTED).exists()
    assert _refusals(case).count() == 1


def test_a_stale_discharge_is_refused_and_nothing_changes(case, manager):
    loaded = case.version
    services.case_transition(case=case, to=CaseStatus.CONTACTED, actor=manager)
    with pytest.raises(StaleEdit) as refused:
        services.case_discharge(
            case=case, actor=manager, reason_code="consent_withdrawn", work_status="off_sick", expected_version=loaded
        )
    assert refused.value.current == "contacted"
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.discharged_at) == (CaseStatus.CONTACTED, None)
    assert stored.tasks.filter(cancelled_at__isnull=False).count() == 0


def test_a_stale_reopen_is_refused_and_nothing_changes(case, manager):
    services.case_discharge(case=case, actor=manager, reason_code="consent_withdrawn", work_status="off_sick")
    loaded = Case.objects.get(pk=case.pk).version
    services.case_set_risk(case=case, actor=manager, risk="low")
    with pytest.raises(StaleEdit):
        services.case_reopen(case=case, actor=manager, reason="They called back", expected_version=loaded)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DISCHARGED


def test_a_stale_allocation_is_refused_and_nothing_changes(case, manager, lead, colleague):
    loaded = case.version
    services.case_set_risk(case=case, actor=manager, risk="medium")
    with pytest.raises(StaleEdit) as refused:
        allocation.case_allocate(case=case, to_user=colleague, actor=lead, reason="Caseloads", expected_version=loaded)
    assert refused.value.current == "allocated to Priya Shah"
    assert refused.value.chosen == "to allocate it to Tom Reed"
    assert Case.objects.get(pk=case.pk).case_manager == manager
    assert CaseAllocation.objects.filter(case=case).count() == 1  # the allocation made on opening
    assert _refusals(case).get().actor_id == lead.pk


def test_a_stale_reallocation_page_is_refused_and_shown_again(client, case, manager, lead, colleague):
    sign_in_with_two_factor(client, lead)
    url = reverse("cases:reallocate", args=[case.pk])
    loaded = re.search(r'name="version" value="(\d+)"', client.get(url).content.decode()).group(1)
    services.case_set_risk(case=case, actor=manager, risk="high")

    response = client.post(url, {"to_user": str(colleague.pk), "reason": "Caseloads", "version": loaded})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed the case while you had this page open" in html
    assert "You chose to allocate it to Tom Reed" in html
    assert Case.objects.get(pk=case.pk).case_manager == manager


def test_stale_discharge_and_reopen_pages_are_refused(client, case, manager):
    sign_in_with_two_factor(client, manager)
    discharge = reverse("cases:case-discharge", args=[case.pk])
    loaded = re.search(r'name="version" value="(\d+)"', client.get(discharge).content.decode()).group(1)
    services.case_set_risk(case=case, actor=manager, risk="high")
    form = {"reason_code": "consent_withdrawn", "work_status": "off_sick", "version": loaded}
    response = client.post(discharge, form)
    assert response.status_code == 409
    assert "You chose to discharge it" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFERRED

    services.case_discharge(case=case, actor=manager, reason_code="consent_withdrawn", work_status="off_sick")
    reopen = reverse("cases:case-reopen", args=[case.pk])
    loaded = re.search(r'name="version" value="(\d+)"', client.get(reopen).content.decode()).group(1)
    Case.objects.filter(pk=case.pk).update(version=int(loaded) + 1)  # as if someone else had edited it
    response = client.post(reopen, {"reason": "They called back", "version": loaded})
    assert response.status_code == 409
    assert "You chose to reopen it" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DISCHARGED
