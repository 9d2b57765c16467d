"""Writing the biopsychosocial assessment and the pathway decision (issue 14, ADR 0023).

Each service is one transaction, checks that the actor may work the case, and records an audit event.
Every edit of an assessment carries the version it was made from (0 when there was none yet): a stale one is
refused by core.versions' `check_version` as `StaleAssessment` (a StaleEdit, with both values of each field
that differs) and the refusal audited, as a stale edit of a case is; the values an edit replaces are kept in a
revision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.assessments.models import Assessment, AssessmentRevision, PathwayDecision
from fitforwork.assessments.models.assessment import OBSTACLE_GROUPS
from fitforwork.assessments.pathways import pathway_propose
from fitforwork.cases.models import Case
from fitforwork.cases.rules import ensure_can_work_case
from fitforwork.consent.models import How, Purpose
from fitforwork.consent.selectors import consent_current
from fitforwork.consent.services import consent_give, consent_withdraw
from fitforwork.core.audit.services import audit_record
from fitforwork.core.versions import StaleEdit, bump, check_version, refusals_audited
from fitforwork.organisations.selectors import rules_config
from fitforwork.people import services as people_services
from fitforwork.people.models import Employment

EMPLOYMENT_FIELDS = ("status", "job_title", "hours_per_week", "absence_start")
FIELD_LABELS = {
    "status": "Whether the assessment is done",
    "main_condition": "Main condition",
    "snomed_code": "SNOMED CT code",
    "health_obstacles": "Health obstacles",
    "health_obstacles_text": "More about health obstacles",
    "work_obstacles": "Work obstacles",
    "work_obstacles_text": "More about work obstacles",
    "other_obstacles": "Other obstacles",
    "other_obstacles_text": "More about other obstacles",
    "fit_note_status": "Fit note",
    "goals": "Their goals",
    "consent_given": "Consent to the assessment",
}


class AssessmentError(ValueError):
    """An assessment or pathway decision refused, with a message to show."""


class StaleAssessment(StaleEdit):
    """The assessment changed since the editor loaded it: core.versions' StaleEdit (raised by `check_version`,
    audited by `refusals_audited`, as a stale edit of a case is) with every field that differs.
    `differences`: (label, theirs now, yours); `current`: the version now stored, for the page's hidden field."""

    def __init__(self, edit: StaleEdit, differences: list[tuple[str, str, str]]) -> None:
        self.differences = differences
        super().__init__(
            row=edit.row,
            field=edit.field,
            chosen=edit.chosen,
            current=edit.current,
            changed_by=edit.changed_by,
            changed_at=edit.changed_at,
            expected=edit.expected,
            version=edit.version,
        )

    @property
    def current_version(self) -> int:
        return self.version

    def message(self) -> str:
        who = f" by {self.changed_by}" if self.changed_by else ""
        return (
            f"Someone else saved this assessment{who} while you were editing it: you started from version "
            f"{self.expected}, it is now version {self.version}. Check both values below, then make your changes "
            "again."
        )


def _values(assessment: Assessment) -> dict[str, Any]:
    return {name: getattr(assessment, name) for name in Assessment.EDITABLE}


