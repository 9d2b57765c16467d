"""Writing return-to-work plans: made from the assessment, edited as a draft, agreed with the client, copied
into a new draft to change (issue 15, docs/adr/0028-plan-versions.md).

Every service is one transaction, checks that the actor works the case, locks the version it changes, refuses
any change to an agreed version (the database refuses it too, plans 0002), and records an audit event. Every
edit of a draft carries the draft's `version` it was made from; a stale one is refused (ADR 0021).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.assessments.models import Assessment
from fitforwork.assessments.models.assessment import OBSTACLE_GROUPS
from fitforwork.cases import schedule
from fitforwork.cases import services as case_services
from fitforwork.cases.models import Case, CaseStatus, Task
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.core.audit.services import audit_record
from fitforwork.core.versions import bump, check_version, refusals_audited
from fitforwork.interventions import services as intervention_services
from fitforwork.interventions.models import Intervention
from fitforwork.organisations.selectors import rules_config
from fitforwork.plans.letters import plan_letter_send
from fitforwork.plans.models import (
    Adjustment,
    DiscussedHow,
    Fitness,
    Obstacle,
    PhasedWeek,
    Plan,
    PlanVersion,
    Recommendation,
    RecommendationKind,
    TimetableEntry,
)

STALE_EDIT_REFUSED = "plans.plan_version.stale_edit_refused"
PLAN_REVIEW_TITLE = "Review the return-to-work plan"


class PlanError(ValueError):
    """A change to a plan refused, with the reason in words to show."""


def _case(version: PlanVersion) -> Case:
    return Case.objects.select_related("site", "case_manager", "referral").get(pk=version.plan.case_id)


def _shown(version: PlanVersion) -> str:
    who = version.modified_by.get_full_name() if version.modified_by else ""
    return f"draft version {version.number}, edited {version.version - 1} times" + (f" (last by {who})" if who else "")


def _draft(version: PlanVersion, actor: User, expected_version: int | None, *, chosen: str) -> PlanVersion:
    """The locked draft, after checking the actor works the case, it is still a draft and the edit is not stale."""
    ensure_can_work_case(actor, _case(version))
    locked = (
        PlanVersion.objects.select_for_update(of=("self",)).select_related("plan", "modified_by").get(pk=version.pk)
    )
    if locked.is_agreed:
        raise PlanError(f"Version {locked.number} is agreed, so it cannot change. Make a new draft from it to edit.")
    check_version(locked, expected_version, field="the plan", chosen=chosen, shown=_shown)
    return locked


def _touch(version: PlanVersion, actor: User) -> None:
    bump(version)
    version.stamp(actor)
    version.save()


def _audit(actor: User, action: str, version: PlanVersion, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"plans.{action}",
        obj=version,
        data={"case": str(version.plan.case_id), "number": version.number, **data},
    )


@transaction.atomic
def plan_create_from_assessment(*, case: Case, actor: User) -> PlanVersion:
    """Start the case's plan: version 1, a draft, with the assessment's obstacles grouped health, work, other."""
    ensure_can_work_case(actor, case)
    Case.objects.select_for_update().filter(pk=case.pk).first()
    assessment = Assessment.objects.filter(case=case).first()
    if assessment is None or assessment.status != Assessment.Status.DONE:
        raise PlanError("Finish the assessment before starting the plan: the plan is built from its obstacles")
    if Plan.objects.filter(case=case).exists():
        raise PlanError("This case already has a plan")
    if not case.is_open:
        raise PlanError("This case is discharged, so it cannot have a new plan")
    plan = Plan(case=case)
    plan.stamp(actor)
    plan.save(force_insert=True)
    version = PlanVersion(plan=plan, number=1)
    version.stamp(actor)
    version.save(force_insert=True)
    position = 0
    for group, choices in OBSTACLE_GROUPS.items():
        labels = dict(choices)
        codes = list(getattr(assessment, f"{group}_obstacles"))
        detail = getattr(assessment, f"{group}_obstacles_text")
        if not codes and detail:
            codes = ["other"]
        for index, code in enumerate(codes):
            Obstacle.objects.create(
                plan_version=version,
                group=group,
                code=code,
                label=labels.get(code, detail[:200] if code == "other" else code),
                detail=detail if index == 0 else "",
                position=position,
            )
            position += 1
    _audit(actor, "plan.created", version, obstacles=position, assessment_version=assessment.version)
    return version


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def version_update(
    *,
    version: PlanVersion,
    actor: User,
    expected_version: int | None,
    period_from: date | None,
    period_to: date | None,
    fitness: str,
    further_help: str = "",
    discussed_how: str = "",
    discussed_on: date | None = None,
) -> PlanVersion:
    """Change a draft's period, fitness statement, further sources of help and when it was discussed."""
    locked = _draft(version, actor, expected_version, chosen="your changes to the plan")
    if fitness and fitness not in Fitness.values:
        raise PlanError("Select whether the person is fit for work or may be fit for work")
    if discussed_how and discussed_how not in DiscussedHow.values:
        raise PlanError("Select how the plan was discussed with the person")
    if period_from and period_to and period_to < period_from:
        raise PlanError("The plan's period must end on or after the day it starts")
    if discussed_on and discussed_on > timezone.localdate():
        raise PlanError("The day it was discussed must be today or in the past")
    values = {
        "period_from": period_from,
        "period_to": period_to,
        "fitness": fitness,
        "further_help": further_help.strip(),
        "discussed_how": discussed_how,
        "discussed_on": discussed_on,
    }
    changes = {
        name: {"from": getattr(locked, name), "to": value}
        for name, value in values.items()
        if getattr(locked, name) != value
    }
    for name, value in values.items():
        setattr(locked, name, value)
    _touch(locked, actor)
    _audit(actor, "plan_version.updated", locked, changes=changes)
    return locked


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def recommendation_add(
    *,
    version: PlanVersion,
    actor: User,
    expected_version: int | None,
    obstacle: Obstacle,
    kind: str,
    text: str,
    adjustment: str = "",
    intervention: Intervention | None = None,
) -> Recommendation:
    """Add a typed recommendation for one of the draft's obstacles (text often starts from a snippet)."""
    locked = _draft(version, actor, expected_version, chosen="a new recommendation")
    if obstacle.plan_version_id != locked.pk:
        raise PlanError("Select an obstacle in this version of the plan")
    if kind not in RecommendationKind.values:
        raise PlanError("Select the kind of recommendation")
    if not text.strip():
        raise PlanError("Enter the recommendation, specific enough for an employer to act on")
    if kind == RecommendationKind.ADJUSTMENT and adjustment not in Adjustment.values:
        raise PlanError("Select which workplace adjustment it is")
    if kind != RecommendationKind.ADJUSTMENT:
        adjustment = ""
    if kind == RecommendationKind.ONWARD_REFERRAL:
        if intervention is None:
            raise PlanError("Select the intervention to refer the person to")
        case = _case(locked)
        if not intervention.is_active or (intervention.site_id is not None and intervention.site_id != case.site_id):
            raise PlanError(f"{intervention.name} is not taking referrals from this case's site")
    else:
        intervention = None
    position = locked.recommendations.count()
    recommendation = Recommendation.objects.create(
        plan_version=locked,
        obstacle=obstacle,
        kind=kind,
        adjustment=adjustment,
        text=text.strip(),
        intervention=intervention,
        position=position,
    )
    _touch(locked, actor)
    _audit(actor, "recommendation.added", locked, kind=kind, adjustment=adjustment, obstacle=obstacle.code)
    return recommendation


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def recommendation_update(
    *, version: PlanVersion, actor: User, expected_version: int | None, recommendation: Recommendation, text: str
) -> Recommendation:
    """Change a draft recommendation's words."""
    locked = _draft(version, actor, expected_version, chosen="new words for a recommendation")
    if recommendation.plan_version_id != locked.pk:
        raise PlanError("That recommendation is not in this version of the plan")
    if not text.strip():
        raise PlanError("Enter the recommendation, specific enough for an employer to act on")
    before = recommendation.text
    recommendation.text = text.strip()
    recommendation.save(update_fields=["text"])
    _touch(locked, actor)
    _audit(actor, "recommendation.updated", locked, changes={"text": {"from": before, "to": recommendation.text}})
    return recommendation


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def recommendation_remove(
    *, version: PlanVersion, actor: User, expected_version: int | None, recommendation: Recommendation
) -> None:
    """Take a recommendation out of a draft."""
    locked = _draft(version, actor, expected_version, chosen="to remove a recommendation")
    if recommendation.plan_version_id != locked.pk:
        raise PlanError("That recommendation is not in this version of the plan")
    kind, text = recommendation.kind, recommendation.text
    recommendation.delete()
    _touch(locked, actor)
    _audit(actor, "recommendation.removed", locked, kind=kind, text=text)


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def timetable_add(
    *, version: PlanVersion, actor: User, expected_version: int | None, what: str, starts_on: date, ends_on: date | None
) -> TimetableEntry:
    """Add an entry to a draft's timetable: what happens, from when, until when."""
    locked = _draft(version, actor, expected_version, chosen="a new timetable entry")
    if not what.strip():
        raise PlanError("Enter what happens")
    if ends_on is not None and ends_on < starts_on:
        raise PlanError("The entry must end on or after the day it starts")
    entry = TimetableEntry.objects.create(
        plan_version=locked, what=what.strip(), starts_on=starts_on, ends_on=ends_on, position=locked.timetable.count()
    )
    _touch(locked, actor)
    _audit(actor, "timetable.added", locked, what=entry.what, starts_on=starts_on, ends_on=ends_on)
    return entry


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def timetable_remove(*, version: PlanVersion, actor: User, expected_version: int | None, entry: TimetableEntry) -> None:
    locked = _draft(version, actor, expected_version, chosen="to remove a timetable entry")
    if entry.plan_version_id != locked.pk:
        raise PlanError("That entry is not in this version of the plan")
    what = entry.what
    entry.delete()
    _touch(locked, actor)
    _audit(actor, "timetable.removed", locked, what=what)


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def phased_week_set(
    *,
    version: PlanVersion,
    actor: User,
    expected_version: int | None,
    week: int,
    hours: Decimal | None,
    days: int | None,
    note: str = "",
) -> PhasedWeek:
    """Set one week of a phased return: the hours, or the days, to work (replacing what that week had)."""
    locked = _draft(version, actor, expected_version, chosen=f"week {week} of the phased return")
    if week < 1 or week > 52:
        raise PlanError("The week must be between 1 and 52")
    if hours is None and days is None:
        raise PlanError("Enter the hours or the days to work that week")
    if hours is not None and not (Decimal(0) < hours <= Decimal(80)):
        raise PlanError("The hours must be more than 0 and at most 80")
    if days is not None and not (1 <= days <= 7):
        raise PlanError("The days must be between 1 and 7")
    row, _ = PhasedWeek.objects.update_or_create(
        plan_version=locked, week=week, defaults={"hours": hours, "days": days, "note": note.strip()}
    )
    _touch(locked, actor)
    _audit(actor, "phased_week.set", locked, week=week, hours=hours, days=days)
    return row


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def phased_week_remove(*, version: PlanVersion, actor: User, expected_version: int | None, week: int) -> None:
    locked = _draft(version, actor, expected_version, chosen=f"to remove week {week}")
    PhasedWeek.objects.filter(plan_version=locked, week=week).delete()
    _touch(locked, actor)
    _audit(actor, "phased_week.removed", locked, week=week)


