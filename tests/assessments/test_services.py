"""Recording questionnaires on a real database: every answer kept, the result stored with its versions, the
audit event, access, the client-online path and the safety hook, the selectors' latest and history."""

import pytest
from django.core.exceptions import PermissionDenied

from fitforwork.accounts.models import Role
from fitforwork.assessments import safety
from fitforwork.assessments.models import QuestionnaireResponse
from fitforwork.assessments.scoring import ENGINE_VERSION, AnswerError
from fitforwork.assessments.selectors import response_history_with_change, responses_latest
from fitforwork.assessments.services import (
    AssessmentError,
    response_answer,
    response_complete,
    response_record,
    response_start,
)
from fitforwork.core.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.cases.conftest import case_manager, open_case  # noqa: F401
from tests.organisations.factories import SiteFactory
from tests.referrals.conftest import workwell_site  # noqa: F401

PHQ_MILD = {f"q{i}": 1 for i in range(1, 9)} | {"q9": 0}


@pytest.fixture
def case(workwell_site, case_manager):  # noqa: F811
    return open_case(workwell_site, case_manager, case_manager=case_manager)


def test_record_stores_answers_result_versions_and_audits(case, case_manager):  # noqa: F811
    response = response_record(case=case, instrument_code="phq9", answers=PHQ_MILD, mode="phone", actor=case_manager)
    response.refresh_from_db()
    assert response.answers == PHQ_MILD
    assert response.score == 8
    assert response.band == "mild"
    assert response.flags == []
    assert response.instrument_version == "1.0"
    assert response.engine_version == ENGINE_VERSION
    assert response.recorded_by == case_manager
    assert response.mode == "phone"
    assert response.completed_at is not None
    assert AuditEvent.objects.filter(action="assessments.response.completed").count() == 1


def test_out_of_range_answer_is_refused_naming_the_item(case, case_manager):  # noqa: F811
    with pytest.raises(AnswerError, match="q3"):
        response_record(
            case=case, instrument_code="phq9", answers=PHQ_MILD | {"q3": 7}, mode="phone", actor=case_manager
        )
    with pytest.raises(AnswerError, match="q99"):
        response_record(case=case, instrument_code="phq9", answers={"q99": 1}, mode="phone", actor=case_manager)
    assert not QuestionnaireResponse.objects.exists()


def test_unknown_instrument_is_refused(case, case_manager):  # noqa: F811
    with pytest.raises(AssessmentError):
        response_record(case=case, instrument_code="nope", answers={}, mode="phone", actor=case_manager)


def test_partly_answered_is_kept_as_not_scorable(case, case_manager):  # noqa: F811
    answers = {"q3": 4, "q4": 2, "q5": 4}
    response = response_record(case=case, instrument_code="wsas", answers=answers, mode="video", actor=case_manager)
    assert response.score is None
    assert response.not_scorable_reason
    assert response.answers == answers


def test_staff_outside_the_case_team_cannot_record(case):
    stranger = UserFactory(role=Role.CASE_MANAGER, site=SiteFactory())
    with pytest.raises(PermissionDenied):
        response_record(case=case, instrument_code="phq9", answers=PHQ_MILD, mode="phone", actor=stranger)


def test_client_online_item_by_item_then_complete_calls_the_safety_hook(case, monkeypatch):
    calls = []
    monkeypatch.setattr(safety, "on_flags", lambda *, response, actor: calls.append((response.pk, actor)))
    response = response_start(case=case, instrument_code="phq9", mode="client_online")
    for item, value in (PHQ_MILD | {"q9": 2}).items():
        response = response_answer(response=response, item_id=item, value=value)
    response.refresh_from_db()
    assert response.status == "in_progress"
    assert response.answers["q9"] == 2
    done = response_complete(response=response)
    assert done.status == "completed"
    assert done.flags == ["self_harm"]
    assert done.recorded_by is None
    assert calls == [(done.pk, None)]
    with pytest.raises(AssessmentError):
        response_complete(response=done)


def test_latest_and_history_with_change(case, case_manager):  # noqa: F811
    for raw in (10, 13):
        answers = {f"q{i}": v for i, v in enumerate([5, 5, raw - 10, 0, 0], 1)}
        response_record(case=case, instrument_code="who5", answers=answers, mode="phone", actor=case_manager)
    latest = responses_latest(case)
    assert latest["who5"].score == 13
    rows = response_history_with_change(case, "who5")
    assert [r.response.score for r in rows] == [10, 13]
    assert rows[0].change is None
    assert rows[1].change.difference == 12
    assert rows[1].change.meaningful is True
