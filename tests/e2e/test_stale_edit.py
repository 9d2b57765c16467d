"""Two people have the same case open: the team lead's page was loaded before the case manager set the risk
high, so the team lead's low is refused with both values shown, and high stays. axe checks every page."""

from playwright.sync_api import expect

from fitforwork.accounts.models import Role
from fitforwork.cases.models import Case
from fitforwork.demo.areas import MAIN_SITE
from tests.e2e.conftest import Browsing
from tests.e2e.test_referral_journeys import DEMO
from tests.e2e.test_team_lead import staff_sign_in


def test_a_risk_set_from_a_page_loaded_earlier_is_refused_with_both_values(
    browser, browsing, live_server, demo_service
):
    case = (
        Case.objects.filter(site__name=MAIN_SITE.name, case_manager__email=DEMO[Role.CASE_MANAGER].email)
        .exclude(status="discharged")
        .order_by("opened_at", "id")
        .first()
    )
    assert case is not None
    Case.objects.filter(pk=case.pk).update(risk="medium")
    path = f"/cases/{case.pk}/"
    lead_context = browser.new_context(base_url=live_server.url)
    lead = Browsing(lead_context.new_page(), live_server.url)
    try:
        # Given the team lead opens the case first
        staff_sign_in(lead, Role.TEAM_LEAD)
        lead.goto(path)
        expect(lead.page.get_by_label("Medium")).to_be_checked()

        # And the case manager then opens it and sets the risk high
        staff_sign_in(browsing, Role.CASE_MANAGER)
        browsing.goto(path)
        browsing.page.get_by_label("High").check()
        browsing.page.get_by_role("button", name="Save risk").click()
        expect(browsing.page.get_by_role("alert", name="Success")).to_contain_text("Risk set to high")
        browsing.check_accessibility()

        # When the team lead, from the page they loaded earlier, sets it low
        lead.page.get_by_label("Low").check()
        lead.page.get_by_role("button", name="Save risk").click()

        # Then they are told someone else changed it, with both values, and see the risk as it is now
        summary = lead.page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_contain_text("Someone else changed the risk while you had this page open: it is now High")
        expect(summary).to_contain_text("You chose Low. Check and choose again.")
        expect(lead.page.get_by_label("High")).to_be_checked()
        lead.check_accessibility()
        lead.screenshot("case-record-stale-edit")
        assert Case.objects.get(pk=case.pk).risk == "high"

        # And choosing again from the page as it is now saves
        lead.page.get_by_label("Low").check()
        lead.page.get_by_role("button", name="Save risk").click()
        expect(lead.page.get_by_role("alert", name="Success")).to_contain_text("Risk set to low")
        lead.check_accessibility()
        assert Case.objects.get(pk=case.pk).risk == "low"
    finally:
        lead_context.close()
