"""Making one referral from one stored submission, in one transaction (ADR 0010).

`referral_make` is the one way a referral is made, whatever the channel: it locks the submission (so a retry,
or ten at once, gets the same referral), routes it to a site, checks eligibility under the site's newest
rules, finds the person, flags a possible duplicate, and writes the referral. Its audit event is the last
statement, so the audit chain's head is locked only for the moment before the commit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fitforwork.consent.services import consent_record_referral
from fitforwork.core.audit.services import audit_batch, audit_record
from fitforwork.core.calendar import add_working_days
from fitforwork.organisations.selectors import rules_config
from fitforwork.people import services as people_services
from fitforwork.people.models import Person
from fitforwork.referrals import checks, notifications
from fitforwork.referrals.eligibility import ReferralFacts, evaluate
from fitforwork.referrals.inputs import FieldError, ReferralInput, ReferralRefused
from fitforwork.referrals.models import Referral, ReferralStatusChange, Submission
from fitforwork.referrals.references import new_reference
from fitforwork.referrals.selectors import (
    find_possible_duplicate,
    latest_rules,
    previous_referral_date,
    site_for_referral,
)

NOT_COVERED = (
    "We do not run a service for this GP practice or postcode. Check them, or find the service for the person's area."
)


def _check(data: ReferralInput) -> None:
    """The checks that need nothing written: raises ReferralRefused naming the field."""
    if data.employment_status == "employed_off_sick" and data.absence_start is None:
        raise ReferralRefused([FieldError("absence_start", "Enter the first day the person was off sick")])
    if data.source == "employer" and data.written_consent_date is None:
        raise ReferralRefused(
            [FieldError("written_consent_date", "Enter the date the employee gave written consent to this referral")]
        )
    checks.check_referrer(data)


def _person(data: ReferralInput) -> tuple[Person, bool, Person | None]:
    """The person the referral is about, whether they are new, and the record already holding the NHS number
    sent when that record is someone else's (another name or date of birth).

    An NHS number alone never attaches a referral to an existing record: a mistyped or guessed number would
    show a referrer someone else's details. Then the referral is about a new record without the number, and
    the referral keeps the number as sent, marked as a conflict for triage to resolve.
    """
    holder = Person.objects.filter(nhs_number=data.nhs_number).first() if data.nhs_number else None
    if holder is not None and checks.same_person(holder, data):
        return holder, False, None
    try:
        person = people_services.person_register(
            actor=data.referrer_user,
            nhs_number="" if holder is not None else data.nhs_number,
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
    except ValidationError as invalid:
        raise checks.refusal(invalid) from None
    return person, True, holder


@transaction.atomic
def referral_make(*, submission: Submission, data: ReferralInput) -> Referral:
    """Make the referral for a stored submission, once: a retry waits for the lock and gets the same one."""
    Submission.objects.select_for_update().filter(pk=submission.pk).values_list("pk", flat=True).get()
    existing = Referral.objects.filter(submission_id=submission.pk).first()
    if existing is not None:
        return existing
    _check(data)
    site = site_for_referral(gp_practice=data.gp_practice, postcode=data.postcode)
    if site is None:
        raise ReferralRefused([FieldError("gp_practice", NOT_COVERED)])
    rules = latest_rules(site.service_model_id)
    if rules is None:
        raise ReferralRefused([FieldError("site", f"{site.name} has no service model rules yet.")])
    config = rules_config(rules)
    received_at = submission.received_at
    received_on = timezone.localdate(received_at)
    # Every audit event of this transaction (the person, their job, the referral) is appended last.
    with audit_batch():
        person, is_new, holder = _person(data)
        duplicate = find_possible_duplicate(
            nhs_number=data.nhs_number,
            given_name=data.given_name,
            family_name=data.family_name,
            date_of_birth=data.date_of_birth,
            postcode=data.postcode,
            since=received_on,
        )
        previous_on = None if is_new else previous_referral_date(person=person, before=received_at)
        facts = ReferralFacts(
            source=data.source,
            received_on=received_on,
            employment_status=data.employment_status,
            absence_start=data.absence_start,
            expected_absence_weeks=data.expected_absence_weeks,
            employer_size_band=data.employer_size_band or (data.employer.size_band if data.employer else "") or None,
            nation=site.nation,
            in_area=True,  # a site covering the person's GP practice or postcode was found
            previous_referral_on=previous_on,
            consent_given=data.consent_given,
            written_consent_confirmed=data.written_consent_date is not None,
            gp_has_referred=not is_new and _gp_has_referred(person),
            unemployed_since=data.unemployed_since,
            fit_note_requested_or_at_risk=data.fit_note_requested_or_at_risk,
        )
        decision = evaluate(config, facts)
        referral = Referral(
            reference=new_reference(),
            submission=submission,
            channel=submission.channel,
            source=data.source,
            received_at=received_at,
            person=person,
            site=site,
            rules=rules,
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
            nhs_number=data.nhs_number,
            sent_details=data.sent_details(),
            nhs_number_conflict=Referral.NhsNumberConflict.OPEN if holder else "",
            nhs_number_holder=holder,
            eligible=decision.eligible,
            eligibility_failures=decision.as_json(),
            first_contact_due=add_working_days(
                received_on, config.time_standards.first_contact_working_days, site.nation
            ),
            duplicate_status=Referral.DuplicateStatus.FLAGGED if duplicate else "",
            possible_duplicate_of_id=duplicate,
        )
        referral.stamp(data.referrer_user)
        referral.save(force_insert=True)
        ReferralStatusChange.objects.create(
            referral=referral, from_status="", to_status=Referral.Status.RECEIVED, actor=data.referrer_user
        )
        consent_record_referral(referral=referral, actor=data.referrer_user)
        Submission.objects.filter(pk=submission.pk).update(
            outcome=Submission.Outcome.REFERRAL, processed_at=timezone.now()
        )
        submission.outcome = Submission.Outcome.REFERRAL
        notifications.referrals_received([referral])
        audit_record(
            actor=data.referrer_user,
            action="referrals.referral.received",
            obj=referral,
            data={"channel": referral.channel, "source": referral.source, "eligible": referral.eligible},
        )
    return referral


def _gp_has_referred(person: Person) -> bool:
    return Referral.objects.filter(
        person=person, source="gp", status__in=[Referral.Status.RECEIVED, Referral.Status.ACCEPTED]
    ).exists()
