"""An employer's response is in the person's subject access export and goes with the case at retention, with the
emails that told the employer the plan was shared."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fitforwork.cases.models import Case
from fitforwork.core.outbox.models import Message
from fitforwork.dataprotection.retention import retention_delete, retention_plan
from fitforwork.dataprotection.selectors import subject_access_gather
from fitforwork.employers import services
from fitforwork.employers.models import EmployerResponse, RecommendationAnswer


def _respond(employee, version, employer_org, employer_user, manager):
    services.plan_share_give(case=employee, version=version, how="written", recipient=employer_org, actor=manager)
    recommendation = version.recommendations.first()
    return services.response_record(
        case=employee,
        version=version,
        organisation=employer_org,
        actor=employer_user,
        answers={recommendation.pk: ("yes", "Done")},
        accepted_as_evidence=False,
    )


@pytest.mark.django_db
def test_the_export_lists_the_employers_response_and_its_answers(
    employee, version, employer_org, employer_user, manager
):
    _respond(employee, version, employer_org, employer_user, manager)
    [response] = subject_access_gather(employee.person)["employer_responses"]
    assert response["accepted_as_evidence"] is False
    assert response["answers"][0]["note"] == "Done"


@pytest.mark.django_db(transaction=True)
def test_retention_deletes_the_response_its_answers_and_the_share_emails(
    employee, version, employer_org, employer_user, manager
):
    _respond(employee, version, employer_org, employer_user, manager)
    assert Message.objects.filter(reference__startswith=f"share:{version.pk}:").count() == 1
    Case.objects.filter(pk=employee.pk).update(
        status=Case.Status.DISCHARGED,
        discharged_at=timezone.now() - timedelta(days=365 * 9),
        discharge_reason="returned_to_work",
        work_status_at_discharge="in_work_usual",
    )
    assert retention_plan().counts["employers.employerresponse"] == 1
    retention_delete()
    assert not EmployerResponse.objects.exists()
    assert not RecommendationAnswer.objects.exists()
    assert not Message.objects.filter(reference__startswith=f"share:{version.pk}:").exists()
