"""What an employer told us about a plan version the person consented to share with them: that they read it,
what they did about each recommendation, and whether they take the plan as evidence of sickness instead of a
fit note (issue 16, ADR 0035). One response per version and organisation; the answers to the
recommendations hang off it. Both go with the case (retention) and are in a subject access export."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fitforwork.core.models import BaseModel


class EmployerResponse(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="employer_responses")
    plan_version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="+", db_index=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # None until the employer says: yes, the plan is taken as evidence of sickness instead of a fit note; or no.
    accepted_as_evidence = models.BooleanField(null=True, blank=True)
    evidence_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan_version", "organisation"], name="employer_response_one_per_version")
        ]

    def __str__(self) -> str:
        return f"Employer response to {self.plan_version}"


class RecommendationAnswer(models.Model):
    class Implemented(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    response = models.ForeignKey(EmployerResponse, on_delete=models.CASCADE, related_name="answers", db_index=False)
    recommendation = models.ForeignKey("plans.Recommendation", on_delete=models.CASCADE, related_name="+")
    implemented = models.CharField(max_length=8, choices=Implemented.choices)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "recommendation"], name="employer_answer_one_per_recommendation"
            ),
            models.CheckConstraint(
                condition=models.Q(implemented__in=["yes", "partly", "no"]), name="employer_answer_implemented_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_implemented_display()}: {self.recommendation_id}"
