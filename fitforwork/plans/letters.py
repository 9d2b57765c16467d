"""The GP practice's letter when a plan version is agreed (issue 15): the plan's summary only when the
person's consent to share that version with that practice is on the ledger (ADR 0026), less the parts they
asked to be removed; otherwise a letter saying a plan was agreed and no more."""

from __future__ import annotations

from fitforwork.accounts.models import User
from fitforwork.cases.letters import letter_plan_agreed, practice_for
from fitforwork.cases.models import Letter
from fitforwork.consent.models import Purpose
from fitforwork.consent.selectors import consent_allows
from fitforwork.plans.documents import plan_summary_text
from fitforwork.plans.models import PlanVersion


def plan_letter_send(*, version: PlanVersion, actor: User) -> Letter:
    case = version.plan.case
    practice = practice_for(case)
    answer = consent_allows(
        person=case.person, purpose=Purpose.SHARE_PLAN, recipient=practice, plan_version_id=version.pk
    )
    if practice is None or not answer.allowed:
        return letter_plan_agreed(case, None, actor=actor, shared_with_consent=False)
    summary = plan_summary_text(version, removed=answer.removed_sections)
    return letter_plan_agreed(case, summary, actor=actor, shared_with_consent=True)
