"""Making referrals from stored submissions, several in one transaction.

`referrals_make(jobs)` is the one way a referral is made, whether one arrived or many: the intake's group
commit hands it every referral that arrived while the one before was being written (ADR 0009), and a form
hands it one. Each job comes back with its referral or its refusal. The database sees one transaction with
bulk inserts and one audit append; the checks are the same as for one referral at a time, and referrals in
one batch see each other: the second of two for the same person is flagged as a possible duplicate of the
first, exactly as if the first had been committed before it arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fitforwork.core.audit.services import audit_batch, audit_record
from fitforwork.core.calendar import add_working_days
from fitforwork.core.group_commit import Job
from fitforwork.organisations.config import ServiceModelConfig
from fitforwork.organisations.models import ServiceModelVersion, Site
from fitforwork.organisations.selectors import rules_config
from fitforwork.people import services as people_services
from fitforwork.people.models import Person
from fitforwork.referrals import checks, notifications, routing
from fitforwork.referrals.eligibility import ReferralFacts, evaluate
from fitforwork.referrals.inputs import FieldError, ReferralInput, ReferralRefused
from fitforwork.referrals.models import Referral, ReferralStatusChange, Submission
from fitforwork.referrals.references import new_reference
from fitforwork.referrals.selectors import Identity, find_possible_duplicates, previous_referral_date

NOT_COVERED = (
    "We do not run a service for this GP practice or postcode. Check them, or find the service for the person's area."
)


class ReferralJob(Job):
    """One stored submission to make a referral from; `referral` or `refused` is set once it is written."""

    def __init__(self, *, submission: Submission, data: ReferralInput, first_attempt: bool) -> None:
        super().__init__()
        self.submission = submission
        self.data = data
        self.first_attempt = first_attempt
        self.referral: Referral | None = None
        self.refused: ReferralRefused | None = None

    def reset(self) -> None:
        self.referral, self.refused = None, None

    def result(self) -> Referral:
        if self.refused is not None:
            raise self.refused
        if self.referral is None:
            raise RuntimeError("This job has not been written")
        return self.referral


@dataclass
class _Plan:
    """What a job's checks found before anything is written for it."""

    site: Site
    rules: ServiceModelVersion
    config: ServiceModelConfig
    received_at: datetime
    received_on: date
    person: Person | None = None
    is_new: bool = False


def _plan(job: ReferralJob) -> _Plan:
    """The checks that need nothing written: raises ReferralRefused naming the field."""
    data = job.data
    if data.employment_status == "employed_off_sick" and data.absence_start is None:
        raise ReferralRefused([FieldError("absence_start", "Enter the first day the person was off sick")])
    if data.source == "employer" and data.written_consent_date is None:
        raise ReferralRefused(
            [FieldError("written_consent_date", "Enter the date the employee gave written consent to this referral")]
        )
    checks.check_referrer(data)
    site = routing.route_referral(gp_practice=data.gp_practice, postcode=data.postcode)
    if site is None:
        raise ReferralRefused([FieldError("gp_practice", NOT_COVERED)])
    rules = routing.latest_rules(site.service_model_id)
    if rules is None:
        raise ReferralRefused([FieldError("site", f"{site.name} has no service model rules yet.")])
    received_at = job.submission.received_at
    return _Plan(
        site=site,
        rules=rules,
        config=rules_config(rules),
        received_at=received_at,
        received_on=timezone.localdate(received_at),
    )


@transaction.atomic
def referrals_make(jobs: list[ReferralJob]) -> None:
    """Make the referral for each stored submission, once; sets each job's referral or refusal.

    Each submission's row is locked first, so attempts at the same submission take turns. A first attempt
    takes the lock by recording the outcome; a retry locks, then looks for a referral an earlier attempt
    made. Should a retry get in between a first attempt's commit of the submission and its lock, the
    referral's unique submission makes the later of the two fail, and `receive` answers it with the
    earlier one's referral.
    """
    with audit_batch():
        _make_once_each(jobs)


def _make_once_each(jobs: list[ReferralJob]) -> None:
    """`_make` for each submission once: attempts at the same submission in one batch (a sender retrying
    while its first attempt waits to be written) share the first one's answer."""
    first: dict[Any, ReferralJob] = {}
    for job in jobs:
        first.setdefault(job.submission.pk, job)
    _make(list(first.values()))
    for job in jobs:
        job.referral, job.refused = first[job.submission.pk].referral, first[job.submission.pk].refused


