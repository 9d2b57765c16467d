"""Loading the demonstration service for a number of clients and a seed.

The demo is the platform's one bulk loader. Real writes go through each app's services, one row at
a time, validated and audited; the demo writes organisations, sites and clients straight to their
tables (bulk_create, or COPY on PostgreSQL), because a million audited single-row writes would take
hours and every row here is synthetic. Only the users come through `user_create`, so sign-ins are
made and audited exactly as an administrator's would be.

Everything is drawn from `random.Random(seed)`, with dates relative to a fixed reference day, so a
seed always gives the same organisations, people, NHS numbers and relations. Each "case" is a client:
a Person with a current Employment and a main Condition, and (see cases.py) a referral and, nearly always,
the case it opened, with its history, tasks, contacts and allocation. A few referrals at each site are left
waiting for triage (waiting.py). Cases that reached assessment get their questionnaire history, assessment and
pathway decision (assessments.py). Cases that reached "plan agreed" get their plan, some a fit note, and
consents, employer actions and recent GP letters (plans.py, sharing.py).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from fitforwork.core.audit.services import audit_record
from fitforwork.demo.advice import make_advice_line
from fitforwork.demo.assessments import assessment_hook
from fitforwork.demo.cases import CASE_MODELS, CaseGenerator, onward_referral_hook, site_staff
from fitforwork.demo.clients import CONDITION_COLUMNS, EMPLOYMENT_COLUMNS, PERSON_COLUMNS, ClientGenerator
from fitforwork.demo.outcomes import outcome_hook
from fitforwork.demo.plans import reset_sequences
from fitforwork.demo.referrers import make_referrer_referrals
from fitforwork.demo.sharing import PlanHook
from fitforwork.demo.staff import create_extra_staff, ensure_demo_users
from fitforwork.demo.structure import StructureBuilder, demo_already_loaded
from fitforwork.demo.waiting import WaitingReferrals
from fitforwork.demo.writers import indexes_rebuilt_after, writer_for_connection
from fitforwork.organisations.services import service_model_presets_load
from fitforwork.people.models import Condition, Employment, Person

CHUNK_SIZE = 10_000


@dataclass(frozen=True)
class DemoResult:
    already_loaded: bool
    clients: int = 0
    sites: int = 0
    organisations: int = 0
    sign_ins_created: int = 0
    staff_created: int = 0
    # Seconds spent on: the sites, organisations and staff; making and sending the rows; rebuilding indexes;
    # the referrals left waiting for triage.
    phases: dict[str, float] = field(default_factory=dict)


def load_demo(*, cases: int, seed: int, progress: bool = False, chunk_size: int = CHUNK_SIZE) -> DemoResult:
    """Load the demo service with `cases` clients, all or nothing; if it is already loaded, only add
    any missing demo sign-ins."""
    service_model_presets_load(actor=None)
    if demo_already_loaded():
        sign_ins = ensure_demo_users()
        make_referrer_referrals()  # once only: a referrer who has referrals gets no more
        return DemoResult(already_loaded=True, sign_ins_created=sign_ins)
    master = random.Random(seed)
    structure_rng, staff_rng, client_rng, case_rng, onward_rng, waiting_rng = (
        random.Random(master.getrandbits(64)) for _ in range(6)
    )
    assessment_rng = random.Random(master.getrandbits(64))  # drawn after the others, so their rows do not change
    advice_rng = random.Random(master.getrandbits(64))  # drawn last, likewise
    outcome_rng = random.Random(master.getrandbits(64))
    plan_rng = random.Random(master.getrandbits(64))  # drawn last, so the rows above do not change
    now = timezone.now()
    phases: dict[str, float] = {}
    started = time.monotonic()
    with transaction.atomic():
        builder = StructureBuilder(rng=structure_rng, cases=cases, now=now)
        plans = builder.build()
        sign_ins = ensure_demo_users()
        staff = create_extra_staff(rng=staff_rng, plans=plans)
        generator = ClientGenerator(rng=client_rng, plans=plans, now=now)
        staff_by_site = site_staff(plans)
        case_generator = CaseGenerator(rng=case_rng, staff=staff_by_site, now=now, today=timezone.localdate(now))
        onward_models, onward = onward_referral_hook(rng=onward_rng, today=timezone.localdate(now))
        assessment_models, histories = assessment_hook(
            rng=assessment_rng,
            today=timezone.localdate(now),
            review_weeks={s.site_id: s.review_weeks for s in staff_by_site},
            team_leads={s.site_id: s.team_leads[0] for s in staff_by_site if s.team_leads},
        )
        outcome_models, outcomes = outcome_hook(rng=outcome_rng, today=timezone.localdate(now))
        plan_hook = PlanHook(rng=plan_rng, today=timezone.localdate(now))
        phases["setup"] = time.monotonic() - started
        with indexes_rebuilt_after(
            [
                Person,
                Employment,
                Condition,
                *CASE_MODELS,
                *onward_models,
                *assessment_models,
                *outcome_models,
                *plan_hook.models,
            ]
        ):
            started = time.monotonic()
            writer = writer_for_connection()
            try:
                with tqdm(total=cases, unit=" clients", disable=not progress, smoothing=0.1) as bar:
                    for chunk in generator.chunks(cases, chunk_size):
                        plan_hook.see(chunk.persons, chunk.employments)
                        writer.write(
                            [
                                (Person, PERSON_COLUMNS, chunk.persons),
                                (Employment, EMPLOYMENT_COLUMNS, chunk.employments),
                                (Condition, CONDITION_COLUMNS, chunk.conditions),
                                *case_generator.chunk(
                                    chunk.clients, hooks=[onward, histories, outcomes, plan_hook]
                                ).batch(),
                            ]
                        )
                        bar.update(len(chunk.persons))
            finally:
                writer.close()
            phases["rows"] = time.monotonic() - started
            reset_sequences()
            started = time.monotonic()
        phases["indexes"] = time.monotonic() - started
        # Through the intake, after the bulk rows (it checks them for duplicates), before the referrers claim some.
        started = time.monotonic()
        WaitingReferrals(rng=waiting_rng, plans=plans, cases=cases, now=now).make()
        phases["waiting"] = time.monotonic() - started
        make_referrer_referrals()
        advice_contacts = make_advice_line(rng=advice_rng, now=now)  # links the advice-line referrals just made
        # One event for the whole load, so the audit trail says where these rows came from.
        audit_record(
            actor=None,
            action="demo.loaded",
            data={
                "cases": cases,
                "seed": seed,
                "organisations": len(builder.organisations),
                "staff": staff,
                "advice_line_contacts": advice_contacts,
            },
        )
    return DemoResult(
        already_loaded=False,
        clients=cases,
        sites=len(plans),
        organisations=len(builder.organisations),
        sign_ins_created=sign_ins,
        staff_created=staff,
        phases={name: round(seconds, 1) for name, seconds in phases.items()},
    )
