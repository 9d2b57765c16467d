"""Retention: what has been kept as long as the records management code asks, and deleting it.

A case is an adult care record, kept 8 years after it closes (the NHS England Records Management Code of
Practice 2021, Appendix II: adult health records, 8 years after the conclusion of treatment). A referral
that was declined never became a case; it is kept for the same period after the decision. Everything that
hangs off a case (its referral and what was sent, tasks, contacts, care team, notes, onward referrals and
the outbox messages about it) goes with it, and a person's own record goes when their last referral does.

Deleting is one transaction per person, and each writes a tombstone to the audit trail: which rule, what
kinds of record and how many. Audit events themselves are never deleted (the database refuses it), so the
chain stays whole and `fitforwork audit verify` still passes.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Min, Model, QuerySet
from django.utils import timezone

from fitforwork.assessments.models import RedFlag
from fitforwork.cases.models import Case, Letter
from fitforwork.core.audit.services import audit_record
from fitforwork.core.outbox.models import Message
from fitforwork.dataprotection.selectors import EXPORTED
from fitforwork.employers.models import EmployerResponse
from fitforwork.interventions.models import OnwardReferral
from fitforwork.people.models import Person
from fitforwork.plans.models import PlanVersion
from fitforwork.referrals.models import Referral, Submission

TOMBSTONE_ACTION = "retention.records_deleted"
SOURCE = "NHS England Records Management Code of Practice 2021, Appendix II: adult health records"


@dataclass(frozen=True)
class Rule:
    record_type: str
    years: int
    starts: str

    @property
    def text(self) -> str:
        return f"{self.record_type}: {self.years} years after {self.starts} ({SOURCE})"


def rules() -> dict[str, Rule]:
    years = settings.RETENTION_YEARS
    return {
        "case": Rule("case", int(years["case"]), "the case closes"),
        "declined_referral": Rule("declined_referral", int(years["declined_referral"]), "the referral was declined"),
    }


def _years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year - years, day=28)


def expired_cases(now: datetime.datetime | None = None) -> QuerySet[Case]:
    cutoff = _years_before(now or timezone.now(), rules()["case"].years)
    return Case.objects.filter(status=Case.Status.DISCHARGED, discharged_at__lt=cutoff)


def expired_declined_referrals(now: datetime.datetime | None = None) -> QuerySet[Referral]:
    cutoff = _years_before(now or timezone.now(), rules()["declined_referral"].years)
    return Referral.objects.filter(status=Referral.Status.DECLINED, decided_at__lt=cutoff, case__isnull=True)


@dataclass
class Plan:
    """What a retention run would delete: counts per kind of record, and the oldest date each rule starts from."""

    counts: Counter[str] = field(default_factory=Counter)
    oldest: dict[str, datetime.datetime | None] = field(default_factory=dict)
    people: int = 0


def _hung_off_a_case() -> list[type[Model]]:
    """Every exported model with a `case` link: what goes with an expired case (derived, so none is forgotten)."""
    models = []
    for label in EXPORTED:
        model = apps.get_model(label)
        link = next((field for field in model._meta.concrete_fields if field.name == "case"), None)
        if model is not Case and link is not None and link.related_model is Case:
            models.append(model)
    return models


def retention_plan(now: datetime.datetime | None = None) -> Plan:
    """Count what `retention_delete` would remove now, without removing anything."""
    now = now or timezone.now()
    cases = expired_cases(now)
    declined = expired_declined_referrals(now)
    referral_ids = [*cases.values_list("referral_id", flat=True), *declined.values_list("pk", flat=True)]
    plan = Plan()
    plan.counts["cases.case"] = cases.count()
    plan.counts["referrals.referral"] = len(referral_ids)
    plan.counts["referrals.submission"] = len(referral_ids)
    for model in _hung_off_a_case():
        plan.counts[model._meta.label_lower] = model._default_manager.filter(case__in=cases).count()
    plan.counts["outbox.message"] = Message.objects.filter(reference__in=[str(pk) for pk in referral_ids]).count()
    plan.counts["outbox.message"] += Letter.objects.filter(case__in=cases, message__isnull=False).count()
    plan.oldest["case"] = cases.aggregate(oldest=Min("discharged_at"))["oldest"]
    plan.oldest["declined_referral"] = declined.aggregate(oldest=Min("decided_at"))["oldest"]
    people = set(cases.values_list("person_id", flat=True)) | set(declined.values_list("person_id", flat=True))
    expiring = set(referral_ids)
    for person_id in people:
        kept = Referral.objects.filter(person_id=person_id).exclude(pk__in=expiring).exists()
        plan.people += 0 if kept else 1
    plan.counts["people.person"] = plan.people
    return plan


def _people_with_expired(now: datetime.datetime) -> list[Any]:
    ids = set(expired_cases(now).values_list("person_id", flat=True))
    ids |= set(expired_declined_referrals(now).values_list("person_id", flat=True))
    return sorted(ids, key=str)


def _delete_for_person(person_id: Any, now: datetime.datetime) -> Counter[str]:
    """Delete one person's expired records in one transaction, with a tombstone in the audit trail."""
    deleted: Counter[str] = Counter()
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=person_id).first()
        if person is None:
            return deleted
        cases = list(expired_cases(now).filter(person=person))
        declined = list(expired_declined_referrals(now).filter(person=person))
        case_ids = [case.pk for case in cases]
        referral_ids = [case.referral_id for case in cases] + [referral.pk for referral in declined]
        if not referral_ids:
            return deleted
        submission_ids = list(Referral.objects.filter(pk__in=referral_ids).values_list("submission_id", flat=True))
        applied = sorted({*(["case"] if cases else []), *(["declined_referral"] if declined else [])})

        def count(result: tuple[int, dict[str, int]]) -> None:
            deleted.update({label.lower(): n for label, n in result[1].items() if n})

        count(Message.objects.filter(reference__in=[str(pk) for pk in referral_ids]).delete())
        count(OnwardReferral.objects.filter(case_id__in=case_ids).delete())
        # A red flag protects its case (it must not vanish while the case is kept), so it goes first.
        count(RedFlag.objects.filter(case_id__in=case_ids).delete())
        # Letters to the GP go with their case, and then the emails that carried them.
        letter_messages = list(
            Letter.objects.filter(case_id__in=case_ids, message__isnull=False).values_list("message_id", flat=True)
        )
        count(Letter.objects.filter(case_id__in=case_ids).delete())
        count(Message.objects.filter(pk__in=letter_messages).delete())
        # What employers said about a shared plan, and the emails that told them it was shared.
        count(EmployerResponse.objects.filter(case_id__in=case_ids).delete())
        for version_id in PlanVersion.objects.filter(plan__case_id__in=case_ids).values_list("pk", flat=True):
            count(Message.objects.filter(reference__startswith=f"share:{version_id}:").delete())
        # The emails that told the employer the person was back at work (employers.services.return_reference).
        for case_id in case_ids:
            count(Message.objects.filter(reference__startswith=f"return:{case_id}:").delete())
        count(Case.objects.filter(pk__in=case_ids).delete())
        # A referral flagged as a possible duplicate of one going now keeps its flag, not the link (the link
        # protects the referral it points to, even from a referral deleted alongside it).
        Referral.objects.filter(possible_duplicate_of_id__in=referral_ids).update(possible_duplicate_of=None)
        count(Referral.objects.filter(pk__in=referral_ids).delete())
        count(Submission.objects.filter(pk__in=submission_ids).delete())
        person_deleted = not Referral.objects.filter(person=person).exists()
        tombstone_target = Person(pk=person.pk)  # the id survives the row, so the tombstone names it
        if person_deleted:
            # A newer referral whose NHS number this person's record held keeps the number as sent and its
            # conflict mark; only the link to the record that is going goes.
            Referral.objects.filter(nhs_number_holder=person).update(nhs_number_holder=None)
            count(Person.objects.filter(pk=person.pk).delete())
        audit_record(
            actor=None,
            action=TOMBSTONE_ACTION,
            obj=tombstone_target,
            reason="; ".join(rules()[name].text for name in applied),
            data={
                "rules": {name: rules()[name].years for name in applied},
                "deleted": dict(sorted(deleted.items())),
                "person_deleted": person_deleted,
            },
        )
    return deleted


def retention_delete(now: datetime.datetime | None = None) -> tuple[int, Counter[str]]:
    """Delete every expired record, one person per transaction; return how many people and what was deleted."""
    now = now or timezone.now()
    total: Counter[str] = Counter()
    people = 0
    for person_id in _people_with_expired(now):
        deleted = _delete_for_person(person_id, now)
        if deleted:
            people += 1
            total.update(deleted)
    return people, total