def _make(jobs: list[ReferralJob]) -> None:
    now = timezone.now()
    _answer_retries([job for job in jobs if not job.first_attempt])
    plans: dict[int, _Plan] = {}
    for job in jobs:
        if job.referral is not None:
            continue
        try:
            plans[id(job)] = _plan(job)
        except ReferralRefused as refused:
            job.refused = refused
    new_people = _find_people([job for job in jobs if id(job) in plans], plans)
    todo = [job for job in jobs if id(job) in plans and job.refused is None]
    if not todo:
        return
    Submission.objects.filter(pk__in=[job.submission.pk for job in todo]).update(
        outcome=Submission.Outcome.REFERRAL, processed_at=now
    )
    if new_people:
        # Just looked up: one recorded since then makes the insert fail, and `receive` tries again.
        people_services.people_register(new_people, numbers_checked=True)
    stored_duplicates = find_possible_duplicates(
        [
            Identity(
                nhs_number=job.data.nhs_number,
                given_name=job.data.given_name,
                family_name=job.data.family_name,
                date_of_birth=job.data.date_of_birth,
                postcode=job.data.postcode,
                since=plans[id(job)].received_on,
            )
            for job in todo
        ]
    )
    earlier = _Earlier()
    referrals = []
    for job, stored_duplicate in zip(todo, stored_duplicates, strict=True):
        plan = plans[id(job)]
        referral = _referral(job, plan, earlier, stored_duplicate)
        earlier.add(job.data, plan, referral)
        referrals.append(referral)
        job.referral = referral
    Referral.objects.bulk_create(referrals)
    ReferralStatusChange.objects.bulk_create(
        ReferralStatusChange(referral=r, from_status="", to_status=Referral.Status.RECEIVED, actor=r.referrer_user)
        for r in referrals
    )
    for job, referral in zip(todo, referrals, strict=True):
        job.submission.outcome, job.submission.processed_at = Submission.Outcome.REFERRAL, now
        audit_record(
            actor=job.data.referrer_user,
            action="referrals.referral.received",
            obj=referral,
            data={"channel": referral.channel, "source": referral.source, "eligible": referral.eligible},
        )
    notifications.referrals_received(referrals)