def _agree_refusal(version: PlanVersion) -> str:
    if not version.discussed_how or version.discussed_on is None:
        return "Record how and when the plan was discussed with the person before agreeing it"
    if version.period_from is None or version.period_to is None:
        return "Enter the period the plan covers before agreeing it"
    if not version.fitness:
        return "Select whether the person is fit for work or may be fit for work before agreeing it"
    if not version.recommendations.exists():
        return "Add at least one recommendation before agreeing the plan"
    return ""


def _first_agreed_moves_case(*, case: Case, actor: User, number: int) -> None:
    """The first agreed version moves the case to "plan agreed" (through "assessed" if it was not yet) and
    books a review of the plan after the service model's review interval."""
    reason = f"Return-to-work plan version {number} agreed"
    if case.status == CaseStatus.CONTACTED:
        case = case_services.case_transition(case=case, to=CaseStatus.ASSESSED, actor=actor, reason=reason)
    if case.status == CaseStatus.ASSESSED:
        case = case_services.case_transition(case=case, to=CaseStatus.PLAN_AGREED, actor=actor, reason=reason)
    due = schedule.review_due(since=timezone.localdate(), config=rules_config(case.rules), nation=case.site.nation)
    case_services.task_raise(
        case=case,
        actor=actor,
        kind=Task.Kind.REVIEW,
        title=PLAN_REVIEW_TITLE,
        due_on=due,
        assigned_to=case.case_manager,
    )


