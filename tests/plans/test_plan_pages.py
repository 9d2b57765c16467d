"""The Plan section and its pages, as a case manager would use them: start, edit with a snippet, agree, a new
version, compare, the accessible document; fit notes recorded and refused with the rule in words."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from fitforwork.core.audit.models import AuditEvent
from fitforwork.plans.models import FitNote, PlanVersion, Recommendation, RecommendationSnippet
from tests.conftest import sign_in_with_two_factor
from tests.plans.conftest import agreed_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(manager):
    return sign_in_with_two_factor(Client(), manager)


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_the_plan_is_a_section_of_the_case_record_and_starts_from_the_assessment(browser, assessed):
    page = browser.get(reverse("cases:case", args=[assessed.pk])).content.decode()
    assert f'href="{reverse("cases:case-plan", args=[assessed.pk])}"' in page
    page = browser.get(reverse("cases:case-plan", args=[assessed.pk])).content.decode()
    assert "Start the plan from the assessment" in page
    assert AuditEvent.objects.filter(action="cases.case.viewed", data__section="plan").exists()
    response = browser.post(reverse("cases:case-plan-start", args=[assessed.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-plan-edit", args=[assessed.pk, 1])
    page = browser.get(response["Location"]).content.decode()
    assert "Pain" in page
    assert "Physical demands of the job" in page


def test_a_snippet_fills_the_recommendation_for_the_case_manager_to_edit(browser, draft, assessed):
    snippet = RecommendationSnippet.objects.create(
        obstacle_code="pain", kind="self_care", title="Pacing", text="Break tasks into short spells with rests"
    )
    edit = reverse("cases:case-plan-edit", args=[assessed.pk, 1])
    page = browser.get(edit).content.decode()
    assert "Use this text" in page
    obstacle = draft.obstacles.get(code="pain")
    page = browser.get(f"{edit}?obstacle={obstacle.pk}&snippet={snippet.pk}").content.decode()
    assert "Break tasks into short spells with rests</textarea>" in page
    response = browser.post(
        edit,
        {
            "action": "recommendation",
            "rec-version": str(draft.version),
            "rec-obstacle": str(obstacle.pk),
            "rec-kind": "self_care",
            "rec-text": "Break tasks into 20-minute spells with 5-minute rests",
        },
    )
    assert response.status_code == 302
    assert Recommendation.objects.get().text == "Break tasks into 20-minute spells with 5-minute rests"


def test_a_bad_recommendation_shows_the_error_summary(browser, draft, assessed):
    edit = reverse("cases:case-plan-edit", args=[assessed.pk, 1])
    obstacle = draft.obstacles.get(code="pain")
    response = browser.post(
        edit,
        {"action": "recommendation", "rec-version": "1", "rec-obstacle": str(obstacle.pk), "rec-kind": "adjustment"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_rec-adjustment"' in page
    assert "Select which workplace adjustment it is" in page
    assert "<title>Error:" in page


def test_agreeing_without_the_discussion_is_refused_in_words(browser, draft, assessed):
    response = browser.post(reverse("cases:case-plan-agree", args=[assessed.pk, 1]), {"version": str(draft.version)})
    assert response.status_code == 400
    assert "Record how and when the plan was discussed with the person" in response.content.decode()
    assert PlanVersion.objects.get(pk=draft.pk).status == "draft"


def test_details_then_agree_then_a_new_version_then_compare(browser, draft, assessed, manager):
    edit = reverse("cases:case-plan-edit", args=[assessed.pk, 1])
    today = date.today()
    response = browser.post(
        edit,
        {
            "action": "details",
            "details-version": str(draft.version),
            **_date("details-period_from", today),
            **_date("details-period_to", today + timedelta(weeks=6)),
            "details-fitness": "may_be_fit",
            "details-further_help": "Access to Work",
            "details-discussed_how": "telephone",
            **_date("details-discussed_on", today),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    obstacle = draft.obstacles.get(code="physical_demands")
    browser.post(
        edit,
        {
            "action": "recommendation",
            "rec-version": str(draft.version),
            "rec-obstacle": str(obstacle.pk),
            "rec-kind": "adjustment",
            "rec-adjustment": "amended_duties",
            "rec-text": "No lifting over 10 kg for four weeks",
        },
    )
    draft.refresh_from_db()
    response = browser.post(reverse("cases:case-plan-agree", args=[assessed.pk, 1]), {"version": str(draft.version)})
    assert response.status_code == 302
    assert PlanVersion.objects.get(pk=draft.pk).status == "agreed"
    # The agreed version cannot be edited: the editor sends the reader to the document.
    assert browser.get(edit)["Location"] == reverse("cases:case-plan-version", args=[assessed.pk, 1])
    response = browser.post(reverse("cases:case-plan-new-draft", args=[assessed.pk, 1]))
    assert response["Location"] == reverse("cases:case-plan-edit", args=[assessed.pk, 2])
    second = PlanVersion.objects.get(number=2)
    browser.post(
        reverse("cases:case-plan-edit", args=[assessed.pk, 2]),
        {"action": "week", "week-version": str(second.version), "week-week": "1", "week-hours": "16"},
    )
    page = browser.get(reverse("cases:case-plan-compare", args=[assessed.pk]) + "?left=1&right=2").content.decode()
    assert "Version 1 (agreed) beside version 2 (draft)" in page
    assert "Week 1, 16 hours" in page
    assert page.count("ffw-changed") >= 2  # the about section and the phased weeks
    document = browser.get(reverse("cases:case-plan-version", args=[assessed.pk, 1])).content.decode()
    assert '<article lang="en-GB">' in document
    assert "Workplace adjustment: amended duties. No lifting over 10 kg for four weeks" in document
    assert "<h2>Obstacles and recommendations</h2>" in document


def test_the_section_lists_versions_and_fit_notes_with_their_periods(browser, draft, assessed, manager):
    agreed_version(draft, manager)
    FitNote.objects.create(
        case=assessed,
        source="received",
        condition="Back pain",
        fitness="not_fit",
        period_from=date(2026, 11, 2),
        period_to=date(2026, 11, 30),
        issued_on=date(2026, 11, 2),
        issuer_name="Dr Sam Okafor",
        issuer_profession="doctor",
    )
    page = browser.get(reverse("cases:case-plan", args=[assessed.pk])).content.decode()
    assert "Version 1" in page
    assert "2 November 2026 to 30 November 2026" in page
    assert "Issue a fit note" not in page  # WorkWell does not issue them


def test_recording_a_received_fit_note_from_the_page(browser, assessed):
    today = date.today()
    response = browser.post(
        reverse("cases:case-fit-note-record", args=[assessed.pk]),
        {
            "condition": "Low back pain",
            "fitness": "may_be_fit",
            "adjustments": ["phased_return", "amended_duties"],
            **_date("period_from", today),
            **_date("period_to", today + timedelta(weeks=4)),
            **_date("issued_on", today),
            "issuer_name": "Dr Sam Okafor",
            "issuer_profession": "doctor",
        },
    )
    assert response.status_code == 302
    note = FitNote.objects.get()
    assert (note.phased_return, note.amended_duties, note.altered_hours) == (True, True, False)
    page = browser.get(reverse("cases:case-fit-note", args=[assessed.pk, note.pk])).content.decode()
    assert "Phased return to work" in page
    assert "Dr Sam Okafor, doctor" in page


def test_issuing_at_a_site_that_does_not_issue_is_not_offered(browser, assessed):
    assert browser.get(reverse("cases:case-fit-note-issue", args=[assessed.pk])).status_code == 404


def test_a_stale_edit_from_the_editor_is_refused_with_the_error_summary(browser, draft, assessed):
    edit = reverse("cases:case-plan-edit", args=[assessed.pk, 1])
    fields = {"action": "week", "week-week": "1", "week-hours": "16"}
    assert browser.post(edit, {**fields, "week-version": str(draft.version)}).status_code == 302
    response = browser.post(edit, {**fields, "week-week": "2", "week-version": str(draft.version)})
    assert response.status_code == 400
    assert "Someone else changed the plan while you had this page open" in response.content.decode()
    assert list(PlanVersion.objects.get(pk=draft.pk).phased_weeks.values_list("week", flat=True)) == [1]


def test_the_editor_and_the_document_take_as_many_queries_for_a_long_plan_as_a_short_one(
    browser, draft, assessed, manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fitforwork.plans import services

    def counts():
        pages = [
            reverse("cases:case-plan-version", args=[assessed.pk, 1]),
            reverse("cases:case-plan-edit", args=[assessed.pk, 1]),
        ]
        found = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert browser.get(page).status_code == 200
            found.append(len(queries))
        return found

    RecommendationSnippet.objects.create(obstacle_code="pain", kind="self_care", title="Pacing", text="Rest")
    short = counts()
    for obstacle in draft.obstacles.all():
        for text in ("Walk daily", "Stretch at lunch"):
            services.recommendation_add(
                version=draft, actor=manager, expected_version=None, obstacle=obstacle, kind="self_care", text=text
            )
        RecommendationSnippet.objects.create(obstacle_code=obstacle.code, kind="self_care", title="More", text="More")
    for week in (1, 2, 3):
        services.phased_week_set(version=draft, actor=manager, expected_version=None, week=week, hours=None, days=week)
    services.timetable_add(
        version=draft, actor=manager, expected_version=None, what="Physio", starts_on=date.today(), ends_on=None
    )
    assert counts() == short
