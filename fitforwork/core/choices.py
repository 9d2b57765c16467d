"""Choices that more than one app needs, kept here so no app imports another just for a list.

The service model rules (organisations) name employment statuses, and a client's employment
(people) records one; both import them from here, so organisations never depends on people.
"""

from __future__ import annotations

from django.db import models


class EmploymentStatus(models.TextChoices):
    EMPLOYED_AT_WORK = "employed_at_work", "Employed and at work"
    EMPLOYED_OFF_SICK = "employed_off_sick", "Employed and off sick"
    SELF_EMPLOYED = "self_employed", "Self-employed"
    UNEMPLOYED = "unemployed", "Not in work"
