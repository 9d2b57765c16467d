"""What an employer may see, asked afresh on every request: the employees their organisation referred or whose
plan versions were consented to them, and of a plan only the versions the ledger allows them now (ADR 0026),
less the parts the person asked to be removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from fitforwork.cases.models import Case
from fitforwork.consent.models import Consent, Purpose
from fitforwork.consent.selectors import Answer, consent_allows
from fitforwork.employers.models import EmployerResponse
from fitforwork.organisations.models import Organisation
from fitforwork.plans.models import PlanVersion


def employer_of(case: Case) -> Organisation | None:
    """The person's employer on our list: the organisation that referred them, or else their employment's."""
    referrer = case.referral.referrer_organisation
    if referrer is not None and referrer.kind == Organisation.Kind.EMPLOYER:
        return referrer
    employment = case.person.employments.filter(employer__isnull=False).select_related("employer").first()
    return employment.employer if employment else None


def employer_cases(organisation: Organisation) -> QuerySet[Case]:
    """The employees this organisation may know are with us: those it referred, or whose plans were shared."""
    shared_with = Consent.objects.filter(purpose=Purpose.SHARE_PLAN, recipient=organisation).values("person_id")
    return (
        Case.objects.filter(Q(referral__referrer_organisation=organisation) | Q(person_id__in=shared_with))
        .select_related("person", "referral")
        .order_by("-opened_at")
    )


def employer_may_see(case: Case, organisation: Organisation) -> bool:
    """Whether the organisation may know this employee is with us now: it referred them, or a plan version of
    theirs is shared with it now (a withdrawn share, alone, no longer counts)."""
    if case.referral.referrer_organisation_id == organisation.pk:
        return True
    return bool(versions_shared_now(case, organisation))


def share_answer(case: Case, version: PlanVersion, organisation: Organisation) -> Answer:
    return consent_allows(
        person=case.person, purpose=Purpose.SHARE_PLAN, recipient=organisation, plan_version_id=version.pk
    )


@dataclass(frozen=True)
class Shared:
    version: PlanVersion
    answer: Answer


def versions_shared_now(case: Case, organisation: Organisation) -> list[Shared]:
    """The case's agreed plan versions the organisation may read now, newest first."""
    versions = PlanVersion.objects.filter(plan__case=case, status=PlanVersion.Status.AGREED).order_by("-number")
    shared = [Shared(version, share_answer(case, version, organisation)) for version in versions]
    return [item for item in shared if item.answer.allowed]


def version_shared_now(case: Case, number: int, organisation: Organisation) -> Shared | None:
    version = (
        PlanVersion.objects.filter(plan__case=case, number=number, status=PlanVersion.Status.AGREED)
        .prefetch_related("obstacles__recommendations__intervention", "timetable", "phased_weeks")
        .select_related("plan__case__person", "plan__case__referral", "agreed_by")
        .first()
    )
    if version is None:
        return None
    answer = share_answer(case, version, organisation)
    return Shared(version, answer) if answer.allowed else None


def response_of(version: PlanVersion, organisation: Organisation) -> EmployerResponse | None:
    return (
        EmployerResponse.objects.filter(plan_version=version, organisation=organisation)
        .prefetch_related("answers")
        .first()
    )


def responses_for_case(case: Case) -> list[EmployerResponse]:
    """Every employer's response on the case, for the case manager."""
    return list(
        EmployerResponse.objects.filter(case=case)
        .select_related("plan_version", "organisation", "acknowledged_by")
        .prefetch_related("answers__recommendation__obstacle")
        .order_by("-plan_version__number")
    )


def visible_recommendations(version: PlanVersion, removed: list[str]) -> list[Any]:
    """The version's recommendations an employer may see: none under an obstacle group the person removed."""
    return [
        recommendation
        for obstacle in version.obstacles.all()
        if obstacle.group not in removed
        for recommendation in obstacle.recommendations.all()
    ]
