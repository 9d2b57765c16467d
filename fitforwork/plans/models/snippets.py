"""Reusable recommendation text, kept by administrators per obstacle type, so a plan starts from words that
work rather than a blank page (issue 15). A snippet's text is copied into a plan, then edited there."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from fitforwork.core.models import BaseModel
from fitforwork.plans.models.plan import Adjustment, RecommendationKind


class RecommendationSnippet(BaseModel):
    obstacle_code = models.CharField(max_length=40, help_text="An obstacle code from the assessment")
    kind = models.CharField(max_length=20, choices=RecommendationKind.choices)
    adjustment = models.CharField(max_length=30, choices=Adjustment.choices, blank=True)
    title = models.CharField(max_length=120)
    text = models.TextField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["obstacle_code", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="adjustment") & ~Q(adjustment="")) | (~Q(kind="adjustment") & Q(adjustment="")),
                name="plan_snippet_adjustment_has_category",
                violation_error_message="A workplace adjustment says which of the four kinds it is",
            ),
        ]
        indexes = [models.Index(fields=["obstacle_code", "is_active"], name="plan_snippet_obstacle_idx")]

    def __str__(self) -> str:
        return self.title
