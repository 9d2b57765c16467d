"""The Assessment section of the case record and its form, as a case manager would use them."""

import pytest
from django.test import Client
from django.urls import reverse

from fitforwork.assessments.models import Assessment, PathwayDecision
from fitforwork.core.audit.models import AuditEvent
from fitforwork.people.models import Employment
from tests.conftest import sign_in_with_two_factor

pytestmark = pytest.mark.django_db

FORM = {
    "version": "0",
    "main_condition": "musculoskeletal",
    "snomed_code": "279039007",
    "health_obstacles": ["pain", "sleep"],
    "work_obstacles": ["physical_demands"],
    "other_obstacles": ["caring"],
    "other_obstacles_text": "Looks after her father",
    "employment_status": "employed_off_sick",
    "job_title": "Bus driver",
    "absence_start_day": "5",
    "absence_start_month": "10",
    "absence_start_year": "2026",
    "fit_note_status": "not_fit",
    "goals": "Back to driving by spring",
    "consent_given": "on",
    "done": "on",
}


@pytest.fixture
def browser(manager):
    return sign_in_with_two_factor(Client(), manager)


def test_the_assessment_is_a_section_of_the_case_record(browser, case):
    page = browser.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert f'href="{reverse("cases:case-assessment", args=[case.pk])}"' in page
    page = browser.get(reverse("cases:case-assessment", args=[case.pk])).content.decode()
    assert "The assessment has not been recorded yet." in page
    assert AuditEvent.objects.filter(action="cases.case.viewed", data__section="assessment").exists()


def test_recording_the_assessment_shows_it_and_the_proposal_with_reasons(browser, case):
    edit = reverse("cases:case-assessment-edit", args=[case.pk])
    page = browser.get(edit).content.decode()
    assert "<legend" in page
    assert "Health" in page
    assert "Other: social, money, caring or housing" in page
    response = browser.post(edit, FORM)
    assert response.status_code == 302
    assessment = Assessment.objects.get(case=case)
    assert (assessment.version, assessment.health_obstacles) == (1, ["pain", "sleep"])
    assert Employment.objects.get(person=case.person, is_current=True).job_title == "Bus driver"
    page = browser.get(response["Location"]).content.decode()
    assert "Bus driver, off sick since 5 October 2026" in page
    assert "Proposed pathway: Case-managed support with fast access to treatment" in page
    assert "No questionnaire scores are recorded yet" in page


def test_finishing_without_consent_shows_the_error_summary(browser, case):
    response = browser.post(reverse("cases:case-assessment-edit", args=[case.pk]), FORM | {"consent_given": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Record their consent" in page
    assert not Assessment.objects.exists()


def test_a_stale_edit_is_refused_showing_both_values(browser, case):
    edit = reverse("cases:case-assessment-edit", args=[case.pk])
    browser.post(edit, FORM)
    browser.post(edit, FORM | {"version": "1", "goals": "Drive again"})
    response = browser.post(edit, FORM | {"version": "1", "goals": "Swim again"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "you started from version 1, it is now version 2" in page
    assert "Drive again" in page
    assert "Swim again" in page
    assert Assessment.objects.get(case=case).goals == "Drive again"
    assert 'name="version" value="2"' in page


def test_confirming_and_overriding_the_pathway(browser, case):
    browser.post(reverse("cases:case-assessment-edit", args=[case.pk]), FORM)
    decide = reverse("cases:case-pathway", args=[case.pk])
    response = browser.post(decide, {"decision": "override", "chosen": "guidance_and_advice"})
    assert response.status_code == 400
    assert "Say why you are choosing a different pathway" in response.content.decode()
    assert browser.post(decide, {"decision": "confirm"}).status_code == 302
    decision = PathwayDecision.objects.get()
    assert (decision.outcome, decision.rules) == ("confirmed", case.rules)
    page = browser.get(reverse("cases:case-assessment", args=[case.pk])).content.decode()
    assert "confirmed by" in page
    assert str(case.rules) in page
    browser.post(decide, {"decision": "override", "chosen": "guidance_and_advice", "override_reason": "Working again"})
    page = browser.get(reverse("cases:case-assessment", args=[case.pk])).content.decode()
    assert "because: Working again" in page


def test_a_care_team_member_reads_the_assessment_but_cannot_change_it(browser, case, manager, workwell_site):
    from fitforwork.accounts.models import Role
    from fitforwork.cases.mdt import care_team_add
    from tests.accounts.factories import UserFactory

    browser.post(reverse("cases:case-assessment-edit", args=[case.pk]), FORM)
    physio = UserFactory(role=Role.PRACTITIONER, site=workwell_site, with_device=True)
    care_team_add(case=case, user=physio, discipline="physiotherapist", actor=manager)
    reader = sign_in_with_two_factor(Client(), physio)
    page = reader.get(reverse("cases:case-assessment", args=[case.pk])).content.decode()
    assert "Back to driving by spring" in page
    assert "Change the assessment" not in page
    assert "Record the pathway" not in page
    refused = reader.post(reverse("cases:case-assessment-edit", args=[case.pk]), FORM | {"version": "1"})
    assert refused.status_code == 403
    assert reader.post(reverse("cases:case-pathway", args=[case.pk]), {"decision": "confirm"}).status_code == 403
    assert Assessment.objects.get(case=case).version == 1
    assert not PathwayDecision.objects.exists()