@refusals_audited(STALE_EDIT_REFUSED)
@transaction.atomic
def version_agree(*, version: PlanVersion, actor: User, expected_version: int | None) -> PlanVersion:
    """Agree a draft with the person. Refused until it is recorded as discussed with them (how and when). Its
    onward referrals are made now, through the interventions service; from now on it never changes."""
    locked = _draft(version, actor, expected_version, chosen="to agree the plan")
    case = _case(locked)
    if not case.is_open:
        raise PlanError("This case is discharged, so its plan cannot be agreed")
    if case.status == CaseStatus.REFERRED:
        raise PlanError("Record the first contact with the person before agreeing a plan")
    refusal = _agree_refusal(locked)
    if refusal:
        raise PlanError(refusal)
    first = not PlanVersion.objects.filter(plan=locked.plan, status=PlanVersion.Status.AGREED).exists()
    referred = []
    for recommendation in locked.recommendations.filter(kind=RecommendationKind.ONWARD_REFERRAL, onward_referral=None):
        assert recommendation.intervention is not None  # noqa: S101  # the database constraint holds it
        onward = intervention_services.onward_referral_request(
            case=case, intervention=recommendation.intervention, actor=actor, note=recommendation.text
        )
        recommendation.onward_referral = onward
        recommendation.save(update_fields=["onward_referral"])
        referred.append(str(onward.pk))
    locked.status = PlanVersion.Status.AGREED
    locked.agreed_by, locked.agreed_at = actor, timezone.now()
    _touch(locked, actor)
    _audit(
        actor,
        "plan_version.agreed",
        locked,
        discussed_how=locked.discussed_how,
        discussed_on=locked.discussed_on,
        onward_referrals=referred,
    )
    if first:
        _first_agreed_moves_case(case=case, actor=actor, number=locked.number)
    plan_letter_send(version=locked, actor=actor)  # to the GP practice: the plan only with consent to share it
    return locked


