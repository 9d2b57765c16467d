"""The one way in for referrals from every channel: store what arrived, then make a referral or refuse it.

1. `submission_store` commits the submission exactly as received, before anything else runs.
2. The channel parses and validates it into a `ReferralInput` (or a list of field errors).
3. `referral_from_submission` routes it to a site, checks eligibility against that site's rules, flags
   possible duplicates and creates the referral, all in one transaction under a lock on the submission,
   so a retry (or ten at once) with the same idempotency key gets the same referral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fitforwork.accounts.models import User
from fitforwork.core.audit.services import audit_batch, audit_record
from fitforwork.core.calendar import add_working_days
from fitforwork.organisations.config import ServiceModelConfig
from fitforwork.organisations.models import Organisation, ServiceModelVersion
from fitforwork.people import services as people_services
from fitforwork.people.models import Person
from fitforwork.referrals import notifications
from fitforwork.referrals.eligibility import ReferralFacts, evaluate
from fitforwork.referrals.models import Referral, ReferralStatusChange, Submission
from fitforwork.referrals.references import new_reference
from fitforwork.referrals.routing import route_referral
from fitforwork.referrals.selectors import find_possible_duplicate, previous_referral_date


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ReferralRefused(Exception):
    """The submission cannot become a referral; each error names the field and says why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True, kw_only=True)
class ReferralInput:
    """A submission's content once a channel has parsed and validated it."""

    source: str
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str
    reason: str
    condition_category: str
    employment_status: str
    consent_given: bool
    nhs_number: str = ""
    sex: str = "not_stated"
    email: str = ""
    phone: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    gp_practice: Organisation | None = None
    employer: Organisation | None = None
    employer_name: str = ""
    employer_size_band: str = ""
    job_title: str = ""
    absence_start: date | None = None
    expected_absence_weeks: int | None = None
    unemployed_since: date | None = None
    written_consent_date: date | None = None
    fit_note_requested_or_at_risk: bool = False
    referrer_user: User | None = None
    referrer_organisation: Organisation | None = None
    referrer_name: str = ""
    referrer_email: str = ""
    referrer_phone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def submission_store(
    *,
    channel: str,
    payload: Any,
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
) -> tuple[Submission, bool]:
    """Keep what arrived, committed on its own; a repeat of an idempotency key returns the first one."""
    submission = Submission(
        channel=channel,
        payload=payload,
        submitted_by=submitted_by,
        idempotency_scope=idempotency_scope if idempotency_key else "",
        idempotency_key=idempotency_key,
    )
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                submission.save(force_insert=True)
        else:
            submission.save(force_insert=True)  # one statement, committed as it runs
        return submission, True
    except IntegrityError:
        if not idempotency_key:
            raise
        return Submission.objects.get(idempotency_scope=idempotency_scope, idempotency_key=idempotency_key), False


def receive(
    *,
    channel: str,
    payload: Any,
    parse: Callable[[Any], ReferralInput],
    submitted_by: User | None = None,
    idempotency_scope: str = "",
    idempotency_key: str = "",
) -> Referral:
    """Store, then parse and make the referral; raises ReferralRefused with field errors, having kept the submission."""
    submission, created = submission_store(
        channel=channel,
        payload=payload,
        submitted_by=submitted_by,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
    )
    if not created:
        # A retry gets the first attempt's answer, worked out from what was stored first, never from the retry.
        existing = Referral.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
        if submission.outcome == Submission.Outcome.REFUSED:
            raise ReferralRefused([FieldError(e["field"], e["message"]) for e in submission.errors])
        payload = submission.payload
    try:
        data = parse(payload)
        return referral_from_submission(submission=submission, data=data, first_attempt=created)
    except ReferralRefused as refused:
        submission_refuse(submission=submission, errors=refused.errors)
        raise
    except IntegrityError:
        # A retry of this submission made its referral while this attempt was working: answer with that one.
        existing = Referral.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
        # Another referral recorded the same new person (the same NHS number) at the same moment. That one
        # has committed, so this attempt, tried once more, finds the person instead of making them again.
        try:
            return referral_from_submission(submission=submission, data=data)
        except ReferralRefused as refused:
            submission_refuse(submission=submission, errors=refused.errors)
            raise


