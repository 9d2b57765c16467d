"""Referrals and cases for the demo clients, written as rows like the clients themselves.

Each client gets one referral (with the submission it arrived in). Nearly all are accepted and open a case,
allocated to a case manager in one of the site's case-management teams; about 1 in 200 (referred in the
last week) are still waiting for triage, and about 1 in 25 clients also had an earlier referral that was
declined. A case's status follows its age: cases referred in the last few weeks are open at an early
stage, most older ones are discharged with a reason and the work status at discharge. Cases carry the
history a real one would (status changes, the allocation, time-standard tasks completed or still open,
some past their due date, and contacts). Case dates count back from the day the demo is loaded (not the
clients' fixed reference date), so a demo loaded today has today's mix of open, due-soon and breached work;
the same seed on the same day gives the same rows.

Onward referrals to interventions come from the interventions app: `ONWARD_REFERRAL_HOOKS` holds functions
that are handed each chunk (its cases, with the day each was assessed) and return more (model, columns,
rows) batches; `onward_referral_hook` makes the one the demo uses.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Model

from fitforwork.accounts.models import Role, User
from fitforwork.cases.models import Case, CaseAllocation, CaseStatusChange, Contact, Task
from fitforwork.core.calendar import add_working_days, next_working_day
from fitforwork.demo.effects import return_chance
from fitforwork.demo.structure import SitePlan
from fitforwork.demo.values import at_text, day_text, id_maker
from fitforwork.organisations.models import ServiceModelVersion, Site
from fitforwork.organisations.selectors import rules_config
from fitforwork.referrals.models import Referral, Submission
from fitforwork.referrals.references import ALPHABET

SUBMISSION_COLUMNS = (
    "id", "channel", "received_at", "payload", "submitted_by_id", "idempotency_scope", "idempotency_key",
    "outcome", "errors", "processed_at",
)  # fmt: skip
REFERRAL_COLUMNS = (
    "id", "created_at", "modified_at", "reference", "submission_id", "channel", "source", "received_at",
    "person_id", "site_id", "rules_id", "referrer_name", "referrer_email", "referrer_phone", "reason",
    "condition_category", "employment_status", "absence_start", "employer_size_band", "consent_given",
    "written_consent_date", "eligible", "eligibility_failures", "first_contact_due", "status", "decided_at",
    "decided_by_id", "decline_reason", "duplicate_status",
)  # fmt: skip
CASE_COLUMNS = (
    "id", "created_at", "modified_at", "created_by_id", "referral_id", "person_id", "site_id", "rules_id",
    "case_manager_id", "team_id", "status", "furthest_stage", "opened_at", "discharged_at", "discharge_reason",
    "discharge_note", "work_status_at_discharge", "return_to_work_date", "reopened_count", "risk", "version",
)  # fmt: skip
STATUS_CHANGE_COLUMNS = ("case_id", "from_status", "to_status", "actor_id", "reason", "discharge_reason", "at")
TASK_COLUMNS = (
    "id", "created_at", "modified_at", "case_id", "kind", "title", "due_on", "assigned_to_id", "automatic",
    "completed_at", "completed_by_id", "cancelled_at",
)  # fmt: skip
CONTACT_COLUMNS = ("case_id", "method", "outcome", "at", "note", "recorded_by_id", "recorded_at")
ALLOCATION_COLUMNS = ("case_id", "from_user_id", "to_user_id", "by_id", "reason", "at")
TABLES: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (Submission, SUBMISSION_COLUMNS),
    (Referral, REFERRAL_COLUMNS),
    (Case, CASE_COLUMNS),
    (CaseStatusChange, STATUS_CHANGE_COLUMNS),
    (Task, TASK_COLUMNS),
    (Contact, CONTACT_COLUMNS),
    (CaseAllocation, ALLOCATION_COLUMNS),
)
CASE_MODELS = [Submission, Referral, Case, CaseStatusChange, Task, Contact, CaseAllocation]

Row = tuple[Any, ...]
Batch = list[tuple[type[Model], Sequence[str], list[Row]]]
OnwardReferralHook = Callable[["CaseChunk"], Batch]
# The interventions app appends a hook here to add onward referrals for the demo's cases.
ONWARD_REFERRAL_HOOKS: list[OnwardReferralHook] = []

STAGES = ("referred", "contacted", "assessed", "plan_agreed", "active_support")
SOURCES = (  # source, channel, share
    ("gp", "gp_form", 0.45),
    ("self", "self_form", 0.25),
    ("employer", "employer_form", 0.15),
    ("jobcentre", "jobcentre_form", 0.08),
    ("community", "community_form", 0.05),
    ("advice_line", "advice_line", 0.02),
)
REASONS = (
    "Off work with back pain and worried about going back.",
    "Struggling at work with anxiety and low mood.",
    "Neck and shoulder pain making desk work hard.",
    "Knee injury, off sick, wants help planning a return.",
    "Stress at work, signed off by GP for four weeks.",
    "Long-term condition flaring up; at risk of losing job.",
)
DISCHARGES = (  # reason, share, work status choices
    ("returned_to_work", 0.42, ("in_work_usual", "in_work_adjusted")),
    ("stayed_in_work", 0.18, ("in_work_usual", "in_work_adjusted")),
    ("no_longer_helps", 0.08, ("off_sick", "left_job", "unemployed_seeking")),
    ("time_limit", 0.07, ("off_sick", "in_work_adjusted", "unemployed_seeking")),
    ("not_contactable", 0.11, ("off_sick", "in_work_usual")),
    ("declined_before_assessment", 0.07, ("off_sick", "in_work_usual")),
    ("consent_withdrawn", 0.03, ("off_sick", "in_work_usual")),
    ("moved_out_of_area", 0.02, ("off_sick", "new_job")),
    ("other", 0.02, ("not_seeking", "off_sick")),
)
IN_WORK_STATUSES = ("in_work_usual", "in_work_adjusted", "new_job")
# Engaged clients who leave without returning: why, and their work status then.
NOT_RETURNED = (
    ("no_longer_helps", 0.35, ("off_sick", "left_job", "unemployed_seeking")),
    ("time_limit", 0.35, ("off_sick", "unemployed_seeking")),
    ("consent_withdrawn", 0.1, ("off_sick",)),
    ("moved_out_of_area", 0.1, ("off_sick", "new_job")),
    ("other", 0.1, ("not_seeking", "off_sick")),
)
DECLINE_REASONS = (
    "Not eligible: lives outside the service's area.",
    "Not eligible: already getting the same support elsewhere.",
)
CONTACT_METHODS = ("phone", "phone", "phone", "video", "face_to_face", "sms", "letter")
HISTORY_DAYS = 730  # cases were referred over the two years before the reference date
EARLIER_DECLINED_SHARE = 0.04
BREACH_SHARE = 0.12  # open cases whose next review slipped past its due date


@lru_cache(maxsize=64)
def model_key(rules_id: str) -> str:
    return str(ServiceModelVersion.objects.select_related("service_model").get(pk=rules_id).service_model.key)


def engaged_discharge(
    random_: Callable[[], float], key: str, condition: str, risk: str, employment: str
) -> tuple[str, tuple[str, ...], float]:
    """For a client who was assessed: the discharge reason, work statuses and how quickly (a factor on the
    case's length), with a chance of return set by the service model, the condition and the baseline risk
    (the demo's known effects, in fitforwork/demo/effects.py)."""
    chance, speed = return_chance(key, condition, risk)
    if random_() < chance:
        reason = "stayed_in_work" if employment == "employed_at_work" else "returned_to_work"
        return reason, ("in_work_usual", "in_work_usual", "in_work_adjusted"), speed
    point, total = random_(), 0.0
    for reason, share, statuses in NOT_RETURNED:
        total += share
        if point < total:
            return reason, statuses, 1.0
    return NOT_RETURNED[-1][0], NOT_RETURNED[-1][2], 1.0


@dataclass
class CaseChunk:
    """One chunk's rows, table by table, and the cases in it for hooks: (id, site id, status, opened at, the day
    it was assessed or None, case manager id, rules id, condition category, index in STAGES of the stage reached,
    the ordinal of the last day it was open)."""

    rows: dict[type[Model], list[Row]] = field(default_factory=lambda: {model: [] for model, _ in TABLES})
    cases: list[tuple[str, str, str, str, date | None, str, str, str, int, int]] = field(default_factory=list)
    hooks: Sequence[OnwardReferralHook] = ()

    def batch(self) -> Batch:
        batch: Batch = [(model, columns, self.rows[model]) for model, columns in TABLES]
        for hook in (*ONWARD_REFERRAL_HOOKS, *self.hooks):
            batch.extend(hook(self))
        return batch


def onward_referral_hook(*, rng: random.Random, today: date) -> tuple[list[type[Model]], OnwardReferralHook]:
    """Onward referrals from the interventions app's directory for the assessed cases, and the tables they fill."""
    from fitforwork.interventions.demo import DemoCase, DemoIntervention, onward_referral_rows
    from fitforwork.interventions.models import Intervention, OnwardReferral, OnwardReferralStatusChange
    from fitforwork.interventions.services import intervention_presets_load

    intervention_presets_load(actor=None)
    interventions = [
        DemoIntervention(str(item.pk), item.typical_wait_days) for item in Intervention.objects.order_by("name", "pk")
    ]

    new_id = id_maker(rng)

    def hook(chunk: CaseChunk) -> Batch:
        cases = [DemoCase(case[0], case[4], case[5]) for case in chunk.cases if case[4] is not None]
        return list(onward_referral_rows(rng=rng, cases=cases, interventions=interventions, today=today, new_id=new_id))

    return [OnwardReferral, OnwardReferralStatusChange], hook


@dataclass
class _SiteStaff:
    site_id: str
    nation: str
    rules_id: str
    first_contact_days: int
    assessment_days: int
    review_weeks: int
    case_managers: list[tuple[str, str | None]]  # (user, their case-management team)
    team_leads: list[str]


def site_staff(plans: list[SitePlan]) -> list[_SiteStaff]:
    """Each site's case managers (with their team) and team leads, and its rules, in a fixed order."""
    memberships = User.teams.through.objects.filter(
        user__role=Role.CASE_MANAGER, team__name__startswith="Case management"
    ).values_list("user_id", "team_id", "team__name")
    team_of: dict[str, str] = {}
    for user_id, team_id, _ in sorted(memberships, key=lambda item: item[2]):
        team_of.setdefault(str(user_id), str(team_id))
    staff = []
    for plan in plans:
        site = Site.objects.select_related("service_model").get(pk=plan.id)
        version = site.service_model.current_version
        assert isinstance(version, ServiceModelVersion)  # noqa: S101 - service_model_presets_load made one
        config = rules_config(version)
        users = User.objects.filter(site_id=plan.id, is_active=True).order_by("email")
        # Keys as strings, as the demo's own keys are: the rows repeat them, and a UUID's str() is slow.
        manager_ids = [str(pk) for pk in users.filter(role=Role.CASE_MANAGER).values_list("pk", flat=True)]
        managers = [(pk, team_of.get(pk)) for pk in manager_ids]
        leads = [str(pk) for pk in users.filter(role=Role.TEAM_LEAD).values_list("pk", flat=True)]
        staff.append(
            _SiteStaff(
                site_id=str(plan.id),
                nation=site.nation,
                rules_id=str(version.pk),
                first_contact_days=config.time_standards.first_contact_working_days,
                assessment_days=config.time_standards.assessment_working_days,
                review_weeks=config.time_standards.review_every_weeks,
                case_managers=managers,
                team_leads=leads or [managers[0][0]] if managers else leads,
            )
        )
    return staff


@lru_cache(maxsize=20_000)
def _working_days_after(ordinal: int, days: int, nation: str) -> int:
    return add_working_days(date.fromordinal(ordinal), days, nation).toordinal()


@lru_cache(maxsize=20_000)
def _next_working(ordinal: int, nation: str) -> int:
    return next_working_day(date.fromordinal(ordinal), nation).toordinal()


_day, _at = day_text, at_text
# Every two characters of a referral reference (32 characters, so five bits each).
_PAIRS = [a + b for a in ALPHABET for b in ALPHABET]
assert len(ALPHABET) == 32  # noqa: S101 - the pairs take ten bits


class CaseGenerator:
    """Referral and case rows for clients, from one seeded generator."""

    def __init__(self, *, rng: random.Random, staff: list[_SiteStaff], now: datetime, today: date) -> None:
        self.rng = rng
        self.random = rng.random
        self._uuid = id_maker(rng)
        self.now = now
        self.staff = {item.site_id: item for item in staff}
        self.reference = today.toordinal()
        self.references: set[str] = set()
        as_text = connection.vendor == "postgresql"  # COPY takes JSON as text, bulk_create as Python values
        self.payload: Any = '{"demo":true}' if as_text else {"demo": True}
        self.empty: Any = "[]" if as_text else []

    def _pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.random() * len(items))]

    def _reference(self) -> str:
        """A new reference, FW-XXXX-XXXX: 40 random bits, ten to each pair of characters."""
        pairs, bits = _PAIRS, self.rng.getrandbits
        while True:
            n = bits(40)
            reference = f"FW-{pairs[n >> 30]}{pairs[n >> 20 & 1023]}-{pairs[n >> 10 & 1023]}{pairs[n & 1023]}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _weighted(self, items: Sequence[tuple[Any, ...]], share_index: int) -> tuple[Any, ...]:
        point, total = self.random(), 0.0
        for item in items:
            total += item[share_index]
            if point < total:
                return item
        return items[-1]

    def chunk(self, clients: Sequence[tuple[str, str, str, date | None, str]], hooks: Sequence[Any] = ()) -> CaseChunk:
        """Rows for these clients: (person id, site id, employment status, absence start, condition)."""
        out = CaseChunk(hooks=hooks)
        for client in clients:
            staff = self.staff.get(client[1])
            if staff is None or not staff.case_managers:
                continue
            if self.random() < EARLIER_DECLINED_SHARE:
                self._referral(out, client, staff, status="declined", age=int(HISTORY_DAYS * (0.5 + self.random())))
            age = int(self.random() * HISTORY_DAYS)
            if age < 7 and self.random() < 0.5:
                self._referral(out, client, staff, status="received", age=age)
            else:
                referral_id, received, accepted_at = self._referral(out, client, staff, status="accepted", age=age)
                self._case(out, client, staff, (referral_id, received, accepted_at), age)
        return out

    def _referral(
        self, out: CaseChunk, client: Any, staff: _SiteStaff, *, status: str, age: int
    ) -> tuple[str, int, str]:
        person_id, site_id, employment, absence_start, condition = client
        source, channel, _ = self._weighted(SOURCES, 2)
        received = self.reference - age
        minute = int(self.random() * 480)
        received_at = _at(received, minute)
        submission_id, referral_id = self._uuid(), self._uuid()
        out.rows[Submission].append((
            submission_id, channel, received_at, self.payload, None, "", "", "referral", self.empty, received_at,
        ))  # fmt: skip
        decided_at = _at(received, minute + 120) if status != "received" else None
        decider = self._pick(staff.team_leads) if decided_at else None
        consent_date = _day(received - 2) if source == "employer" else None
        out.rows[Referral].append((
            referral_id, received_at, received_at, self._reference(), submission_id, channel, source, received_at,
            person_id, site_id, staff.rules_id, "", "", "", self._pick(REASONS), condition, employment,
            absence_start, "", True, consent_date, True, self.empty,
            _day(_working_days_after(received, staff.first_contact_days, staff.nation)), status,
            decided_at, decider, self._pick(DECLINE_REASONS) if status == "declined" else "", "",
        ))  # fmt: skip
        return referral_id, received, decided_at or received_at

    def _stage_for(self, age: int) -> str:
        """How far an open case has got, from how long ago it was referred (in days)."""
        point = self.random()
        if age < 4:
            return "referred" if point < 0.7 else "contacted"
        if age < 14:
            return ("referred", "contacted", "assessed")[0 if point < 0.1 else 1 if point < 0.55 else 2]
        if age < 42:
            return ("contacted", "assessed", "plan_agreed", "active_support")[min(3, int(point * 4))]
        return "plan_agreed" if point < 0.3 else "active_support"

    def _discharged(self, age: int) -> bool:
        chance = 0.04 if age < 28 else 0.25 if age < 84 else 0.6 if age < 182 else 0.97
        return self.random() < chance

    def _case(self, out: CaseChunk, client: Any, staff: _SiteStaff, referral: tuple[str, int, str],
              age: int) -> None:  # fmt: skip
        referral_id, received, accepted_at = referral
        person_id, site_id, employment = client[0], client[1], client[2]
        manager, team = self._pick(staff.case_managers)
        lead = self._pick(staff.team_leads)
        case_id = self._uuid()
        opened = received
        opened_at = accepted_at
        discharged = self._discharged(age)
        stage = self._stage_for(age)
        if discharged:
            # How far discharged cases got before they closed.
            point = self.random()
            stage = STAGES[0 if point < 0.12 else 1 if point < 0.2 else 2 if point < 0.3 else 4]
        reached = STAGES.index(stage)
        rows = out.rows
        changes = rows[CaseStatusChange]
        changes.append((case_id, "", "referred", lead, "", "", opened_at))
        day = opened
        stage_days: list[int] = [opened]
        for step in range(1, reached + 1):
            day = min(self.reference, day + 1 + int(self.random() * (4 if step < 3 else 12)))
            stage_days.append(day)
            changes.append((case_id, STAGES[step - 1], STAGES[step], manager, "", "", _at(day, 30 + step)))
        discharge_reason = work_status = ""
        discharged_at: str | None = None
        last_day = self.reference  # the last day the case was open
        return_to_work: str | None = None
        status = stage
        risk = "" if reached < 2 else self._pick(("low", "low", "medium", "medium", "high"))
        if discharged:
            status = "discharged"
            reason, _, work_statuses = self._weighted(DISCHARGES, 1)
            if reached == 0 and reason in ("returned_to_work", "stayed_in_work"):
                reason = "not_contactable"
            speed = 1.0
            if reached >= 2:  # engaged: whether they return depends on the model, the condition and the risk
                reason, work_statuses, speed = engaged_discharge(
                    self.random, model_key(staff.rules_id), client[4], risk, employment
                )
            work_status = self._pick(work_statuses)
            length = int(age * (0.4 + 0.5 * self.random()) * speed)
            end = min(self.reference, max(day + 1, received + length))
            last_day = end
            discharged_at = _at(end, 200)
            discharge_reason = reason
            if work_status in IN_WORK_STATUSES and reason in ("returned_to_work", "stayed_in_work"):
                return_to_work = _day(max(received, end - int(self.random() * 28)))
            changes.append((case_id, stage, "discharged", manager, "", reason, discharged_at))
        rows[Case].append((
            case_id, opened_at, opened_at, lead, referral_id, person_id, site_id, staff.rules_id, manager, team,
            status, stage, opened_at, discharged_at, discharge_reason,
            "Moved abroad." if discharge_reason == "other" else "", work_status, return_to_work, 0, risk, 1,
        ))  # fmt: skip
        rows[CaseAllocation].append((case_id, None, manager, lead, "New case", opened_at))
        assessed_on = date.fromordinal(stage_days[2]) if reached >= 2 else None
        out.cases.append(
            (case_id, site_id, status, opened_at, assessed_on, manager, staff.rules_id, client[4], reached, last_day)
        )
        self._tasks(rows[Task], staff, case_id, manager, received, opened_at, stage_days, discharged_at, employment)
        self._contacts(rows[Contact], case_id, manager, stage_days, reached)

    def _tasks(self, tasks: list[Row], staff: _SiteStaff, case_id: str, manager: str, received: int,
               opened_at: str, stage_days: list[int], discharged_at: Any, employment: str) -> None:  # fmt: skip
        nation, now = staff.nation, opened_at
        closed_at = discharged_at or None
        reached = len(stage_days) - 1

        def add(kind: str, title: str, due: int, done_on: int | None) -> None:
            completed = _at(done_on, 60) if done_on is not None else None
            cancelled = closed_at if completed is None else None
            tasks.append((
                self._uuid(), now, now, case_id, kind, title, _day(due), manager, True, completed,
                manager if completed else None, cancelled,
            ))  # fmt: skip

        first_due = _working_days_after(received, staff.first_contact_days, nation)
        add("first_contact", "Make first contact", first_due, stage_days[1] if reached >= 1 else None)
        assess_due = _working_days_after(received, staff.assessment_days, nation)
        add("assessment", "Assess", assess_due, stage_days[2] if reached >= 2 else None)
        if reached >= 2 and not closed_at:
            # Reviews are kept up: the next is due within one review period of the reference date.
            period = 7 * staff.review_weeks
            due = _next_working(max(stage_days[-1] + period, self.reference + 1 + int(self.random() * period)), nation)
            if self.random() < BREACH_SHARE:
                due = _next_working(self.reference - 1 - int(self.random() * 14), nation)
            add("review", "Review the case", due, None)
        if not closed_at and employment != "self_employed":
            add("case_length", "Case length limit: 26 weeks from referral", _next_working(received + 182, nation), None)

    def _contacts(self, contacts: list[Row], case_id: str, manager: str, stage_days: list[int],
                  reached: int) -> None:  # fmt: skip
        if reached == 0:
            if self.random() < 0.6:
                at = _at(stage_days[0] + 1, 90)
                contacts.append((case_id, "phone", "attempted", at, "", manager, at))
            return
        if self.random() < 0.35:
            at = _at(stage_days[1] - 1 if stage_days[1] > stage_days[0] else stage_days[0], 45)
            contacts.append((case_id, "phone", "attempted", at, "", manager, at))
        for step in range(1, reached + 1):
            at = _at(stage_days[step], 30)
            method = self._pick(CONTACT_METHODS)
            outcome = "made" if self.random() < 0.93 or method in ("sms", "letter") else "did_not_attend"
            contacts.append((case_id, method, outcome, at, "", manager, at))
