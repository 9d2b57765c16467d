"""The demo's plans, fit notes, consents, employer actions and GP letters (issues 15 and 16)."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Count

from fitforwork.cases.letters import letter_make_now
from fitforwork.cases.models import Case, Letter
from fitforwork.consent.models import Consent
from fitforwork.consent.selectors import consent_allows
from fitforwork.employers.models import EmployerResponse, RecommendationAnswer
from fitforwork.plans.models import FitNote, Obstacle, Plan, PlanVersion, Recommendation
from fitforwork.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_plans_only_for_cases_that_reached_plan_agreed_each_with_an_agreed_first_version(loaded_demo):
    planned = Case.objects.filter(furthest_stage__in=["plan_agreed", "active_support"])
    assert planned.exists()
    assert Plan.objects.count() == planned.count()
    assert not Plan.objects.exclude(case__in=planned).exists()
    firsts = PlanVersion.objects.filter(number=1)
    assert firsts.count() == Plan.objects.count()
    assert set(firsts.values_list("status", flat=True)) == {"agreed"}
    seconds = PlanVersion.objects.filter(number=2)
    assert seconds.exists()
    assert set(seconds.values_list("based_on_number", flat=True)) == {1}
    # Every version has a work obstacle with its workplace adjustment.
    for version in PlanVersion.objects.annotate(n=Count("recommendations"))[:100]:
        assert version.n >= 1
        assert version.obstacles.filter(group="work").exists()
    assert not PlanVersion.objects.filter(status="draft", plan__case__status="discharged").exists()


def test_an_agreed_demo_version_and_its_rows_cannot_be_changed_through_sql(loaded_demo):
    version = PlanVersion.objects.filter(status="agreed").first()
    obstacle = Obstacle.objects.filter(plan_version=version).first()
    assert version is not None
    assert obstacle is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE plans_planversion SET fitness = 'fit' WHERE id = %s", [version.pk.hex])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE plans_obstacle SET label = 'changed' WHERE id = %s", [obstacle.pk])


def test_some_cases_have_a_fit_note_they_brought(loaded_demo):
    notes = FitNote.objects.all()
    assert notes.exists()
    assert set(notes.values_list("source", flat=True)) == {"received"}
    assert not notes.exclude(case__plan__isnull=False).exists()


def test_the_ledger_holds_employer_referrals_consent_and_plan_shares_some_withdrawn(loaded_demo):
    # The employer's written consent with every employer referral (the live intake adds the rest's for the
    # referrals it makes after the bulk rows).
    employer_referrals = Referral.objects.filter(source="employer")
    assert employer_referrals.exists()
    assert not employer_referrals.exclude(consents__purpose="referral", consents__how="written").exists()
    assert Referral.objects.exclude(source="employer").filter(consents__isnull=True).exists()
    shares = Consent.objects.filter(purpose="share_plan")
    assert shares.filter(action="given").exists()
    withdrawn = shares.filter(action="withdrawn").first()
    assert withdrawn is not None
    assert withdrawn.plan_version_id is not None
    assert withdrawn.recipient_id is not None
    assert not consent_allows(
        person=withdrawn.person,
        purpose="share_plan",
        recipient=withdrawn.recipient,
        plan_version_id=withdrawn.plan_version_id,
    )


def test_employer_actions_only_on_standing_consents_and_only_on_recommendations_they_may_see(loaded_demo):
    responses = EmployerResponse.objects.select_related("case__person", "organisation")
    assert responses.exists()
    assert set(RecommendationAnswer.objects.values_list("implemented", flat=True)) == {"yes", "partly", "no"}
    for response in responses[:60]:
        assert response.acknowledged_at is not None
        share = Consent.objects.filter(
            person=response.case.person, purpose="share_plan", recipient=response.organisation,
            plan_version_id=response.plan_version_id,
        ).order_by("-recorded_at").first()  # fmt: skip
        assert share is not None
        assert share.action == "given"
        removed = set(share.removed_sections)
        for answer in response.answers.all():
            recommendation = Recommendation.objects.select_related("obstacle").get(pk=answer.recommendation_id)
            assert recommendation.plan_version_id == response.plan_version_id
            assert recommendation.obstacle.group not in removed


def test_recent_plan_letters_are_pending_without_a_pdf_and_a_download_makes_it(loaded_demo):
    letters = Letter.objects.filter(kind="plan_agreed")
    assert letters.exists()
    assert set(letters.values_list("status", flat=True)) == {"pending"}
    letter = letters.select_related("case__person", "case__referral").first()
    assert letter is not None
    assert letter.pdf is None
    assert letter.practice_id == letter.case.person.gp_practice_id
    person = letter.case.person
    assert letter.title.endswith(f"{person.given_name} {person.family_name}")
    text = str(letter.content)
    assert letter.case.referral.reference in text
    assert "QQ" not in text
    made = letter_make_now(letter)
    assert made.status == "made"
    assert bytes(made.pdf).startswith(b"%PDF")
