"""Who can open every page under /cases/, for every role and every relationship to a case.

The pages are read from the URL resolver, so a page added to the "cases" namespace later is covered (and this
test fails until its arguments can be built and its kind is known). Each person signs in as they would
(password and security code) and asks for the page: GET, or POST with an empty form for pages that only take
POST. Where they end up is one of:

- sign-in: sent to sign in
- hidden: 404, so they never learn whether the case exists
- break-glass: the "You do not work on this case" page, offering break-glass with a reason
- refused: 403
- open: the page works for them (200, a redirect to a page of the service, or 400 for a form left empty)

A redirect other than to sign-in is followed once, so "open" and "break-glass" say where the person lands.

The expected matrix (kinds of page across, people down):

| person                            | read    | write    | door    | review  | item    | worklist | lead    |
|-----------------------------------|---------|----------|---------|---------|---------|----------|---------|
| anonymous                         | sign-in | sign-in  | sign-in | sign-in | sign-in | sign-in  | sign-in |
| GP, employer, Jobcentre, community| hidden  | hidden   | hidden  | refused | hidden  | refused  | refused |
|  service, adviser, commissioner,  |         |          |         |         |         |          |         |
|  administrator                    |         |          |         |         |         |          |         |
| case manager at the site, not team| glass   | glass    | glass   | refused | hidden  | open     | refused |
| practitioner not on care team     | glass   | glass    | glass   | refused | hidden  | refused  | refused |
| team lead at the site, in no team | glass   | glass    | glass   | open    | open    | open     | open*   |
| case manager of the case          | open    | open     | glass   | refused | hidden  | open     | refused |
| case manager in the case's team   | open    | open     | glass   | refused | hidden  | open     | refused |
| case manager at another site      | glass   | glass    | glass   | refused | hidden  | open     | refused |
| care team practitioner            | open    | refused* | glass   | refused | hidden  | refused  | refused |
| team lead of the case's team      | open    | open     | glass   | open    | open    | open     | open    |
| team lead at another site         | glass   | glass    | glass   | open    | hidden  | open     | open*   |
| with break-glass open now         | open    | refused  | glass   | refused | hidden  | open     | refused |
| whose break-glass has expired     | glass   | glass    | glass   | refused | hidden  | open     | refused |

"glass" is the break-glass page; "item" is one break-glass use to review; "lead" is a team lead's page.

"door" is the break-glass form itself (posted empty it asks for the reason again). * marks exceptions in
`EXCEPTIONS`: a care team practitioner may update the case's onward referrals; a team lead reallocates or ends
cover only in their own teams and site (hidden otherwise). Pages in the "cases" namespace that are not in
`KINDS` get the loosest check: never open to those with no relationship, never to anonymous visitors.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import BreakGlass, CareTeamMember, Case, Delegation, Task
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import SiteFactory, TeamFactory


def _cases_url_names() -> list[str]:
    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
                yield from walk(entry.url_patterns, inner or namespace)
            elif isinstance(entry, URLPattern) and namespace == "cases" and entry.name:
                yield entry.name, list(entry.pattern.converters)

    return sorted({name for name, _ in walk(get_resolver().url_patterns)})


CASE_URL_NAMES = _cases_url_names()

KINDS = {
    "case": "read",
    "case-contacts": "read",
    "case-tasks": "read",
    "case-team": "read",
    "case-history": "read",
    "care-team": "read",
    "mdt-notes": "read",
    "onward-referrals": "read",
    "case-move": "write",
    "case-risk": "write",
    "case-discharge": "write",
    "case-reopen": "write",
    "task-add": "write",
    "task-complete": "write",
    "contact-add": "write",
    "onward-referral-update": "write",
    "questionnaires": "read",
    "questionnaire-record": "write",
    "red-flag-close": "write",
    "case-plan": "read",
    "case-plan-version": "read",
    "case-plan-compare": "read",
    "case-fit-note": "read",
    "case-plan-start": "write",
    "case-plan-new-draft": "write",
    "case-outcomes": "read",
    "case-outcome-record": "write",
    "break-glass": "door",
    "break-glass-reviews": "review",
    "break-glass-review": "review item",
    "caseload": "worklist",
    "my-tasks": "worklist",
    "care-team-cases": "care team list",
    "search": "care team list",  # open to all the clinical staff alike; what it finds is tested in test_search
    "team": "lead only",
    "cover": "lead only",
    "cover-cancel": "lead only",
    "reallocate": "lead only",
}

NON_CLINICAL = ["gp", "employer", "jobcentre", "community", "advice_adviser", "commissioner", "administrator"]
ROW = {
    "anonymous": dict.fromkeys(
        ("read", "write", "door", "review", "review item", "worklist", "care team list", "lead only"), "sign-in"
    ),
    **{
        role: {
            "read": "hidden",
            "write": "hidden",
            "door": "hidden",
            "review": "refused",
            "review item": "hidden",
            "worklist": "refused",
            "care team list": "refused",
            "lead only": "refused",
        }
        for role in NON_CLINICAL
    },
}


def _row(read, write, review, item, worklist, lead):
    return {
        "read": read,
        "write": write,
        "door": "break-glass",
        "review": review,
        "review item": item,
        "worklist": worklist,
        # Anyone on the clinical staff has a list of the care teams they are in (often empty).
        "care team list": "open",
        "lead only": lead,
    }


BG = "break-glass"
ROW.update(
    {
        "case_manager at the site, not the team": _row(BG, BG, "refused", "hidden", "open", "refused"),
        "practitioner not on the care team": _row(BG, BG, "refused", "hidden", "refused", "refused"),
        "team_lead at the site, in no team": _row(BG, BG, "open", "open", "open", "open"),
        "case manager of the case": _row("open", "open", "refused", "hidden", "open", "refused"),
        "case manager in the case's team": _row("open", "open", "refused", "hidden", "open", "refused"),
        "case manager at another site": _row(BG, BG, "refused", "hidden", "open", "refused"),
        "care team practitioner": _row("open", "refused", "refused", "hidden", "refused", "refused"),
        "team lead of the case's team": _row("open", "open", "open", "open", "open", "open"),
        "team lead at another site": _row(BG, BG, "open", "hidden", "open", "open"),
        "with break-glass open now": _row("open", "refused", "refused", "hidden", "open", "refused"),
        "whose break-glass has expired": _row(BG, BG, "refused", "hidden", "open", "refused"),
        # Break-glass and a place in the care team let someone read a case, never change it, even at its site.
        "case manager at the site, with break-glass": _row("open", "refused", "refused", "hidden", "open", "refused"),
        "team lead at the site, with break-glass": _row("open", "refused", "open", "open", "open", "open"),
        "case manager in the care team": _row("open", "refused", "refused", "hidden", "open", "refused"),
    }
)

EXCEPTIONS = {
    ("onward-referral-update", "care team practitioner"): {"open"},
    ("onward-referral-update", "case manager in the care team"): {"open"},
    ("reallocate", "team_lead at the site, in no team"): {"hidden"},
    ("reallocate", "team lead at another site"): {"hidden"},
    ("reallocate", "team lead at the site, with break-glass"): {"hidden"},
    ("cover-cancel", "team lead at another site"): {"hidden"},
}

NO_RELATIONSHIP = {
    "case_manager at the site, not the team",
    "practitioner not on the care team",
    "team_lead at the site, in no team",
    "case manager at another site",
    "team lead at another site",
    "whose break-glass has expired",
}


def expected(name: str, actor: str) -> set[str]:
    if (name, actor) in EXCEPTIONS:
        return EXCEPTIONS[(name, actor)]
    kind = KINDS.get(name)
    if kind is not None:
        return {ROW[actor][kind]}
    if actor == "anonymous":
        return {"sign-in"}
    if actor in NO_RELATIONSHIP or actor in NON_CLINICAL:
        return {"break-glass", "hidden", "refused"}
    return {"open", "refused", "hidden", "break-glass"}


@pytest.fixture
def world(workwell_site):
    """One case in a team at a site, and one person for each row of the matrix."""
    other_site = SiteFactory(name="WorkWell Derby")
    team = TeamFactory(site=workwell_site, name="North")
    staff = {"with_device": True}
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, **staff)
    manager.teams.add(team)
    case = open_case(workwell_site, manager, case_manager=manager)
    Case.objects.filter(pk=case.pk).update(team=team)
    case.refresh_from_db()

    people = {role: UserFactory(role=role, site=workwell_site, **staff) for role in NON_CLINICAL}
    people["case_manager at the site, not the team"] = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, **staff)
    people["practitioner not on the care team"] = UserFactory(role=Role.PRACTITIONER, site=workwell_site, **staff)
    people["team_lead at the site, in no team"] = UserFactory(role=Role.TEAM_LEAD, site=workwell_site, **staff)
    people["case manager of the case"] = manager
    people["case manager in the case's team"] = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, **staff)
    people["case manager in the case's team"].teams.add(team)
    people["case manager at another site"] = UserFactory(role=Role.CASE_MANAGER, site=other_site, **staff)
    carer = UserFactory(role=Role.PRACTITIONER, site=workwell_site, **staff)
    CareTeamMember.objects.create(case=case, user=carer, discipline="physiotherapist", added_by=manager)
    people["care team practitioner"] = carer
    people["team lead of the case's team"] = UserFactory(role=Role.TEAM_LEAD, site=workwell_site, **staff)
    people["team lead of the case's team"].teams.add(team)
    people["team lead at another site"] = UserFactory(role=Role.TEAM_LEAD, site=other_site, **staff)
    now = timezone.now()
    glass = UserFactory(role=Role.CASE_MANAGER, site=other_site, **staff)
    use = BreakGlass.objects.create(
        case=case, user=glass, reason="Urgent call", granted_at=now, expires_at=now + timedelta(hours=4)
    )
    people["with break-glass open now"] = glass
    expired = UserFactory(role=Role.CASE_MANAGER, site=other_site, **staff)
    BreakGlass.objects.create(
        case=case,
        user=expired,
        reason="Yesterday's call",
        granted_at=now - timedelta(days=1),
        expires_at=now - timedelta(days=1) + timedelta(hours=4),
    )
    people["whose break-glass has expired"] = expired
    for name, role in [
        ("case manager at the site, with break-glass", Role.CASE_MANAGER),
        ("team lead at the site, with break-glass", Role.TEAM_LEAD),
    ]:
        people[name] = UserFactory(role=role, site=workwell_site, **staff)
        BreakGlass.objects.create(
            case=case, user=people[name], reason="Covering a call", granted_at=now, expires_at=now + timedelta(hours=4)
        )
    in_care_team = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, **staff)
    CareTeamMember.objects.create(case=case, user=in_care_team, discipline="work_coach", added_by=manager)
    people["case manager in the care team"] = in_care_team

    delegation = Delegation.objects.create(
        from_user=manager,
        to_user=people["case manager in the case's team"],
        starts_on=timezone.localdate() + timedelta(days=7),
        ends_on=timezone.localdate() + timedelta(days=14),
        created_by=manager,
    )
    args = {
        "case_id": case.pk,
        "task_id": case.tasks.get(kind=Task.Kind.FIRST_CONTACT).pk,
        "pk": use.pk,
        "delegation_id": delegation.pk,
        "referral_id": _onward_referral(case, manager),
        "code": "phq9",
        "flag_id": _red_flag(case, manager),
        **_plan_and_fit_note(case),
        "letter_id": case.letters.first().pk,  # the letter to the GP written when the case opened
        "time_point_id": _time_point(case),
        "consent_id": _share_consent(case),
    }
    return people, args


def _share_consent(case):
    """A consent to share version 1 of the plan with a named organisation, if this build has the consent app."""
    try:
        from fitforwork.consent.services import consent_give
    except ImportError:
        return None
    version_id = case.plan.versions.get(number=1).pk
    return consent_give(
        person=case.person, purpose="share_plan", how="verbal", recipient_name="Acme", plan_version_id=version_id
    ).pk


def _plan_and_fit_note(case):
    """Version 1 of a plan (a draft) and a fit note on the case, if this build has them."""
    try:
        from fitforwork.plans.models import FitNote, Plan, PlanVersion
    except ImportError:
        return {}
    PlanVersion.objects.create(plan=Plan.objects.create(case=case), number=1)
    today = timezone.localdate()
    note = FitNote.objects.create(
        case=case,
        source="received",
        condition="Back pain",
        fitness="not_fit",
        period_from=today,
        period_to=today,
        issued_on=today,
        issuer_name="Dr Sam Okafor",
        issuer_profession="doctor",
    )
    return {"number": 1, "fit_note_id": note.pk}


def _time_point(case):
    """A follow-up time point of the case, if this build has outcomes."""
    try:
        from fitforwork.outcomes.models import OutcomeTimePoint
    except ImportError:
        return None
    return OutcomeTimePoint.objects.create(case=case, kind="follow_up", offset_months=3, due_on=timezone.localdate()).pk


def _red_flag(case, actor):
    """An open red flag on the case, if this build has them: PHQ-9 with question 9 above 0."""
    try:
        from fitforwork.assessments.models import RedFlag
        from fitforwork.assessments.services import response_record
    except ImportError:
        return None
    answers = {f"q{n}": 1 for n in range(1, 10)}
    response_record(case=case, instrument_code="phq9", answers=answers, mode="phone", actor=actor)
    return RedFlag.objects.get(case=case).pk


def _onward_referral(case, actor):
    """An onward referral of the case, if this build has them."""
    try:
        from fitforwork.interventions.models import Intervention, OnwardReferral
        from fitforwork.interventions.services import intervention_presets_load
    except ImportError:
        return None
    intervention_presets_load(actor=None)
    return OnwardReferral.objects.create(
        case=case,
        intervention=Intervention.objects.first(),
        requested_on=timezone.localdate(),
        requested_by=actor,
    ).pk


def _outcome(client: Client, path: str) -> str:
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("accounts:sign-in")):
            return "sign-in"
        response = client.get(location)
    body = response.content.decode(errors="replace")  # a PDF download is bytes
    if response.status_code == 404:
        return "hidden"
    if "You do not work on this case" in body:
        return "break-glass"
    if response.status_code == 403:
        return "refused"
    if response.status_code in (200, 400):
        return "open"
    return f"answered {response.status_code}"


def test_the_matrix_knows_every_record_page():
    mine = {"case", "case-move", "case-risk", "case-discharge", "case-reopen", "task-add", "task-complete"}
    mine |= {"contact-add", "break-glass", "break-glass-reviews", "break-glass-review"}
    assert mine <= set(CASE_URL_NAMES)


@pytest.mark.parametrize("name", CASE_URL_NAMES)
def test_every_case_page_answers_each_person_as_the_matrix_says(name, world):
    people, args = world
    pattern_args = next(list(pattern.pattern.converters) for pattern in _patterns() if pattern.name == name)
    missing = [arg for arg in pattern_args if args.get(arg) is None]
    assert not missing, f"cases:{name} takes {missing}: teach the access matrix how to build them"
    path = reverse(f"cases:{name}", kwargs={arg: args[arg] for arg in pattern_args})

    wrong = {}
    for actor in ["anonymous", *people]:
        client = Client()
        if actor != "anonymous":
            sign_in_with_two_factor(client, people[actor])
        got = _outcome(client, path)
        # Each person meets the page as the first would: ending cover is undone before the next one asks.
        Delegation.objects.filter(pk=args["delegation_id"]).update(cancelled_at=None)
        if got not in expected(name, actor):
            wrong[actor] = f"{got}, expected {' or '.join(sorted(expected(name, actor)))}"

    assert not wrong, f"{path}: {wrong}"


def _patterns():
    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "cases":
                yield entry

    return list(walk(get_resolver().url_patterns))
