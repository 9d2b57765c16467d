"""Agreeing a plan version writes the GP practice's letter: the plan's summary only when the person's consent
to share that version with that practice is on the ledger, less the parts they asked to be removed."""

import json
from datetime import date

import pytest

from fitforwork.cases.letters import practice_for
from fitforwork.cases.models import Letter
from fitforwork.consent.services import consent_give
from fitforwork.plans import services
from tests.plans.conftest import ready

pytestmark = pytest.mark.django_db

ADVICE = "Start at 10am for four weeks to avoid the rush-hour drive"


def _agree(version, actor):
    return services.version_agree(version=version, actor=actor, expected_version=version.version)


def _letter_text(case):
    letter = Letter.objects.filter(case=case, kind=Letter.Kind.PLAN_AGREED).get()
    return json.dumps(letter.content)


def test_without_consent_to_share_the_letter_says_a_plan_was_agreed_and_no_more(draft, manager):
    version = _agree(ready(draft, manager), manager)
    text = _letter_text(version.plan.case)
    assert "has not agreed to share the plan's details with you" in text
    assert ADVICE not in text


def test_with_consent_to_share_this_version_the_letter_carries_its_summary_less_what_was_removed(draft, manager):
    version = ready(draft, manager)
    case = version.plan.case
    practice = practice_for(case)
    assert practice is not None
    consent_give(
        person=case.person, purpose="share_plan", how="verbal", recipient=practice, plan_version_id=version.pk,
        actor=manager,
    )  # fmt: skip
    _agree(version, manager)
    text = _letter_text(case)
    assert ADVICE in text
    assert "may be fit for work" in text.lower()

    # The next version needs its own consent; and a consent without the health part leaves it out.
    second = services.version_new_draft(version=version, actor=manager)
    consent_give(
        person=case.person, purpose="share_plan", how="verbal", recipient=practice, plan_version_id=second.pk,
        removed_sections=["health"], actor=manager,
    )  # fmt: skip
    second.refresh_from_db()
    second = services.version_update(
        version=second, actor=manager, expected_version=second.version, period_from=version.period_from,
        period_to=version.period_to, fitness="may_be_fit", further_help="", discussed_how="telephone",
        discussed_on=date.today(),
    )  # fmt: skip
    _agree(second, manager)
    latest = Letter.objects.filter(case=case, kind=Letter.Kind.PLAN_AGREED).order_by("-created_at", "-pk").first()
    content = json.dumps(latest.content)
    assert ADVICE not in content  # the pain obstacle's advice is a health obstacle's
    assert "asked for some parts of the plan to be left out" in content
