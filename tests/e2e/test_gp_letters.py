"""A GP practice reads the letter we wrote when its patient's referral was accepted, and downloads its PDF."""

import io
from datetime import date, timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from fitforwork.accounts.models import Role, User
from fitforwork.cases.letters import letter_make_later
from fitforwork.cases.models import Letter
from fitforwork.demo.accounts import DEMO_USERS
from fitforwork.organisations.models import Site
from fitforwork.referrals.intake import ReferralInput, referral_receive
from fitforwork.referrals.services import referral_accept
from tests.e2e.test_referral_journeys import menu_link, sign_in, sign_out

GP = next(user for user in DEMO_USERS if user.role == Role.GP)


def an_accepted_referral_from_the_demo_practice():
    """The demo GP's practice refers Siân; the site's team lead accepts it, which writes the practice a letter."""
    practice = User.objects.get(email=GP.email).organisation
    practice.email = "letters@practice.example.nhs.uk"
    practice.save()
    site = Site.objects.filter(gp_practices=practice).first()
    data = ReferralInput(
        source="gp",
        given_name="Siân",
        family_name="Llŷr",
        date_of_birth=date(1979, 3, 1),
        postcode=f"{site.postcode_districts[0]} 1AA",
        reason="Low back pain; off work from a warehouse job for three weeks.",
        condition_category="musculoskeletal",
        employment_status="employed_off_sick",
        absence_start=date.today() - timedelta(weeks=3),
        consent_given=True,
        gp_practice=practice,
        referrer_organisation=practice,
        referrer_email="gp@example.nhs.uk",
    )
    referral = referral_receive(channel="gp_form", payload={}, parse=lambda _: data)
    lead = User.objects.filter(role=Role.TEAM_LEAD, site=site).first()
    referral_accept(referral=referral, actor=lead)
    for letter in Letter.objects.filter(case__referral=referral):  # as the worker does after the request
        letter_make_later.call(str(letter.pk))
    return referral


def test_the_gp_practice_reads_and_downloads_the_letter(browsing, demo_service):
    page = browsing.page
    referral = an_accepted_referral_from_the_demo_practice()
    letter = Letter.objects.get(case__referral=referral)

    # Given the GP signs in and opens the accepted referral
    sign_in(browsing, Role.GP)
    menu_link(browsing, "Your referrals")
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Siân Llŷr")
    browsing.check_accessibility()

    # Then they see the letter we wrote, waiting to be emailed to the practice
    letters = page.get_by_role("heading", name="Letters from us")
    expect(letters).to_be_visible()
    expect(page.locator("[data-letters]")).to_contain_text("Your patient has started with the service")
    expect(page.locator("[data-letters]")).to_contain_text("Waiting to send")
    browsing.screenshot("gp-letters-on-referral")

    # And can read it as a page
    page.get_by_role("link", name="Your patient has started with the service", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your patient has started with the service")
    expect(page.get_by_role("definition").filter(has_text=referral.reference)).to_have_count(1)
    browsing.check_accessibility()
    browsing.screenshot("gp-letter-page")

    # And download the same letter as a PDF
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the letter as a PDF").click()
    download = download_info.value
    pdf = download.path().read_bytes()
    assert pdf == bytes(letter.pdf)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Siân Llŷr" in text
    assert referral.reference in text
    sign_out(browsing)
