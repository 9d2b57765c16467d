"""A GP's referral form is sent twice with one key (two tabs of one form, say), the second with a corrected
name: the first referral is shown, with the change not applied and how to send it."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.referrals.models import Referral
from tests.e2e.test_referral_journeys import refer, sign_in


def test_a_gp_who_resends_the_form_with_a_corrected_name_is_told_the_correction_was_not_applied(browsing, demo_service):
    page = browsing.page
    # Given a GP whose referral, with a typing mistake in the name, was sent from a copy of the form
    sign_in(browsing, Role.GP)
    first_key = "a-key-from-the-first-copy-of-the-form"
    reference = refer(browsing, given_name="Gemmma", family_name="Resendton", key=first_key)

    # When the same form, its name corrected, is sent again
    reference_again = refer(browsing, given_name="Gemma", family_name="Resendton", key=first_key, sent=False)

    # Then they see the first referral, told plainly that the change was not made and whom to tell
    callout = page.locator(".nhsuk-warning-callout")
    expect(callout).to_contain_text("Your changes were not applied")
    expect(callout).to_contain_text(reference)
    expect(callout.get_by_role("row", name="First name Gemmma Gemma")).to_be_visible()
    browsing.check_accessibility()
    assert reference_again is None
    assert Referral.objects.get(reference=reference).person.given_name == "Gemmma"
    assert Referral.objects.filter(person__family_name="Resendton").count() == 1
