"""The people who sign in: the fixed demo sign-ins for every role, and extra staff for realism.

Users are made through `accounts.services.user_create`, so each is audited like any other. Existing
emails are skipped, so running the demo again never fails on them or makes a second copy.
"""

from __future__ import annotations

import random
import re
from typing import Any

from fitforwork.accounts.models import Role, User
from fitforwork.accounts.services import user_create
from fitforwork.core.audit.services import audit_batch
from fitforwork.demo import names
from fitforwork.demo.accounts import DEMO_PASSWORD, DEMO_USERS
from fitforwork.demo.areas import (
    DEMO_COMMISSIONER_NAME,
    DEMO_COMMUNITY_NAME,
    DEMO_EMPLOYER_NAME,
    DEMO_JOBCENTRE_NAME,
    MAIN_SITE,
)
from fitforwork.demo.structure import SitePlan, staff_counts
from fitforwork.organisations.models import Organisation, Site, Team

STAFF_DOMAIN = "staff.demo.fitforwork.test"


def _organisation(kind: str, name: str) -> Organisation:
    return Organisation.objects.get(kind=kind, name=name)


def ensure_demo_users() -> int:
    """Create whichever demo sign-ins are missing, attached to the demo's organisations; return how many."""
    existing = set(User.objects.filter(email__in=[user.email for user in DEMO_USERS]).values_list("email", flat=True))
    missing = [user for user in DEMO_USERS if user.email not in existing]
    if not missing:
        return 0
    site = Site.objects.select_related("provider").get(name=MAIN_SITE.name)
    teams = {team.name: team for team in Team.objects.filter(site=site)}
    case_management = [teams[name] for name in sorted(teams) if name.startswith("Case management")]
    practice = site.gp_practices.order_by("ods_code").first()
    Kind = Organisation.Kind
    # Where each role works: (organisation, site, teams).
    places: dict[str, tuple[Organisation | None, Site | None, list[Team]]] = {
        Role.GP: (practice, None, []),
        Role.EMPLOYER: (_organisation(Kind.EMPLOYER, DEMO_EMPLOYER_NAME), None, []),
        Role.JOBCENTRE: (_organisation(Kind.JOBCENTRE, DEMO_JOBCENTRE_NAME), None, []),
        Role.COMMUNITY: (_organisation(Kind.VOLUNTARY_SECTOR, DEMO_COMMUNITY_NAME), None, []),
        Role.COMMISSIONER: (_organisation(Kind.COMMISSIONER, DEMO_COMMISSIONER_NAME), None, []),
        Role.EVALUATOR: (None, None, []),
        Role.ADVICE_ADVISER: (site.provider, site, [teams["Advice line"]]),
        Role.CASE_MANAGER: (site.provider, site, case_management[:1]),
        Role.PRACTITIONER: (site.provider, site, [teams["Multidisciplinary team"]]),
        Role.TEAM_LEAD: (site.provider, site, [teams["Triage and allocation"], *case_management]),
        Role.ADMINISTRATOR: (site.provider, None, []),
        Role.DATA_PROTECTION_OFFICER: (site.provider, None, []),
    }
    for demo in missing:
        organisation, user_site, user_teams = places[demo.role]
        user = user_create(
            actor=None,
            email=demo.email,
            password=DEMO_PASSWORD,
            role=demo.role,
            first_name=demo.first_name,
            last_name=demo.last_name,
            job_title=demo.job_title,
            organisation=organisation,
            site=user_site,
        )
        if user_teams:
            user.teams.set(user_teams)
    return len(missing)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def create_extra_staff(*, rng: random.Random, plans: list[SitePlan]) -> int:
    """Case managers, practitioners, team leads and advisers in proportion to each site's clients.

    They have no password: they make caseloads and teams look real, and only the demo sign-ins sign in.
    """
    wanted: list[tuple[SitePlan, str, str, list[str]]] = []
    for plan in plans:
        case_management = plan.case_management_teams
        for role, count in staff_counts(plan).items():
            for number in range(count):
                if role == Role.CASE_MANAGER:
                    wanted.append((plan, role, "Case manager", [case_management[number % len(case_management)]]))
                elif role == Role.PRACTITIONER:
                    title = names.PRACTITIONER_TITLES[number % len(names.PRACTITIONER_TITLES)]
                    wanted.append((plan, role, title, ["Multidisciplinary team"]))
                elif role == Role.TEAM_LEAD and len(case_management) > 1:
                    # At scale each team lead leads one case-management team.
                    team = case_management[number % len(case_management)]
                    wanted.append((plan, role, "Team lead", ["Triage and allocation", team]))
                elif role == Role.TEAM_LEAD:
                    wanted.append((plan, role, "Team lead", ["Triage and allocation", *case_management]))
                else:
                    wanted.append((plan, role, "Advice line adviser", ["Advice line"]))
    people = []
    for number, item in enumerate(wanted, start=1):
        female = rng.random() < 0.6
        first = rng.choice(names.FEMALE_GIVEN_NAMES if female else names.MALE_GIVEN_NAMES)
        last = rng.choice(names.FAMILY_NAMES)
        people.append((item, first, last, f"{_slug(first)}.{_slug(last)}.{number}@{STAFF_DOMAIN}"))
    existing = set(User.objects.filter(email__endswith=f"@{STAFF_DOMAIN}").values_list("email", flat=True))
    teams = {(team.site_id, team.name): team for team in Team.objects.filter(site_id__in=[plan.id for plan in plans])}
    created = 0
    memberships: list[Any] = []
    membership = User.teams.through
    # Each user still comes through the service and is audited; the events are chained in one append and
    # the team memberships written in one insert, not a lock and three statements per person.
    with audit_batch():
        for (plan, role, title, team_names), first, last, email in people:
            if email in existing:
                continue
            user = user_create(
                actor=None,
                email=email,
                password=None,
                role=role,
                first_name=first,
                last_name=last,
                job_title=title,
                organisation_id=plan.provider_id,
                site_id=plan.id,
            )
            memberships.extend(membership(user_id=user.pk, team_id=teams[(plan.id, name)].pk) for name in team_names)
            created += 1
    membership.objects.bulk_create(memberships, batch_size=5000)
    return created
