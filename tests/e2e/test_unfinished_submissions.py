"""An administrator finds a referral that did not go through, reads what was sent and tries it again.
axe checks the list and the detail."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.referrals.models import Submission
from fitforwork.referrals.tasks import referral_make_later
from tests.e2e.test_referral_journeys import menu_link
from tests.e2e.test_team_lead import staff_sign_in


def test_an_administrator_reads_a_failed_submission_and_tries_it_again(browsing, demo_service):
    page = browsing.page
    failed = Submission.objects.create(
        channel="fhir",
        payload={"resourceType": "ServiceRequest", "note": [{"text": "<b>Off work</b> since March"}]},
        outcome=Submission.Outcome.FAILED,
        errors=[{"field": "", "message": "OperationalError: the database was restarting"}],
        attempts=2,
    )
    referral_make_later.enqueue(str(failed.pk), {"read": "as the channel read it"})  # its automatic retry

    # Given an administrator at the administration pages
    staff_sign_in(browsing, Role.ADMINISTRATOR)
    menu_link(browsing, "Administration")

    # When they open the referrals that did not go through
    page.get_by_role("link", name="Referrals that did not go through").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals that did not go through")
    browsing.check_accessibility()
    row = page.get_by_role("row").filter(has_text="the database was restarting")
    expect(row).to_contain_text("FHIR API")
    expect(row).to_contain_text("2")
    expect(page.get_by_text("Off work")).to_have_count(0)  # the list shows nothing that was sent
    browsing.screenshot("administration-submissions")

    # Then the detail shows what was sent, as text, and the opening is audited
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("FHIR API submission received")
    browsing.check_accessibility()
    expect(page.get_by_label("What was sent")).to_contain_text('"text": "<b>Off work</b> since March"')
    assert AuditEvent.objects.filter(action="referrals.submission.viewed", object_id=str(failed.pk)).exists()
    browsing.screenshot("administration-submission")

    # And Try again now asks the worker to try it at once
    page.get_by_role("button", name="Try again now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals that did not go through")
    expect(page.get_by_text("We will try it again in a moment")).to_be_visible()
    browsing.check_accessibility()
    assert AuditEvent.objects.filter(action="referrals.submission_retried", object_id=str(failed.pk)).exists()