def _answer_retries(retries: list[ReferralJob]) -> None:
    """Lock retried submissions; a retry whose submission already has its referral gets that one."""
    if not retries:
        return
    ids = sorted(job.submission.pk for job in retries)
    list(Submission.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    made = {r.submission_id: r for r in Referral.objects.filter(submission_id__in=ids)}
    for job in retries:
        job.referral = made.get(job.submission.pk)


def _find_people(todo: list[ReferralJob], plans: dict[int, _Plan]) -> list[tuple[Any, Person, Any]]:
    """The person each referral is about: someone we know by NHS number, name and date of birth, or someone
    new, checked here and returned for `people_register`. An NHS number alone never attaches a referral to an
    existing record: a mistyped or guessed number would show a referrer someone else's details. A new record
    whose NHS number is already held keeps it only in the stored submission, and the referral is flagged as a
    possible duplicate. A job whose new person fails the person checks (an email address that is not one, a
    name too long to keep) is refused, naming the field, and writes nothing."""
    numbers = {job.data.nhs_number for job in todo if job.data.nhs_number}
    holders = {p.nhs_number: p for p in Person.objects.filter(nhs_number__in=numbers)} if numbers else {}
    new: list[tuple[Any, Person, Any]] = []
    for job in todo:
        data, plan = job.data, plans[id(job)]
        nhs_number = data.nhs_number
        holder = holders.get(nhs_number) if nhs_number else None
        if holder is not None:
            if holder.date_of_birth == data.date_of_birth and (
                holder.family_name.strip().casefold() == data.family_name.strip().casefold()
            ):
                plan.person, plan.is_new = holder, holder._state.adding
                continue
            nhs_number = ""
        try:
            person, job_record = _person_prepare(data, nhs_number)
        except ValidationError as invalid:
            job.refused = checks.refusal(invalid)
            continue
        if person.nhs_number:
            holders[person.nhs_number] = person  # a later referral in this batch finds them as if stored
        new.append((data.referrer_user, person, job_record))
        plan.person, plan.is_new = person, True
    return new


def _person_prepare(data: ReferralInput, nhs_number: str) -> tuple[Person, Any]:
    return people_services.person_prepare(
        actor=data.referrer_user,
        nhs_number=nhs_number,
        given_name=data.given_name,
        family_name=data.family_name,
        date_of_birth=data.date_of_birth,
        sex=data.sex,
        email=data.email,
        phone=data.phone,
        address_line_1=data.address_line_1,
        address_line_2=data.address_line_2,
        town=data.town,
        postcode=data.postcode,
        gp_practice=data.gp_practice,
        employment={
            "status": data.employment_status,
            "employer": data.employer,
            "employer_name": data.employer_name if data.employer is None else "",
            "job_title": data.job_title,
            "absence_start": data.absence_start,
        },
    )


class _Earlier:
    """The referrals made earlier in this batch, as the checks of later ones would find them once stored."""

    def __init__(self) -> None:
        self.by_nhs_number: dict[str, Referral] = {}
        self.by_details: dict[tuple[str, str, date, str], Referral] = {}
        self.by_person: dict[UUID, list[Referral]] = {}

    @staticmethod
    def _details(data: ReferralInput) -> tuple[str, str, date, str]:
        return (
            data.given_name.strip().casefold(),
            data.family_name.strip().casefold(),
            data.date_of_birth,
            data.postcode.strip().casefold(),
        )

    def add(self, data: ReferralInput, plan: _Plan, referral: Referral) -> None:
        if plan.person is not None and plan.person.nhs_number:
            self.by_nhs_number[plan.person.nhs_number] = referral
        if data.nhs_number:
            self.by_nhs_number[data.nhs_number] = referral
        self.by_details[self._details(data)] = referral
        self.by_person.setdefault(referral.person_id, []).append(referral)

    def duplicate_of(self, data: ReferralInput) -> Referral | None:
        """The newest referral earlier in the batch with the same name, date of birth and postcode, or NHS number."""
        matches = [self.by_details.get(self._details(data))]
        if data.nhs_number:
            matches.append(self.by_nhs_number.get(data.nhs_number))
        found = [r for r in matches if r is not None]
        return max(found, key=lambda r: r.received_at) if found else None

    def for_person(self, person: Person) -> list[Referral]:
        return self.by_person.get(person.pk, [])


def _referral(
    job: ReferralJob, plan: _Plan, earlier: _Earlier, stored_duplicate: tuple[UUID, datetime] | None
) -> Referral:
    data, submission, site = job.data, job.submission, plan.site
    person = plan.person
    if person is None:
        raise RuntimeError("_find_people gives every referral its person first")
    # The newest possible duplicate, whether stored or earlier in this batch.
    in_batch = earlier.duplicate_of(data)
    duplicate = stored_duplicate[0] if stored_duplicate else None
    if in_batch is not None and (stored_duplicate is None or in_batch.received_at >= stored_duplicate[1]):
        duplicate = in_batch.pk
    before = earlier.for_person(person)
    is_new = plan.is_new and not before
    previous_on = None if is_new else previous_referral_date(person=person, before=plan.received_at)
    if before:
        latest = max(timezone.localdate(r.received_at) for r in before)
        previous_on = latest if previous_on is None else max(previous_on, latest)
    gp_has_referred = any(r.source == "gp" for r in before) or (not plan.is_new and _gp_has_referred(person))
    facts = ReferralFacts(
        source=data.source,
        received_on=plan.received_on,
        employment_status=data.employment_status,
        absence_start=data.absence_start,
        expected_absence_weeks=data.expected_absence_weeks,
        employer_size_band=data.employer_size_band or (data.employer.size_band if data.employer else "") or None,
        nation=site.nation,
        in_area=True,  # routing found a site covering the person's GP practice or postcode
        previous_referral_on=previous_on,
        consent_given=data.consent_given,
        written_consent_confirmed=data.written_consent_date is not None,
        gp_has_referred=gp_has_referred,
        unemployed_since=data.unemployed_since,
        fit_note_requested_or_at_risk=data.fit_note_requested_or_at_risk,
    )
    decision = evaluate(plan.config, facts)
    referral = Referral(
        reference=new_reference(),
        submission=submission,
        channel=submission.channel,
        source=data.source,
        received_at=plan.received_at,
        person=person,
        site=site,
        rules=plan.rules,
        referrer_user=data.referrer_user,
        referrer_organisation=data.referrer_organisation,
        referrer_name=data.referrer_name[: checks.REFERRER_NAME_LONGEST],
        referrer_email=data.referrer_email,
        referrer_phone=data.referrer_phone,
        reason=data.reason,
        help_wanted=data.help_wanted,
        condition_category=data.condition_category,
        employment_status=data.employment_status,
        absence_start=data.absence_start,
        expected_absence_weeks=data.expected_absence_weeks,
        employer_size_band=facts.employer_size_band or "",
        consent_given=data.consent_given,
        written_consent_date=data.written_consent_date,
        eligible=decision.eligible,
        eligibility_failures=decision.as_json(),
        first_contact_due=add_working_days(
            plan.received_on, plan.config.time_standards.first_contact_working_days, site.nation
        ),
        duplicate_status=Referral.DuplicateStatus.FLAGGED if duplicate else "",
        possible_duplicate_of_id=duplicate,
    )
    referral.stamp(data.referrer_user)
    return referral


def _gp_has_referred(person: Person) -> bool:
    return Referral.objects.filter(
        person=person, source="gp", status__in=[Referral.Status.RECEIVED, Referral.Status.ACCEPTED]
    ).exists()
