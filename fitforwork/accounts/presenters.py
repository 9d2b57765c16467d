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
    Role.EMPLOYER: [NavItem("Home", HOME_URL_NAMES[Role.EMPLOYER]), *REFERRER_ITEMS],
    Role.JOBCENTRE: [NavItem("Home", HOME_URL_NAMES[Role.JOBCENTRE]), *REFERRER_ITEMS],
    Role.COMMUNITY: [NavItem("Home", HOME_URL_NAMES[Role.COMMUNITY]), *REFERRER_ITEMS],
    Role.ADVICE_ADVISER: [NavItem("Home", HOME_URL_NAMES[Role.ADVICE_ADVISER]), *REFERRER_ITEMS],
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

HOME_PAGE_TEXT: dict[str, str] = {
    Role.GP: "Refer patients who are off work or struggling at work, and follow what happens to them.",
    Role.EMPLOYER: "Refer employees who have agreed to it, and see the plans they have chosen to share with you.",
    Role.JOBCENTRE: "Refer people you support who have a health condition affecting work, and see their status.",
    Role.COMMUNITY: "Refer people you support who have a health condition affecting work, and see their status.",
    Role.ADVICE_ADVISER: "Log calls and web chats, record the advice given, and turn a call into a referral.",
    Role.CASE_MANAGER: "Your caseload, your tasks, and the people waiting for first contact.",
    Role.PRACTITIONER: "The cases you are part of as a member of the care team.",
    Role.TEAM_LEAD: "Your team's cases, allocation, time standard breaches and break-glass reviews.",
    Role.COMMISSIONER: "How the service is doing: referrals, time standards and outcomes, with small numbers hidden.",
    Role.ADMINISTRATOR: "Sites, teams, service models, the directory of interventions and user accounts.",
    Role.DATA_PROTECTION_OFFICER: "Answer subject access requests: everything held about a person, and who read it.",
}