@transaction.atomic
def submission_refuse(*, submission: Submission, errors: list[FieldError]) -> None:
    """Record why a submission made no referral; the submission itself stays as it was received."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.outcome == Submission.Outcome.REFERRAL:
        return
    locked.outcome = Submission.Outcome.REFUSED
    locked.errors = [{"field": e.field, "message": e.message} for e in errors]
    locked.processed_at = timezone.now()
    locked.save(update_fields=["outcome", "errors", "processed_at"])


@transaction.atomic
def referral_from_submission(*, submission: Submission, data: ReferralInput, first_attempt: bool = False) -> Referral:
    """Make the referral for a stored submission, once; a concurrent retry waits here and gets the same one.

    The submission's row is locked first, so attempts at the same submission take turns. A first attempt
    takes the lock by recording the outcome (rolled back with everything else if it is refused); a retry
    locks, then looks for a referral an earlier attempt made. Should a retry get in between a first
    attempt's commit of the submission and its lock, the referral's unique submission makes the later of
    the two fail, and `receive` answers it with the earlier one's referral.
    """
    with audit_batch():
        return _make_referral(submission=submission, data=data, first_attempt=first_attempt)


def _make_referral(*, submission: Submission, data: ReferralInput, first_attempt: bool) -> Referral:
    now = timezone.now()
    if first_attempt:
        Submission.objects.filter(pk=submission.pk).update(outcome=Submission.Outcome.REFERRAL, processed_at=now)
        locked = submission
    else:
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        existing = Referral.objects.filter(submission=locked).first()
        if existing is not None:
            return existing
        Submission.objects.filter(pk=submission.pk).update(outcome=Submission.Outcome.REFERRAL, processed_at=now)

    if data.employment_status == "employed_off_sick" and data.absence_start is None:
        raise ReferralRefused([FieldError("absence_start", "Enter the first day the person was off sick")])
    if data.source == "employer" and data.written_consent_date is None:
        raise ReferralRefused(
            [FieldError("written_consent_date", "Enter the date the employee gave written consent to this referral")]
        )
    site = route_referral(gp_practice=data.gp_practice, postcode=data.postcode)
    if site is None:
        raise ReferralRefused(
            [
                FieldError(
                    "gp_practice",
                    "We do not run a service for this GP practice or postcode. Check them, or find the service for "
                    "the person's area.",
                )
            ]
        )
    rules = (
        ServiceModelVersion.objects.filter(service_model_id=site.service_model_id)
        .select_related("service_model")
        .order_by("-number")
        .first()
    )
    if rules is None:
        raise ReferralRefused([FieldError("site", f"{site.name} has no service model rules yet.")])
    config = rules_config(rules)
    received_at = locked.received_at
    received_on = timezone.localdate(received_at)

    duplicate = find_possible_duplicate(
        nhs_number=data.nhs_number,
        given_name=data.given_name,
        family_name=data.family_name,
        date_of_birth=data.date_of_birth,
        postcode=data.postcode,
        since=received_on,
    )
    person, is_new = _person_for(data, actor=data.referrer_user)
    facts = ReferralFacts(
        source=data.source,
        received_on=received_on,
        employment_status=data.employment_status,
        absence_start=data.absence_start,
        expected_absence_weeks=data.expected_absence_weeks,
        employer_size_band=data.employer_size_band or (data.employer.size_band if data.employer else "") or None,
        nation=site.nation,
        in_area=True,  # routing found a site covering the person's GP practice or postcode
        # A person first recorded by this referral has no earlier ones.
        previous_referral_on=None if is_new else previous_referral_date(person=person, before=received_at),
        consent_given=data.consent_given,
        written_consent_confirmed=data.written_consent_date is not None,
        gp_has_referred=False if is_new else _gp_has_referred(person),
        unemployed_since=data.unemployed_since,
        fit_note_requested_or_at_risk=data.fit_note_requested_or_at_risk,
    )
    decision = evaluate(config, facts)
    referral = Referral(
        reference=new_reference(),
        submission=locked,
        channel=locked.channel,
        source=data.source,
        received_at=received_at,
        person=person,
        site=site,
        rules=rules,
        referrer_user=data.referrer_user,
        referrer_organisation=data.referrer_organisation,
        referrer_name=data.referrer_name,
        referrer_email=data.referrer_email,
        referrer_phone=data.referrer_phone,
        reason=data.reason,
        condition_category=data.condition_category,
        employment_status=data.employment_status,
        absence_start=data.absence_start,
        expected_absence_weeks=data.expected_absence_weeks,
        employer_size_band=facts.employer_size_band or "",
        consent_given=data.consent_given,
        written_consent_date=data.written_consent_date,
        eligible=decision.eligible,
        eligibility_failures=decision.as_json(),
        first_contact_due=add_working_days(received_on, config.time_standards.first_contact_working_days, site.nation),
        duplicate_status=Referral.DuplicateStatus.FLAGGED if duplicate else "",
        possible_duplicate_of_id=duplicate,
    )
    referral.stamp(data.referrer_user)
    referral.save(force_insert=True)
    ReferralStatusChange.objects.create(
        referral=referral, from_status="", to_status=Referral.Status.RECEIVED, actor=data.referrer_user
    )
    locked.outcome, locked.processed_at = Submission.Outcome.REFERRAL, now
    audit_record(
        actor=data.referrer_user,
        action="referrals.referral.received",
        obj=referral,
        data={"channel": referral.channel, "source": referral.source, "eligible": referral.eligible},
    )
    notifications.referral_received(referral)
    return referral


@lru_cache(maxsize=256)
def _parsed_config(version_id: Any) -> ServiceModelConfig:
    return ServiceModelConfig.from_dict(ServiceModelVersion.objects.get(pk=version_id).config)


def rules_config(version: ServiceModelVersion) -> ServiceModelConfig:
    """A version's rules, parsed once per process: versions never change, so the cache cannot go stale."""
    return _parsed_config(version.pk)


def _person_for(data: ReferralInput, *, actor: User | None) -> tuple[Person, bool]:
    """The person we know with this NHS number, name and date of birth, or a new record; and whether it is new.

    An NHS number alone never attaches a referral to an existing record: a mistyped or guessed number would
    show a referrer someone else's details. A new record whose NHS number is already held keeps it only in
    the stored submission, and the referral is flagged as a possible duplicate for the team to check.
    """
    nhs_number = data.nhs_number
    if nhs_number:
        holder = Person.objects.filter(nhs_number=nhs_number).first()
        if holder is not None:
            if holder.date_of_birth == data.date_of_birth and (
                holder.family_name.strip().casefold() == data.family_name.strip().casefold()
            ):
                return holder, False
            nhs_number = ""
    person = people_services.person_register(
        actor=actor,
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
    return person, True


def _gp_has_referred(person: Person) -> bool:
    return Referral.objects.filter(
        person=person, source="gp", status__in=[Referral.Status.RECEIVED, Referral.Status.ACCEPTED]
    ).exists()
