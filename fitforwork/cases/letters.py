"""Letters to the client's GP practice about their case, as tagged PDFs sent through the outbox.

A letter is written when the case opens (the referral was accepted), when a plan is agreed and at discharge,
by the service that makes that change and in its transaction: the letter's content, `pending`, with the task
that makes it (`letter_make_later`, django-tasks' database backend, so the same commit holds both). The task
makes the PDF and queues the outbox email that carries it, after the request: a referral's acceptance does
not wait a quarter of a second for a PDF. A download of a letter still pending makes it there and then. If
the PDF cannot be made the letter is saved `failed` with the error, and `retry_letters` makes it again and
sends it; if the email cannot be sent the outbox retries it,
and a letter whose send failed for good is queued again by `retry_letters`. Nothing is lost: every letter is
a row, shown on the case record and on the GP practice's referral page. docs/adr/0030-pdf-documents-and-gp-letters.md.

Letters live here, with cases, because the changes that trigger them (opening, discharge) are cases services;
the plans app calls `letter_plan_agreed`. What help was given comes from later stages (onward referrals are
in interventions), which register a `help_given` source rather than being imported from here.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from notifications_python_client.utils import prepare_upload

from fitforwork.accounts.models import User
from fitforwork.cases.models import Case, DischargeReason, Letter, WorkStatus
from fitforwork.core.audit.services import audit_record
from fitforwork.core.documents import BulletList, Document, Heading, KeyValueList, Paragraph, document_from_data
from fitforwork.core.documents import render_pdf as _render_pdf
from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import message_enqueue
from fitforwork.organisations.models import Organisation

logger = logging.getLogger(__name__)

TEMPLATE = "gp_letter"
RETRY_AFTER = timedelta(minutes=10)
# A PDF that fails this many times waits for the next `fitforwork letters_retry` sweep (or staff) instead.
MAX_AUTOMATIC_ATTEMPTS = 5
NO_PRACTICE = "The client's GP practice is not known, so there is nobody to send it to."
NO_EMAIL = "The GP practice has no email address in the directory, so it has not been sent."

# Later stages say what help a case had (onward referrals, say): each source gives lines for the letter.
HelpGiven = Callable[[Case], list[str]]
_help_given: list[HelpGiven] = []


def help_given_register(source: HelpGiven) -> None:
    """Add a source of 'what help was given' lines for discharge letters (called from an app's ready())."""
    if source not in _help_given:
        _help_given.append(source)


def render_pdf(document: Document) -> bytes:
    """The letter's PDF; a name of its own so that a test can make it fail."""
    return _render_pdf(document)


def _date(value: date | datetime | None) -> str:
    if value is None:
        return "Not recorded"
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return f"{value.day} {value:%B %Y}"


def practice_for(case: Case) -> Organisation | None:
    """The client's registered GP practice, or else the GP practice that referred them."""
    person = case.person
    if person.gp_practice_id is not None:
        return person.gp_practice
    referrer = case.referral.referrer_organisation
    if referrer is not None and referrer.kind == Organisation.Kind.GP_PRACTICE:
        return referrer
    return None


def _about(case: Case) -> list[tuple[str, str]]:
    person = case.person
    nhs = person.nhs_number
    return [
        ("Patient", f"{person.given_name} {person.family_name}"),
        ("Date of birth", _date(person.date_of_birth)),
        ("NHS number", f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if len(nhs) == 10 else "Not known"),
        ("Our reference", case.referral.reference),
    ]


def _contact(case: Case) -> list[Heading | Paragraph]:
    contact = settings.SERVICE_CONTACT
    return [
        Heading(2, "Contact us"),
        Paragraph(
            f"{case.site.name}: phone {contact['phone']} ({contact['hours']}) or email {contact['email']}, "
            f"quoting reference {case.referral.reference}."
        ),
    ]


def _document(case: Case, title: str, blocks: list[Any]) -> Document:
    return Document(
        title=f"{title}: {case.person.given_name} {case.person.family_name}",
        subject=title,
        author=case.site.name,
        footer=f"{title}, reference {case.referral.reference}",
        blocks=(Heading(1, title), *blocks, *_contact(case)),
    )


def opened_document(case: Case) -> Document:
    person, referrer = case.person, case.referral.referrer_organisation
    rows = [
        *_about(case),
        ("Referral accepted on", _date(case.opened_at)),
        ("Referred by", referrer.name if referrer is not None else "Self-referral"),
        ("Case manager", case.case_manager.get_full_name() if case.case_manager else "Not yet allocated"),
    ]
    return _document(
        case,
        Letter.Kind.CASE_OPENED.label,
        [
            Paragraph(f"{person.given_name} {person.family_name} has been accepted by {case.site.name}."),
            KeyValueList(tuple(rows)),
            Heading(2, "What happens next"),
            Paragraph(
                f"A case manager will contact {person.given_name} to assess what is making work hard and agree a "
                "return-to-work plan with them. We will write to you again when a plan is agreed and when "
                f"{person.given_name} leaves the service."
            ),
        ],
    )


def discharged_document(case: Case) -> Document:
    person = case.person
    reason = DischargeReason(case.discharge_reason).label if case.discharge_reason else "Not recorded"
    if case.discharge_reason == DischargeReason.OTHER and case.discharge_note:
        reason = f"{reason}: {case.discharge_note}"
    rows = [
        *_about(case),
        ("Discharged on", _date(case.discharged_at)),
        ("Reason", reason),
        (
            "Work status at discharge",
            WorkStatus(case.work_status_at_discharge).label if case.work_status_at_discharge else "Not recorded",
        ),
        ("Return to work date", _date(case.return_to_work_date)),
    ]
    help_lines = [line for source in _help_given for line in source(case)]
    help_block: BulletList | Paragraph = (
        BulletList(tuple(help_lines)) if help_lines else Paragraph("No onward referrals were made.")
    )
    return _document(
        case,
        Letter.Kind.DISCHARGED.label,
        [
            Paragraph(f"{person.given_name} {person.family_name} has left {case.site.name}."),
            KeyValueList(tuple(rows)),
            Heading(2, "Help given"),
            help_block,
        ],
    )


def plan_agreed_document(case: Case, plan_summary: str | None, *, shared_with_consent: bool) -> Document:
    person = case.person
    if plan_summary and shared_with_consent:
        body: list[Any] = [Heading(2, "The plan"), *(Paragraph(part) for part in plan_summary.split("\n\n") if part)]
    else:
        body = [
            Paragraph(
                f"{person.given_name} has not agreed to share the plan's details with you, so this letter does not "
                "include them. Ask them if you would like to know more."
            )
        ]
    return _document(
        case,
        Letter.Kind.PLAN_AGREED.label,
        [
            Paragraph(f"{person.given_name} {person.family_name} has agreed a return-to-work plan with us."),
            KeyValueList((*_about(case), ("Agreed on", _date(timezone.localdate())))),
            *body,
        ],
    )


def _filename(letter: Letter) -> str:
    return f"{letter.kind.replace('_', '-')}-{letter.case.referral.reference}.pdf"


def _queue_send(letter: Letter, actor: User | None) -> None:
    """Queue the email carrying the letter, with the PDF as a Notify file link, or say why it cannot be."""
    practice = letter.practice
    if practice is None or not practice.email:
        letter.not_sent_reason = NO_PRACTICE if practice is None else NO_EMAIL
        return
    upload = prepare_upload(
        io.BytesIO(bytes(letter.pdf or b"")),
        filename=_filename(letter),
        confirm_email_before_download=True,
        retention_period="26 weeks",
    )
    letter.message = message_enqueue(
        channel="email",
        template_id=str(settings.NOTIFY_TEMPLATES.get(TEMPLATE, TEMPLATE)),
        template_name=TEMPLATE,
        recipient=practice.email,
        personalisation={
            "practice": practice.name,
            "title": letter.title,
            "reference": letter.case.referral.reference,
            "link_to_file": upload,
        },
        reference=f"letter:{letter.pk}",
        actor=actor,
    )
    letter.not_sent_reason = ""
    audit_record(
        actor=actor,
        action="cases.letter.queued",
        obj=letter,
        data={"message": str(letter.message.pk), "practice": str(practice.pk)},
    )


def _make_pdf(letter: Letter) -> bool:
    try:
        letter.pdf = render_pdf(document_from_data(letter.content))
    except Exception as error:  # any failure to make it is kept with the letter and retried
        logger.exception("Letter %s could not be made", letter.pk)
        letter.status, letter.pdf = Letter.Status.FAILED, None
        letter.error = f"{type(error).__name__}: {error}"[:2000] or "Unknown error"
        return False
    letter.status, letter.error = Letter.Status.MADE, ""
    return True


def _enqueue_retry() -> None:
    backend = retry_letters.get_backend()
    if backend.supports_defer:
        retry_letters.using(run_after=timezone.now() + RETRY_AFTER).enqueue()


def _letter_make(*, case: Case, kind: str, document: Document, actor: User | None) -> Letter:
    letter = Letter(
        case=case,
        kind=kind,
        practice=practice_for(case),
        title=document.title[:200],
        content=document.as_data(),
        status=Letter.Status.PENDING,
    )
    letter.stamp(actor)
    letter.save(force_insert=True)
    audit_record(actor=actor, action="cases.letter.written", obj=case, data={"letter": str(letter.pk), "kind": kind})
    letter_make_later.enqueue(str(letter.pk))  # a row in this transaction: no letter is left without its task
    return letter


@transaction.atomic
def letter_make_now(letter: Letter, *, actor: User | None = None) -> Letter:
    """Make a pending letter's PDF and queue its email (the task, or a download that cannot wait); a letter
    already made, or failed (the retry's), is returned as it is."""
    locked = (
        Letter.objects.select_for_update(of=("self",)).select_related("case__referral", "practice").get(pk=letter.pk)
    )
    if locked.status != Letter.Status.PENDING:
        return locked
    made = _make_pdf(locked)
    audit_record(
        actor=actor,
        action="cases.letter.made" if made else "cases.letter.failed",
        obj=locked.case,
        reason=locked.error,
        data={"letter": str(locked.pk), "kind": locked.kind},
    )
    if made:
        _queue_send(locked, actor)
    else:
        transaction.on_commit(_enqueue_retry, robust=True)
    locked.save()
    return locked


def letters_cancel_pending(*, person: Any, kind: str, practice: Organisation, reason: str, actor: User | None) -> int:
    """Cancel the person's letters of `kind` to `practice` that are still being made (their consent to what they
    carry was withdrawn): never made, never sent, shown as cancelled with the reason. Returns how many."""
    cancelled = 0
    pending = Letter.objects.select_for_update(of=("self",)).filter(
        case__person=person, kind=kind, practice=practice, status=Letter.Status.PENDING
    )
    for letter in pending:
        letter.status, letter.not_sent_reason = Letter.Status.CANCELLED, reason[:200]
        letter.stamp(actor)
        letter.save(update_fields=["status", "not_sent_reason", "modified_at", "modified_by"])
        audit_record(actor=actor, action="cases.letter.cancelled", obj=letter, reason=reason)
        cancelled += 1
    return cancelled


@task()
def letter_make_later(letter_id: str) -> str:
    """After the request that wrote it: make the letter's PDF and queue it to send."""
    letter = Letter.objects.filter(pk=letter_id).first()
    return "gone" if letter is None else letter_make_now(letter).status


@transaction.atomic
def letter_case_opened(*, case: Case, actor: User | None) -> Letter:
    """The letter telling the GP practice their patient's referral was accepted; called by `case_open`."""
    return _letter_make(case=case, kind=Letter.Kind.CASE_OPENED, document=opened_document(case), actor=actor)


@transaction.atomic
def letter_discharged(*, case: Case, actor: User | None) -> Letter:
    """The letter at discharge: reason, work status, return date and the help given; called by `case_discharge`."""
    return _letter_make(case=case, kind=Letter.Kind.DISCHARGED, document=discharged_document(case), actor=actor)


@transaction.atomic
def letter_plan_agreed(
    case: Case, plan_summary: str | None, *, actor: User | None = None, shared_with_consent: bool = False
) -> Letter:
    """The letter when a plan is agreed. The plan's summary is included only when the client consented to
    share it with their GP; until the consent ledger exists nobody can, so it says no plan detail."""
    document = plan_agreed_document(case, plan_summary, shared_with_consent=shared_with_consent)
    return _letter_make(case=case, kind=Letter.Kind.PLAN_AGREED, document=document, actor=actor)


@transaction.atomic
def letter_retry(letter: Letter, *, actor: User | None = None) -> Letter:
    """Make a failed letter's PDF again, or queue again a letter that was never sent or whose send failed for good.

    A send that may have reached Notify (`unconfirmed`) is left for a person to check, never resent.
    """
    # Only the letter's row is locked: PostgreSQL cannot lock the nullable side of the joins.
    related = ("case__referral", "practice", "message")
    locked = Letter.objects.select_for_update(of=("self",)).select_related(*related).get(pk=letter.pk)
    if locked.status == Letter.Status.PENDING:  # its task has not run (no worker yet): make it now
        return letter_make_now(locked, actor=actor)
    changed = False
    if locked.status == Letter.Status.FAILED:
        locked.attempts += 1
        made = _make_pdf(locked)
        audit_record(
            actor=actor,
            action="cases.letter.made" if made else "cases.letter.failed",
            obj=locked.case,
            reason=locked.error,
            data={"letter": str(locked.pk), "kind": locked.kind, "attempt": locked.attempts},
        )
        if not made and locked.attempts < MAX_AUTOMATIC_ATTEMPTS:
            transaction.on_commit(_enqueue_retry, robust=True)
        changed = True
    message = locked.message
    failed_for_good = message is not None and message.status == Message.Status.FAILED and not message.unconfirmed
    if locked.status == Letter.Status.MADE and (message is None or failed_for_good):
        _queue_send(locked, actor)
        changed = True
    if changed:
        locked.stamp(actor)
        locked.save()
    return locked


def letters_to_retry() -> list[Letter]:
    failed = Letter.objects.filter(status=Letter.Status.FAILED)
    waiting = Letter.objects.filter(status=Letter.Status.PENDING, created_at__lt=timezone.now() - RETRY_AFTER)
    unsent = Letter.objects.filter(status=Letter.Status.MADE, message__isnull=True, practice__email__gt="")
    send_failed = Letter.objects.filter(message__status=Message.Status.FAILED, message__unconfirmed=False)
    return list((failed | waiting | unsent | send_failed).distinct().order_by("created_at")[:200])


@task()
def retry_letters() -> dict[str, int]:
    """Make again every letter that could not be made, and queue again those that could not be sent."""
    counts = {"made": 0, "failed": 0, "queued": 0}
    for letter in letters_to_retry():
        retried = letter_retry(letter)
        if retried.status == Letter.Status.FAILED:
            counts["failed"] += 1
        elif retried.message_id is not None and retried.message_id != letter.message_id:
            counts["queued"] += 1
        else:
            counts["made"] += 1
    return counts


__all__ = [
    "help_given_register",
    "letter_case_opened",
    "letter_discharged",
    "letter_make_later",
    "letters_cancel_pending",
    "letter_make_now",
    "letter_plan_agreed",
    "letter_retry",
    "retry_letters",
]
