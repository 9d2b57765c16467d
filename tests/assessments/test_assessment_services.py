"""Recording the biopsychosocial assessment: versions, stale edits, consent, history, employment, audit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from fitforwork.accounts.models import Role
from fitforwork.assessments.assessment_services import AssessmentError, StaleAssessment, assessment_save
from fitforwork.assessments.models import Assessment, AssessmentRevision
from fitforwork.core.audit.models import AuditEvent
from fitforwork.people.models import Employment
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

BASICS = {"main_condition": "musculoskeletal", "fit_note_status": "not_fit"}


def test_an_assessment_is_recorded_at_version_one_and_audited(case, manager):
    assessment = assessment_save(
        case=case,
        actor=manager,
        expected_version=0,
        snomed_code="279039007",
        health_obstacles=["pain", "sleep"],
        other_obstacles=["caring"],
        other_obstacles_text="Looks after her father",
        goals="Back to my job as a driver",
        consent_given=True,
        done=True,
        **BASICS,
    )
    assert assessment.version == 1
    assert assessment.status == Assessment.Status.DONE
    assert (assessment.consent_recorded_by, assessment.assessed_by) == (manager, manager)
    assert assessment.consent_recorded_at is not None
    event = AuditEvent.objects.get(action="assessments.assessment_saved")
    assert event.data["changes"]["health_obstacles"] == {"from": None, "to": ["pain", "sleep"]}


def test_an_edit_keeps_the_values_it_replaced_and_goes_up_a_version(case, manager):
    assessment_save(case=case, actor=manager, expected_version=0, goals="Walk the dog", **BASICS)
    assessment = assessment_save(case=case, actor=manager, expected_version=1, goals="Back to work", **BASICS)
    assert (assessment.version, assessment.goals) == (2, "Back to work")
    revision = AssessmentRevision.objects.get(assessment=assessment)
    assert (revision.version, revision.values["goals"]) == (1, "Walk the dog")
    event = AuditEvent.objects.filter(action="assessments.assessment_saved").order_by("seq").last()
    assert event.data["changes"] == {"goals": {"from": "Walk the dog", "to": "Back to work"}}


def test_a_stale_edit_is_refused_with_both_values(case, manager):
    assessment_save(case=case, actor=manager, expected_version=0, goals="Walk the dog", **BASICS)
    assessment_save(case=case, actor=manager, expected_version=1, goals="Back to work", **BASICS)
    with pytest.raises(StaleAssessment) as refused:
        assessment_save(case=case, actor=manager, expected_version=1, goals="Swim again", **BASICS)
    assert "you started from version 1, it is now version 2" in str(refused.value)
    assert refused.value.differences == [("Their goals", "Back to work", "Swim again")]
    assert Assessment.objects.get(case=case).goals == "Back to work"


def test_a_stale_edit_is_core_versions_stale_edit_and_its_refusal_is_audited(case, manager):
    from fitforwork.core.versions import StaleEdit

    assessment_save(case=case, actor=manager, expected_version=0, goals="Walk the dog", **BASICS)
    assessment_save(case=case, actor=manager, expected_version=1, goals="Back to work", **BASICS)
    with pytest.raises(StaleEdit) as refused:
        assessment_save(case=case, actor=manager, expected_version=1, goals="Swim again", **BASICS)
    assert isinstance(refused.value, StaleAssessment)
    assert (refused.value.expected, refused.value.current_version) == (1, 2)
    assert refused.value.changed_by == (manager.get_full_name() or manager.email)
    event = AuditEvent.objects.get(action="assessments.assessment.stale_edit_refused")
    assert (event.data["expected_version"], event.data["version"]) == (1, 2)
    assert event.actor_id == manager.pk


def test_a_second_first_assessment_is_refused_as_stale(case, manager):
    assessment_save(case=case, actor=manager, expected_version=0, **BASICS)
    with pytest.raises(StaleAssessment):
        assessment_save(case=case, actor=manager, expected_version=0, **BASICS)
    assert Assessment.objects.count() == 1


def test_it_cannot_be_done_without_consent(case, manager):
    with pytest.raises(AssessmentError, match="consent"):
        assessment_save(case=case, actor=manager, expected_version=0, done=True, **BASICS)
    assert not Assessment.objects.exists()


def test_a_snomed_code_must_be_6_to_18_digits(case, manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="6 to 18 digits"):
        assessment_save(case=case, actor=manager, expected_version=0, snomed_code="12345", **BASICS)


def test_the_persons_employment_is_updated_through_its_service(case, manager):
    assessment_save(
        case=case,
        actor=manager,
        expected_version=0,
        employment={"status": "employed_off_sick", "job_title": "Bus driver", "absence_start": date(2026, 10, 5)},
        **BASICS,
    )
    job = Employment.objects.get(person=case.person, is_current=True)
    assert (job.status, job.job_title, job.absence_start) == ("employed_off_sick", "Bus driver", date(2026, 10, 5))
    assert AuditEvent.objects.filter(action__startswith="people.employment_", object_id=str(job.pk)).exists()


def test_only_the_cases_team_may_record_it(case, workwell_site):
    outsider = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
    with pytest.raises(PermissionDenied):
        assessment_save(case=case, actor=outsider, expected_version=0, **BASICS)
