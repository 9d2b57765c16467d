"""What each role sees in the header, and where each lands after signing in."""

from __future__ import annotations

from dataclasses import dataclass

from fitforwork.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    text: str
    url_name: str


HOME_URL_NAMES: dict[str, str] = {role.value: f"accounts:home-{role.value.replace('_', '-')}" for role in Role}

REFERRER_ITEMS = [NavItem("Refer someone", "referrals:new"), NavItem("Your referrals", "referrals:list")]
TRIAGE_ITEM = NavItem("Referrals to triage", "referrals:triage")
CASELOAD_ITEMS = [NavItem("Your caseload", "cases:caseload"), NavItem("Your tasks", "cases:my-tasks")]

NAVIGATION: dict[str, list[NavItem]] = {
    Role.GP: [NavItem("Home", HOME_URL_NAMES[Role.GP]), *REFERRER_ITEMS],
    Role.EMPLOYER: [
        NavItem("Home", HOME_URL_NAMES[Role.EMPLOYER]),
        *REFERRER_ITEMS,
        NavItem("Employees' plans", "employers:employees"),
    ],
    Role.JOBCENTRE: [NavItem("Home", HOME_URL_NAMES[Role.JOBCENTRE]), *REFERRER_ITEMS],
    Role.COMMUNITY: [NavItem("Home", HOME_URL_NAMES[Role.COMMUNITY]), *REFERRER_ITEMS],
    Role.ADVICE_ADVISER: [
        NavItem("Home", HOME_URL_NAMES[Role.ADVICE_ADVISER]),
        NavItem("Log a contact", "advice_line:contact-new"),
        NavItem("Find a caller", "advice_line:find"),
        NavItem("Your referrals", "referrals:list"),
    ],
    Role.CASE_MANAGER: [NavItem("Home", HOME_URL_NAMES[Role.CASE_MANAGER]), *CASELOAD_ITEMS, TRIAGE_ITEM],
    Role.PRACTITIONER: [
        NavItem("Home", HOME_URL_NAMES[Role.PRACTITIONER]),
        NavItem("Cases you are part of", "cases:care-team-cases"),
    ],
    Role.TEAM_LEAD: [
        NavItem("Home", HOME_URL_NAMES[Role.TEAM_LEAD]),
        NavItem("Team's cases", "cases:team"),
        *CASELOAD_ITEMS,
        TRIAGE_ITEM,
        NavItem("Break-glass to review", "cases:break-glass-reviews"),
    ],
    Role.COMMISSIONER: [NavItem("Home", HOME_URL_NAMES[Role.COMMISSIONER])],
    Role.EVALUATOR: [NavItem("Home", HOME_URL_NAMES[Role.EVALUATOR])],
    Role.ADMINISTRATOR: [
        NavItem("Home", HOME_URL_NAMES[Role.ADMINISTRATOR]),
        NavItem("Administration", "administration:index"),
        NavItem("Directory of interventions", "administration:interventions"),
    ],
    Role.DATA_PROTECTION_OFFICER: [
        NavItem("Home", HOME_URL_NAMES[Role.DATA_PROTECTION_OFFICER]),
        NavItem("Subject access requests", "dataprotection:index"),
    ],
}

# The home pages accounts makes itself (the others are work lists: see urls.py). Each says what works today
# and links to it, and promises nothing that is not built.
HOME_PAGE_TEXT: dict[str, str] = {
    Role.PRACTITIONER: "See the open cases whose care team you are in.",
    Role.COMMISSIONER: (
        "There is nothing for commissioners to use in the service yet. Ask the service's "
        "administrator for the figures you need."
    ),
    Role.EVALUATOR: (
        "There is nothing for evaluators to use in the service yet. Ask the service's administrator for a "
        "pseudonymised extract."
    ),
    Role.ADMINISTRATOR: "Manage the service's sites, teams, staff accounts and directory of interventions.",
    Role.DATA_PROTECTION_OFFICER: "Answer subject access requests: everything held about a person, and who read it.",
}

HOME_PAGE_LINKS: dict[str, list[NavItem]] = {
    Role.PRACTITIONER: [NavItem("Cases you are part of", "cases:care-team-cases")],
    Role.COMMISSIONER: [],
    Role.EVALUATOR: [],
    Role.ADMINISTRATOR: [
        NavItem("Administration", "administration:index"),
        NavItem("Directory of interventions", "administration:interventions"),
    ],
    Role.DATA_PROTECTION_OFFICER: [NavItem("Subject access requests", "dataprotection:index")],
}
