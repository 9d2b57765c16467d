"""The demo's organisations: providers, sites on the shipped service models, teams, GP practices,
employers from micro to large, Jobcentres, councils, voluntary sector and occupational health.

Everything is written with bulk_create, not through the organisation services (see generator.py for
why), and every key comes from the seeded generator so the same seed gives the same rows.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from fitforwork.core.calendar import Nation
from fitforwork.demo import names
from fitforwork.demo.areas import (
    DEMO_COMMISSIONER_NAME,
    DEMO_COMMUNITY_NAME,
    DEMO_EMPLOYER_NAME,
    DEMO_JOBCENTRE_NAME,
    DEMO_OH_PROVIDER_NAME,
    MAIN_SITE,
    PROVIDERS,
    SITES,
    SiteSpec,
)
from fitforwork.organisations.models import Organisation, ServiceModel, Site, Team

Kind = Organisation.Kind
SizeBand = Organisation.SizeBand

# Size bands in order, so a service model's "up to medium" can be applied.
BAND_ORDER: list[str] = [SizeBand.MICRO, SizeBand.SMALL, SizeBand.MEDIUM, SizeBand.LARGE]
# Most employers are micro or small; most employees work for a large one. Each employer's weight
# in choosing a client's employer makes about 13% of employed clients work for micro employers,
# 15% small, 13% medium and 59% large, near the UK's split of employment by business size.
BAND_SHARE_OF_EMPLOYERS: dict[str, int] = {
    SizeBand.MICRO: 45,
    SizeBand.SMALL: 30,
    SizeBand.MEDIUM: 15,
    SizeBand.LARGE: 10,
}
BAND_WEIGHT: dict[str, float] = {SizeBand.MICRO: 2.0, SizeBand.SMALL: 3.5, SizeBand.MEDIUM: 6.0, SizeBand.LARGE: 40.0}
# Names that already say what the body is take no "Ltd" or "plc".
NO_SUFFIX_ENDINGS = ("College", "Trust", "Partnership", "Building Society", "Hospital", "Hotel")
BAND_SUFFIXES: dict[str, tuple[str, ...]] = {
    SizeBand.MICRO: ("", " Ltd", " Ltd"),
    SizeBand.SMALL: (" Ltd",),
    SizeBand.MEDIUM: (" Ltd", " Group"),
    SizeBand.LARGE: (" plc", " Ltd", " Group"),
}

# Of clients at a site whose service model takes every employment status.
STATUS_MIX = {
    "employed_off_sick": 0.55,
    "employed_at_work": 0.25,
    "self_employed": 0.10,
    "unemployed": 0.10,
}

PRACTICE_LIST_CLIENTS = 2500  # about one practice per this many clients at a site
EMPLOYER_CLIENTS = 40  # about one employer on the list per this many clients at a site
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters the inward code uses


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def inward_code(rng: random.Random) -> str:
    return f"{rng.randrange(10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, math.ceil(value)))


@dataclass
class SitePlan:
    """A site as the client generator needs it: ids, areas and weighted choices, all in memory."""

    spec: SiteSpec
    id: uuid.UUID
    provider_id: uuid.UUID
    expected_clients: int
    config: dict[str, Any]
    practice_ids: list[uuid.UUID] = field(default_factory=list)
    practice_districts: list[str] = field(default_factory=list)
    practice_weights: list[float] = field(default_factory=list)
    employer_ids: list[uuid.UUID] = field(default_factory=list)
    employer_bands: list[str] = field(default_factory=list)
    employer_industries: list[str] = field(default_factory=list)
    employer_weights: list[float] = field(default_factory=list)
    team_ids: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def employment_statuses(self) -> dict[str, float]:
        """The status mix, keeping to the statuses the site's service model accepts."""
        allowed = self.config.get("eligibility", {}).get("employment_statuses") or list(STATUS_MIX)
        mix = {status: share for status, share in STATUS_MIX.items() if status in allowed}
        return mix or dict(STATUS_MIX)

    @property
    def max_employer_band(self) -> str | None:
        band = self.config.get("eligibility", {}).get("max_employer_size_band")
        return band if band in BAND_ORDER else None

    @property
    def case_management_teams(self) -> list[str]:
        return [name for name in self.team_ids if name.startswith("Case management")]


