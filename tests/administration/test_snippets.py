"""Recommendation snippets kept by administrators, per obstacle type, for the plan editor."""

import pytest
from django.urls import reverse

from fitforwork.core.audit.models import AuditEvent
from fitforwork.plans.models import RecommendationSnippet

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_snippet_and_changes_it_audited(administrator_client):
    response = administrator_client.post(
        reverse("administration:snippet-add"),
        {
            "obstacle_code": "workload",
            "kind": "adjustment",
            "adjustment": "altered_hours",
            "title": "Later start",
            "text": "Start at 10am for the first four weeks",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    snippet = RecommendationSnippet.objects.get()
    assert (snippet.obstacle_code, snippet.adjustment) == ("workload", "altered_hours")
    page = administrator_client.get(reverse("administration:snippets")).content.decode()
    assert "Later start" in page
    assert "Work: Workload or hours" in page
    administrator_client.post(
        reverse("administration:snippet", args=[snippet.pk]),
        {"obstacle_code": "workload", "kind": "self_care", "title": "Later start", "text": "Plan the day"},
    )
    snippet.refresh_from_db()
    assert (snippet.kind, snippet.adjustment, snippet.is_active) == ("self_care", "", False)
    assert AuditEvent.objects.filter(action="plans.snippet.saved").count() == 2


def test_an_adjustment_snippet_needs_its_kind_of_adjustment(administrator_client):
    response = administrator_client.post(
        reverse("administration:snippet-add"),
        {"obstacle_code": "workload", "kind": "adjustment", "title": "Later start", "text": "Start at 10am"},
    )
    assert response.status_code == 400
    assert "Select which workplace adjustment it is" in response.content.decode()
    assert not RecommendationSnippet.objects.exists()


def test_case_managers_cannot_keep_snippets(case_manager_client):
    assert case_manager_client.get(reverse("administration:snippets")).status_code in (403, 404)
