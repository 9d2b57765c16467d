"""Letters to the GP practice: made with the case's opening and discharge, sent through the outbox, kept and
retried when they cannot be made or sent, and seen only by the practice they were written to."""

from __future__ import annotations

import base64
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fitforwork.accounts.models import Role
from fitforwork.cases import letters
from fitforwork.cases.letters import NO_EMAIL, letter_plan_agreed, retry_letters
from fitforwork.cases.models import Letter
from fitforwork.cases.services import case_discharge
from fitforwork.core.audit.models import AuditEvent
from fitforwork.core.outbox.models import Message
from fitforwork.core.outbox.services import deliver
from fitforwork.interventions.models import Intervention, OnwardReferral
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import OrganisationFactory

PRACTICE_EMAIL = "letters.limes@example.nhs.uk"


def made(letter: Letter) -> Letter:
    """Run the letter's task, as the worker does after the request that wrote it."""
    letters.letter_make_later.call(str(letter.pk))
    letter.refresh_from_db()
    return letter


def pdf_text(letter: Letter) -> str:
    reader = PdfReader(io.BytesIO(bytes(letter.pdf)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def practice(workwell_site):
    practice = workwell_site.practice
    practice.email = PRACTICE_EMAIL
    practice.save()
    return practice


@pytest.fixture
def case(workwell_site, practice, case_manager):
    return open_case(
        workwell_site,
        case_manager,
        case_manager=case_manager,
        given_name="Siân",
        family_name="Llŷr-Żółć",
        nhs_number="9434765919",
        referrer_organisation=practice,
    )


def test_accepting_a_referral_writes_the_gp_a_letter_and_queues_it_in_the_outbox(case, practice):
    from django_tasks_db.models import DBTaskResult

    letter = Letter.objects.get(case=case)
    assert letter.kind == Letter.Kind.CASE_OPENED
    assert letter.status == Letter.Status.PENDING  # written with the case; made after the request
    task = DBTaskResult.objects.get(task_path=letters.letter_make_later.module_path)
    assert task.args_kwargs["args"] == [str(letter.pk)]
    letter = made(letter)
    assert letter.status == Letter.Status.MADE
    assert letter.practice == practice
    text = pdf_text(letter)
    for expected in (
        "Your patient has started with the service",
        "Siân Llŷr-Żółć",
        "943 476 5919",
        case.referral.reference,
        "What happens next",
        "Contact us",
    ):
        assert expected in text
    message = letter.message
    assert message.channel == Message.Channel.EMAIL
    assert message.recipient == PRACTICE_EMAIL
    assert message.reference == f"letter:{letter.pk}"
    assert message.status == Message.Status.QUEUED
    upload = message.personalisation["link_to_file"]
    assert base64.b64decode(upload["file"]) == bytes(letter.pdf)
    assert upload["confirm_email_before_download"] is True
    actions = set(
        AuditEvent.objects.filter(object_id__in=[str(case.pk), str(letter.pk)]).values_list("action", flat=True)
    )
    assert {"cases.letter.made", "cases.letter.queued"} <= actions


def test_a_sent_letter_is_audited_as_sent(case):
    letter = made(Letter.objects.get(case=case))
    sent = deliver(letter.message_id)
    assert sent.status == Message.Status.SENT
    event = AuditEvent.objects.get(action="outbox.message.sent", object_id=str(letter.message_id))
    assert event.data["reference"] == f"letter:{letter.pk}"


def test_the_discharge_letter_gives_reason_work_status_return_date_and_help(case, case_manager):
    physio = Intervention.objects.create(
        name="MSK physiotherapy", kind="physiotherapy", provider="Leicester NHS", typical_wait_days=10
    )
    OnwardReferral.objects.create(
        case=case, intervention=physio, requested_on=date.today() - timedelta(days=20), requested_by=case_manager
    )
    back = date.today() + timedelta(days=7)
    case_discharge(
        case=case,
        actor=case_manager,
        reason_code="returned_to_work",
        work_status="in_work_adjusted",
        return_to_work_date=back,
    )
    letter = made(Letter.objects.get(case=case, kind=Letter.Kind.DISCHARGED))
    text = pdf_text(letter)
    for expected in (
        "Your patient has been discharged",
        "Returned to work",
        "In work with adjustments or a phased return",
        f"{back.day} {back:%B %Y}",
        "Help given",
        "MSK physiotherapy (Leicester NHS): referred, requested",
    ):
        assert expected in text
    assert letter.message.recipient == PRACTICE_EMAIL


def test_the_plan_letter_gives_no_plan_detail_until_consent_can_be_recorded(case):
    letter = made(letter_plan_agreed(case, "Phased return over four weeks, mornings only."))
    text = pdf_text(letter)
    assert "has not agreed to share the plan's details" in text
    assert "Phased return" not in text


def test_a_letter_that_cannot_be_made_is_kept_failed_and_made_by_the_retry(
    workwell_site, practice, case_manager, monkeypatch
):
    def broken(document):
        raise RuntimeError("font missing")

    monkeypatch.setattr(letters, "render_pdf", broken)
    case = open_case(workwell_site, case_manager, case_manager=case_manager)
    letter = made(Letter.objects.get(case=case))
    assert letter.status == Letter.Status.FAILED
    assert letter.error == "RuntimeError: font missing"
    assert letter.pdf is None
    assert letter.message is None
    assert AuditEvent.objects.filter(action="cases.letter.failed", object_id=str(case.pk)).exists()

    monkeypatch.undo()
    assert retry_letters.call()["queued"] == 1
    letter.refresh_from_db()
    assert letter.status == Letter.Status.MADE
    assert letter.attempts == 2
    assert letter.message.recipient == PRACTICE_EMAIL
    assert "Your patient has started with the service" in pdf_text(letter)


def test_a_practice_without_an_email_address_is_shown_and_sent_once_it_has_one(workwell_site, case_manager):
    case = open_case(workwell_site, case_manager, case_manager=case_manager)
    letter = made(Letter.objects.get(case=case))
    assert letter.status == Letter.Status.MADE
    assert letter.message is None
    assert letter.not_sent_reason == NO_EMAIL

    workwell_site.practice.email = PRACTICE_EMAIL
    workwell_site.practice.save()
    retry_letters.call()
    letter.refresh_from_db()
    assert letter.message.recipient == PRACTICE_EMAIL
    assert letter.not_sent_reason == ""


def test_a_send_that_failed_for_good_is_queued_again_but_an_unconfirmed_one_is_not(case):
    letter = made(Letter.objects.get(case=case))
    first = letter.message
    Message.objects.filter(pk=first.pk).update(status=Message.Status.FAILED, unconfirmed=True, last_error="Timeout")
    retry_letters.call()
    letter.refresh_from_db()
    assert letter.message_id == first.pk  # a person checks Notify first

    Message.objects.filter(pk=first.pk).update(unconfirmed=False, last_error="400 bad address")
    retry_letters.call()
    letter.refresh_from_db()
    assert letter.message_id != first.pk
    assert letter.message.status == Message.Status.QUEUED


@pytest.fixture
def gp(practice):
    return UserFactory(role=Role.GP, organisation=practice, with_device=True)


def test_the_practice_sees_its_letter_on_the_referral_page_and_downloads_it(client, case, gp):
    letter = made(Letter.objects.get(case=case))
    signed_in = sign_in_with_two_factor(client, gp)
    page = signed_in.get(reverse("referrals:detail", args=[case.referral_id]))
    assert page.status_code == 200
    assert "Your patient has started with the service" in page.content.decode()
    pdf_url = reverse("referrals:letter-pdf", args=[case.referral_id, letter.pk])
    assert pdf_url in page.content.decode()

    download = signed_in.get(pdf_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content == bytes(letter.pdf)
    assert AuditEvent.objects.filter(
        action="cases.letter.downloaded", object_id=str(letter.pk), actor_id=gp.pk
    ).exists()

    html_page = signed_in.get(reverse("referrals:letter", args=[case.referral_id, letter.pk]))
    assert "Siân Llŷr-Żółć" in html_page.content.decode()


def test_another_practice_cannot_see_or_download_the_letter(client, case, practice):
    letter = Letter.objects.get(case=case)
    other = UserFactory(role=Role.GP, organisation=OrganisationFactory(gp_practice=True), with_device=True)
    signed_in = sign_in_with_two_factor(client, other)
    assert signed_in.get(reverse("referrals:letter-pdf", args=[case.referral_id, letter.pk])).status_code == 404
    assert signed_in.get(reverse("referrals:letter", args=[case.referral_id, letter.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="cases.letter.downloaded").exists()


def test_staff_see_the_letters_on_the_case_record(client, case):
    letter = Letter.objects.get(case=case)
    manager = UserFactory(role=Role.CASE_MANAGER, site=case.site, with_device=True)
    case.case_manager = manager
    case.save()  # their case now
    signed_in = sign_in_with_two_factor(client, manager)
    page = signed_in.get(reverse("cases:case-letters", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your patient has started with the service" in html
    assert "Being made" in html  # its task has not run yet
    # Downloading a letter still being made makes it there and then, and queues it to send.
    download = signed_in.get(reverse("cases:case-letter-pdf", args=[case.pk, letter.pk]))
    letter.refresh_from_db()
    assert letter.status == Letter.Status.MADE
    assert download.content == bytes(letter.pdf)
    assert "Waiting to send" in signed_in.get(reverse("cases:case-letters", args=[case.pk])).content.decode()


def test_the_plan_summary_is_included_only_when_shared_with_consent(case):
    letter = made(letter_plan_agreed(case, "Phased return over four weeks, mornings only.", shared_with_consent=True))
    assert "Phased return over four weeks, mornings only." in pdf_text(letter)


def test_letters_retry_command_makes_a_failed_letter(workwell_site, practice, case_manager, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(letters, "render_pdf", lambda document: 1 / 0)
    case = open_case(workwell_site, case_manager, case_manager=case_manager)
    made(Letter.objects.get(case=case))
    monkeypatch.undo()
    out = io.StringIO()
    call_command("letters", "retry", stdout=out)
    assert "queued 1" in out.getvalue()
    assert Letter.objects.get(case=case).status == Letter.Status.MADE