class StructureBuilder:
    """Builds the organisations and sites for `cases` clients in one pass, then writes them."""

    def __init__(self, *, rng: random.Random, cases: int, now: datetime) -> None:
        self.rng = rng
        self.cases = cases
        self.now = now
        self.organisations: list[Organisation] = []
        self.sites: list[Site] = []
        self.teams: list[Team] = []
        self.site_practices: list[tuple[uuid.UUID, uuid.UUID]] = []
        self.site_commissioners: list[tuple[uuid.UUID, uuid.UUID]] = []
        self.plans: list[SitePlan] = []

    def build(self) -> list[SitePlan]:
        service_models = {model.key: model for model in ServiceModel.objects.prefetch_related("versions")}
        providers = {spec.key: self._organisation(kind=spec.kind, name=spec.name, postcode=spec.postcode,
                                                  nation=spec.nation) for spec in PROVIDERS}  # fmt: skip
        for spec in SITES:
            self._site(spec, service_models, providers[spec.provider])
        self._partners()
        self._write()
        return self.plans

    def _organisation(self, **fields: Any) -> Organisation:
        organisation = Organisation(id=new_uuid(self.rng), created_at=self.now, **fields)
        self.organisations.append(organisation)
        return organisation

    def _site(self, spec: SiteSpec, service_models: dict[str, ServiceModel], provider: Organisation) -> None:
        service_model = service_models.get(spec.preset)
        if service_model is None:
            raise LookupError(f"Service model {spec.preset!r} is missing: load the presets first")
        version = max(service_model.versions.all(), key=lambda item: item.number, default=None)
        site = Site(
            id=new_uuid(self.rng),
            created_at=self.now,
            provider=provider,
            name=spec.name,
            nation=spec.nation,
            service_model=service_model,
            postcode_districts=[district for district, _ in spec.districts],
        )
        self.sites.append(site)
        expected = round(self.cases * spec.share)
        plan = SitePlan(
            spec=spec,
            id=site.id,
            provider_id=provider.id,
            expected_clients=expected,
            config=dict(version.config) if version is not None else {},
        )
        self._practices(plan)
        self._employers(plan)
        self._teams(plan)
        self.plans.append(plan)

    def _practices(self, plan: SitePlan) -> None:
        rng, spec = self.rng, plan.spec
        count = clamp(plan.expected_clients / PRACTICE_LIST_CLIENTS, 3, 999)
        used: set[str] = set()
        for number in range(1, count + 1):
            # The first three practices are in the first three districts, so any demo spreads out.
            district = spec.districts[number - 1][0] if number <= 3 else rng.choice(spec.districts)[0]
            name = self._unique_name(used, partial(self._practice_name, spec))
            practice = self._organisation(
                kind=Kind.GP_PRACTICE,
                name=name,
                ods_code=f"{spec.ods_prefix}{number:03d}",
                postcode=f"{district} {inward_code(rng)}",
                nation=spec.nation,
            )
            self.site_practices.append((plan.id, practice.id))
            plan.practice_ids.append(practice.id)
            plan.practice_districts.append(district)
            # List sizes vary: a few big practices, many middling ones.
            plan.practice_weights.append(rng.lognormvariate(0, 0.5))

    def _employers(self, plan: SitePlan) -> None:
        rng, spec = self.rng, plan.spec
        count = clamp(plan.expected_clients / EMPLOYER_CLIENTS, 12, 2500)
        industries = list(names.JOBS_BY_INDUSTRY)
        used: set[str] = set()
        bands = list(BAND_SHARE_OF_EMPLOYERS)
        shares = list(BAND_SHARE_OF_EMPLOYERS.values())
        for index in range(count):
            # Every site has an employer of each size; after that, the national mix of firm sizes.
            band = BAND_ORDER[index] if index < len(BAND_ORDER) else rng.choices(bands, shares)[0]
            industry = rng.choice(industries)
            if spec.is_main and index == len(BAND_ORDER) - 1:
                name, industry = DEMO_EMPLOYER_NAME, "Logistics"
                used.add(name)
            else:
                name = self._unique_name(used, partial(self._employer_name, spec, industry, band))
            employer = self._organisation(
                kind=Kind.EMPLOYER,
                name=name,
                size_band=band,
                postcode=f"{rng.choice(spec.districts)[0]} {inward_code(rng)}",
                nation=spec.nation,
            )
            plan.employer_ids.append(employer.id)
            plan.employer_bands.append(band)
            plan.employer_industries.append(industry)
            plan.employer_weights.append(BAND_WEIGHT[band] * rng.uniform(0.5, 1.5))

    def _practice_name(self, spec: SiteSpec) -> str:
        pattern = self.rng.choice(names.PRACTICE_NAME_PATTERNS)
        return pattern.format(place=self.rng.choice(spec.places), word=self.rng.choice(names.PRACTICE_WORDS))

    def _employer_name(self, spec: SiteSpec, industry: str, band: str) -> str:
        rng = self.rng
        pattern = rng.choice(names.EMPLOYER_NAME_PATTERNS[industry])
        base = pattern.format(
            place=rng.choice(spec.places),
            surname=rng.choice(names.FAMILY_NAMES),
            surname2=rng.choice(names.FAMILY_NAMES),
            word=rng.choice(names.EMPLOYER_WORDS),
        )
        base = base.replace("s's ", "s' ")
        if base.endswith(NO_SUFFIX_ENDINGS):
            return base
        return base + rng.choice(BAND_SUFFIXES[band])

    def _unique_name(self, used: set[str], make: Callable[[], str]) -> str:
        """A name not yet used at this site: try a few, then number it."""
        name = make()
        for _ in range(20):
            if name not in used:
                break
            name = make()
        if name in used:
            name = f"{name} {len(used) + 1}"
        used.add(name)
        return name

    def _teams(self, plan: SitePlan) -> None:
        team_count = case_management_team_count(staff_counts(plan)["case_manager"])
        names_ = ["Triage and allocation", "Multidisciplinary team"]
        if team_count == 1:
            names_.append("Case management")
        elif team_count <= 4:
            names_ += [f"Case management: {area}" for area in ("North", "South", "East", "West")[:team_count]]
        else:
            names_ += [f"Case management {number}" for number in range(1, team_count + 1)]
        if plan.spec.is_main:
            names_.append("Advice line")
        for name in names_:
            team = Team(id=new_uuid(self.rng), created_at=self.now, site_id=plan.id, name=name)
            self.teams.append(team)
            plan.team_ids[name] = team.id

    def _partners(self) -> None:
        """Referrers and partners: Jobcentres, councils, voluntary sector, OH and the commissioner."""
        rng = self.rng
        for plan in self.plans:
            spec = plan.spec
            extra_jobcentres = min(3, plan.expected_clients // 50_000)
            jobcentres = [DEMO_JOBCENTRE_NAME] if spec.is_main else [f"{spec.town} Jobcentre"]
            jobcentres += [f"{spec.town} {place} Jobcentre" for place in rng.sample(spec.places, extra_jobcentres)]
            for name in jobcentres:
                self._partner(spec, Kind.JOBCENTRE, name)
            if spec.council not in {provider.name for provider in PROVIDERS}:
                self._partner(spec, Kind.LOCAL_AUTHORITY, spec.council)
            self._partner(
                spec,
                Kind.VOLUNTARY_SECTOR,
                DEMO_COMMUNITY_NAME if spec.is_main else f"{spec.town} Community Links",
            )
        self._partner(MAIN_SITE, Kind.OH_PROVIDER, DEMO_OH_PROVIDER_NAME)
        commissioner = self._partner(MAIN_SITE, Kind.COMMISSIONER, DEMO_COMMISSIONER_NAME)
        # The demo commissioner pays for the English sites; the Welsh and Scottish ones have commissioners of
        # their own who have no sign-in in the demo (the evaluator sees every site).
        self.site_commissioners = [
            (plan.id, commissioner.id)
            for plan in self.plans
            if plan.spec.nation == Nation.ENGLAND_AND_WALES and plan.spec.region != "wales"
        ]

    def _partner(self, spec: SiteSpec, kind: str, name: str) -> Organisation:
        district = self.rng.choice(spec.districts)[0]
        return self._organisation(
            kind=kind, name=name, postcode=f"{district} {inward_code(self.rng)}", nation=spec.nation
        )

    def _write(self) -> None:
        Organisation.objects.bulk_create(self.organisations, batch_size=2000)
        Site.objects.bulk_create(self.sites)
        Site.gp_practices.through.objects.bulk_create(
            [
                Site.gp_practices.through(site_id=site, organisation_id=practice)
                for site, practice in self.site_practices
            ],
            batch_size=2000,
        )
        Site.commissioners.through.objects.bulk_create(
            [Site.commissioners.through(site_id=site, organisation_id=org) for site, org in self.site_commissioners]
        )
        Team.objects.bulk_create(self.teams)


def case_management_team_count(case_managers: int) -> int:
    """About fifteen case managers to a team, each team with its own team lead."""
    return clamp(case_managers / 15, 1, 70)


def staff_counts(plan: SitePlan) -> dict[str, int]:
    """Extra staff for a site: a case manager for about every 250 clients (a caseload of 40 to 80 open cases,
    as most clients have been discharged), a practitioner for about every 1,200, and a team lead per
    case-management team; about 5,000 staff for 1,000,000 clients."""
    clients = plan.expected_clients
    case_managers = clamp(clients / 250, 1, 1000)
    teams = case_management_team_count(case_managers)
    return {
        "case_manager": case_managers,
        "practitioner": clamp(clients / 1200, 1, 200),
        "team_lead": teams if teams > 1 else 0 if plan.spec.is_main else 1,
        "advice_adviser": 2 if plan.spec.is_main else 0,
    }


def demo_already_loaded() -> bool:
    return Site.objects.filter(name__in=[spec.name for spec in SITES]).exists()