def _shown(assessment: Assessment, name: str, value: Any) -> str:
    if name in {"health_obstacles", "work_obstacles", "other_obstacles"}:
        labels = dict(OBSTACLE_GROUPS[name.removesuffix("_obstacles")])
        return ", ".join(labels.get(code, code) for code in value) or "None"
    if name == "consent_given":
        return "Given" if value else "Not recorded"
    choices = getattr(Assessment._meta.get_field(name), "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    return str(value) or "Not given"


def _update_employment(*, actor: User, case: Case, employment: Mapping[str, Any]) -> list[str]:
    """The person's current employment, changed through the people app's services; the fields changed."""
    wanted = {name: employment[name] for name in EMPLOYMENT_FIELDS if name in employment}
    current = Employment.objects.filter(person=case.person, is_current=True).first()
    if current is None:
        if not any(value not in (None, "") for value in wanted.values()):
            return []
        people_services.employment_add(actor=actor, person=case.person, **wanted)
        return sorted(wanted)
    changed = {name: value for name, value in wanted.items() if getattr(current, name) != value}
    if changed:
        people_services.employment_update(actor=actor, employment=current, **changed)
    return sorted(changed)


@refusals_audited("assessments.assessment.stale_edit_refused")
@transaction.atomic
def assessment_save(
    *,
    case: Case,
    actor: User,
    expected_version: int,
    main_condition: str,
    fit_note_status: str,
    snomed_code: str = "",
    health_obstacles: Sequence[str] = (),
    health_obstacles_text: str = "",
    work_obstacles: Sequence[str] = (),
    work_obstacles_text: str = "",
    other_obstacles: Sequence[str] = (),
    other_obstacles_text: str = "",
    goals: str = "",
    consent_given: bool = False,
    done: bool = False,
    employment: Mapping[str, Any] | None = None,
) -> Assessment:
    """Record or change the case's assessment. `expected_version` is the version the edit started from (0:
    there was none yet); `employment` (status, job_title, hours_per_week, absence_start) updates the
    person's current employment."""
    ensure_can_work_case(actor, case)
    Case.objects.select_for_update().filter(pk=case.pk).first()
    assessment = Assessment.objects.select_for_update().filter(case=case).first()
    new = {
        "status": Assessment.Status.DONE if done else Assessment.Status.DRAFT,
        "main_condition": main_condition,
        "snomed_code": snomed_code.strip(),
        "health_obstacles": list(health_obstacles),
        "health_obstacles_text": health_obstacles_text.strip(),
        "work_obstacles": list(work_obstacles),
        "work_obstacles_text": work_obstacles_text.strip(),
        "other_obstacles": list(other_obstacles),
        "other_obstacles_text": other_obstacles_text.strip(),
        "fit_note_status": fit_note_status,
        "goals": goals.strip(),
        "consent_given": consent_given,
    }
    if assessment is None:
        if expected_version != 0:
            raise AssessmentError("This page is out of date. Go back to the case and try again")
    else:
        try:
            check_version(
                assessment,
                expected_version,
                field="this assessment",
                chosen="your changes",
                shown=lambda row: f"version {row.version}",
            )
        except StaleEdit as edit:
            differences = [
                (FIELD_LABELS[name], _shown(assessment, name, now), _shown(assessment, name, new[name]))
                for name, now in _values(assessment).items()
                if now != new[name]
            ]
            raise StaleAssessment(edit, differences) from None
    if done and not consent_given:
        raise AssessmentError("Record the person's consent to the assessment before saying it is done")
    now = timezone.now()
    before: dict[str, Any] = {}
    if assessment is None:
        assessment = Assessment(case=case, version=1, assessed_by=actor, assessed_at=now, **new)
    else:
        before = _values(assessment)
        AssessmentRevision.objects.create(
            assessment=assessment, version=assessment.version, values=before, replaced_by=actor, replaced_at=now
        )
        for name, value in new.items():
            setattr(assessment, name, value)
        bump(assessment)
        assessment.assessed_by, assessment.assessed_at = actor, now
    if consent_given and not before.get("consent_given"):
        assessment.consent_recorded_by, assessment.consent_recorded_at = actor, now
    elif not consent_given:
        assessment.consent_recorded_by, assessment.consent_recorded_at = None, None
    assessment.stamp(actor)
    assessment.full_clean(exclude=["case"])
    assessment.save()
    _ledger(case=case, actor=actor, given=consent_given, was_given=bool(before.get("consent_given")))
    employment_changed = _update_employment(actor=actor, case=case, employment=employment or {})
    changes = {
        name: {"from": before.get(name), "to": value} for name, value in new.items() if before.get(name) != value
    }
    audit_record(
        actor=actor,
        action="assessments.assessment_saved",
        obj=assessment,
        data={
            "case": str(case.pk),
            "version": assessment.version,
            "changes": changes,
            "employment": employment_changed,
        },
    )
    return assessment


def _ledger(*, case: Case, actor: User, given: bool, was_given: bool) -> None:
    """The consent ledger follows the assessment's consent box: ticked puts a consent on it, unticked after
    that withdraws it (a new row; the ledger keeps both)."""
    if given and not was_given:
        consent_give(person=case.person, purpose=Purpose.ASSESSMENT, how=How.VERBAL, actor=actor)
    elif was_given and not given:
        current = consent_current(person=case.person, purpose=Purpose.ASSESSMENT)
        if current is not None and current.action == current.Action.GIVEN:
            consent_withdraw(consent=current, how=How.VERBAL, actor=actor)


@transaction.atomic
def pathway_decide(
    *,
    case: Case,
    actor: User,
    confirm: bool,
    scores: Mapping[str, Decimal | int | None],
    chosen: str | None = None,
    override_reason: str = "",
) -> PathwayDecision:
    """Confirm the proposed pathway, or override it with another and a reason; the decision keeps the
    proposal, its reasons, the scores and the rules version it came from."""
    ensure_can_work_case(actor, case)
    Case.objects.select_for_update().filter(pk=case.pk).first()
    assessment = Assessment.objects.filter(case=case).first()
    if assessment is None or assessment.status != Assessment.Status.DONE:
        raise AssessmentError("Finish the assessment, with consent recorded, before deciding the pathway")
    config = rules_config(case.rules)
    proposal = pathway_propose(config, scores)
    codes = {pathway.code for pathway in config.pathway_allocation.pathways}
    override_reason = override_reason.strip()
    if confirm:
        chosen, outcome, override_reason = proposal.pathway, PathwayDecision.Outcome.CONFIRMED, ""
    else:
        if not chosen or chosen not in codes:
            raise AssessmentError("Select the pathway you are choosing instead")
        if chosen == proposal.pathway:
            raise AssessmentError("To choose the proposed pathway, confirm it rather than overriding it")
        if not override_reason:
            raise AssessmentError("Say why you are choosing a different pathway from the one proposed")
        outcome = PathwayDecision.Outcome.OVERRIDDEN
    decision = PathwayDecision.objects.create(
        case=case,
        proposed_pathway=proposal.pathway,
        reasons=list(proposal.reasons),
        scores={code: (str(score) if score is not None else None) for code, score in scores.items()},
        rules=case.rules,
        outcome=outcome,
        chosen_pathway=chosen,
        override_reason=override_reason,
        decided_by=actor,
    )
    audit_record(
        actor=actor,
        action=f"assessments.pathway_{outcome}",
        obj=decision,
        reason=override_reason,
        data={"case": str(case.pk), "proposed": proposal.pathway, "chosen": chosen, "rules": str(case.rules_id)},
    )
    return decision