@transaction.atomic
def version_new_draft(*, version: PlanVersion, actor: User) -> PlanVersion:
    """Edit an agreed version: a new draft, numbered next, copied from it (the agreed one stays as it was)."""
    ensure_can_work_case(actor, _case(version))
    Plan.objects.select_for_update().filter(pk=version.plan_id).first()
    source = PlanVersion.objects.get(pk=version.pk)
    if not source.is_agreed:
        raise PlanError(f"Version {source.number} is still a draft: edit it instead")
    draft = PlanVersion.objects.filter(plan_id=source.plan_id, status=PlanVersion.Status.DRAFT).first()
    if draft is not None:
        raise PlanError(f"Version {draft.number} is already a draft of this plan: edit that one")
    number = (
        PlanVersion.objects.filter(plan_id=source.plan_id).order_by("-number").values_list("number", flat=True).first()
        or 0
    ) + 1
    copy = PlanVersion(
        plan_id=source.plan_id,
        number=number,
        based_on_number=source.number,
        period_from=source.period_from,
        period_to=source.period_to,
        fitness=source.fitness,
        further_help=source.further_help,
    )
    copy.stamp(actor)
    copy.save(force_insert=True)
    obstacles = {}
    for obstacle in source.obstacles.all():
        obstacles[obstacle.pk] = Obstacle.objects.create(
            plan_version=copy,
            group=obstacle.group,
            code=obstacle.code,
            label=obstacle.label,
            detail=obstacle.detail,
            position=obstacle.position,
        )
    Recommendation.objects.bulk_create(
        Recommendation(
            plan_version=copy,
            obstacle=obstacles[r.obstacle_id],
            kind=r.kind,
            adjustment=r.adjustment,
            text=r.text,
            intervention_id=r.intervention_id,
            onward_referral_id=r.onward_referral_id,
            position=r.position,
        )
        for r in source.recommendations.all()
    )
    TimetableEntry.objects.bulk_create(
        TimetableEntry(plan_version=copy, what=t.what, starts_on=t.starts_on, ends_on=t.ends_on, position=t.position)
        for t in source.timetable.all()
    )
    PhasedWeek.objects.bulk_create(
        PhasedWeek(plan_version=copy, week=w.week, hours=w.hours, days=w.days, note=w.note)
        for w in source.phased_weeks.all()
    )
    copy.plan = source.plan
    _audit(actor, "plan_version.drafted", copy, based_on=source.number)
    return copy
