"""Break-glass: someone with no relationship to a case opens it for a reason, for a few hours, audited, and a
team lead at the case's site reviews it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.break_glass import break_glass_open, break_glass_review, break_glass_to_review
from fitforwork.cases.models import BreakGlass
from fitforwork.cases.services import CaseError
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import SiteFactory


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site)


@pytest.fixture
def case(workwell_site, manager):
    return open_case(workwell_site, manager, case_manager=manager)


@pytest.fixture
def outsider(db):
    """A case manager at another site: no relationship to the case."""
    return UserFactory(role=Role.CASE_MANAGER, site=SiteFactory(name="WorkWell Derby"), with_device=True)


@pytest.fixture
def lead(workwell_site):
    return UserFactory(role=Role.TEAM_LEAD, site=workwell_site, with_device=True)


def test_without_a_relationship_the_case_page_offers_break_glass_and_shows_nothing_of_the_case(client, case, outsider):
    sign_in_with_two_factor(client, outsider)

    response = client.get(reverse("cases:case", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 403
    assert "You do not work on this case" in html
    assert "Morgan" not in html
    assert not AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.pk)).exists()


def test_breaking_the_glass_needs_a_reason_then_opens_the_case_with_every_read_audited(client, case, outsider):
    sign_in_with_two_factor(client, outsider)
    url = reverse("cases:break-glass", args=[case.pk])

    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Enter why you need to see this case" in refused.content.decode()
    assert not BreakGlass.objects.exists()

    response = client.post(url, {"reason": "Client called the advice line in distress; their manager is away"})

    assert response.status_code == 302
    use = BreakGlass.objects.get()
    assert (use.user, use.case) == (outsider, case)
    assert use.expires_at - use.granted_at == timedelta(hours=4)
    assert AuditEvent.objects.filter(action="cases.break_glass.opened", object_id=str(case.pk)).exists()
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert page.status_code == 200
    assert "Alex Morgan" in page.content.decode()
    read = AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.pk)).get()
    assert read.data["relationship"] == "break_glass"


def test_access_ends_when_break_glass_expires(client, case, outsider):
    use = break_glass_open(case=case, user=outsider, reason="Urgent safeguarding concern", hours=1)
    sign_in_with_two_factor(client, outsider)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200

    BreakGlass.objects.filter(pk=use.pk).update(
        granted_at=timezone.now() - timedelta(hours=2), expires_at=timezone.now() - timedelta(hours=1)
    )

    response = client.get(reverse("cases:case", args=[case.pk]))
    assert response.status_code == 403
    assert "You do not work on this case" in response.content.decode()


def test_break_glass_is_refused_to_people_who_already_see_the_case_and_to_non_clinical_roles(case, manager):
    with pytest.raises(CaseError, match="already see this case"):
        break_glass_open(case=case, user=manager, reason="Curious")
    commissioner = UserFactory(role=Role.COMMISSIONER)
    with pytest.raises(PermissionDenied):
        break_glass_open(case=case, user=commissioner, reason="Curious")


def test_non_clinical_roles_are_never_told_whether_a_case_exists(client, case):
    gp = UserFactory(role=Role.GP, with_device=True)
    sign_in_with_two_factor(client, gp)

    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:break-glass", args=[case.pk]), {"reason": "x"}).status_code == 404


def test_the_team_lead_lists_unreviewed_uses_at_their_site_oldest_first(case, outsider, lead, workwell_site, manager):
    newer = break_glass_open(case=case, user=outsider, reason="Second look")
    older = break_glass_open(case=case, user=outsider, reason="First look")
    BreakGlass.objects.filter(pk=older.pk).update(granted_at=newer.granted_at - timedelta(hours=1))
    elsewhere_site = SiteFactory(name="WorkWell Nottingham")
    elsewhere = open_case(workwell_site, manager, case_manager=manager, given_name="Jo")
    elsewhere_case_at_other_site = elsewhere
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(site=elsewhere_site)
    break_glass_open(case=elsewhere_case_at_other_site, user=outsider, reason="Not this lead's to review")
    other_lead = UserFactory(role=Role.TEAM_LEAD, site=elsewhere_site)

    assert [use.reason for use in break_glass_to_review(lead)] == ["First look", "Second look"]
    assert [use.reason for use in break_glass_to_review(other_lead)] == ["Not this lead's to review"]
    assert list(break_glass_to_review(manager)) == []


def test_reviewing_a_use_through_the_pages(client, case, outsider, lead):
    use = break_glass_open(case=case, user=outsider, reason="Client rang in distress")
    sign_in_with_two_factor(client, lead)
    listing = client.get(reverse("cases:break-glass-reviews"))
    assert "Client rang in distress" in listing.content.decode()
    url = reverse("cases:break-glass-review", args=[use.pk])

    needs_note = client.post(url, {"outcome": "inappropriate"})
    assert needs_note.status_code == 400
    assert "Enter what you have done about it" in needs_note.content.decode()

    assert client.post(url, {"outcome": "appropriate", "note": "Right call"}).status_code == 302

    use.refresh_from_db()
    assert (use.reviewed_by, use.review_outcome, use.review_note) == (lead, "appropriate", "Right call")
    assert AuditEvent.objects.filter(action="cases.break_glass.reviewed", object_id=str(case.pk)).exists()
    assert "Client rang in distress" not in client.get(reverse("cases:break-glass-reviews")).content.decode()
    assert client.get(url).status_code == 404  # reviewed uses leave the queue


def test_only_a_team_lead_at_the_site_reviews_and_never_their_own_use(case, outsider, lead, manager):
    use = break_glass_open(case=case, user=outsider, reason="Urgent")
    with pytest.raises(PermissionDenied):
        break_glass_review(use=use, reviewer=manager, outcome="appropriate")
    other_site_lead = UserFactory(role=Role.TEAM_LEAD, site=outsider.site)
    with pytest.raises(PermissionDenied):
        break_glass_review(use=use, reviewer=other_site_lead, outcome="appropriate")
    own = break_glass_open(case=case, user=other_site_lead, reason="Covering a colleague")
    own_site_lead_use = break_glass_review(use=own, reviewer=lead, outcome="inappropriate", note="Spoke to them")
    assert own_site_lead_use.review_outcome == "inappropriate"


def test_case_managers_cannot_open_the_review_list(client, manager):
    manager_with_device = UserFactory(role=Role.CASE_MANAGER, site=manager.site, with_device=True)
    sign_in_with_two_factor(client, manager_with_device)

    assert client.get(reverse("cases:break-glass-reviews")).status_code == 403
