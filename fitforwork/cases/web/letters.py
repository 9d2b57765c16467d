"""The case record's letters to the GP practice: their list with where each is, the letter as a page, its PDF."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest
from fitforwork.cases import access
from fitforwork.cases.models import Case, Letter
from fitforwork.cases.presenters import letter_filename, letter_state
from fitforwork.cases.selectors import letters_for_case
from fitforwork.cases.services import letter_make_now
from fitforwork.cases.web.break_glass_page import offers_break_glass
from fitforwork.cases.web.sections import render_section
from fitforwork.core.audit.services import audit_record
from fitforwork.core.documents import document_from_data, render_html
from fitforwork.core.downloads import pdf_download


def pdf_response(letter: Letter) -> HttpResponse:
    return pdf_download(bytes(letter.pdf or b""), letter_filename(letter))


def _letter(case: Case, letter_id: uuid.UUID) -> Letter:
    letter = Letter.objects.select_related("case__referral", "message").filter(pk=letter_id, case=case).first()
    if letter is None:
        raise Http404("No such letter")
    return letter


@require_GET
@offers_break_glass
def case_letters(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="letters")
    rows = [{"letter": letter, "state": letter_state(letter)} for letter in letters_for_case(case)]
    return render_section(request, case, "letters", "cases/record/letters.jinja", letters=rows)


@require_GET
@offers_break_glass
def case_letter(request: AuthenticatedHttpRequest, case_id: uuid.UUID, letter_id: uuid.UUID) -> HttpResponse:
    """The letter as an accessible page: the same content as its PDF."""
    case = access.case_for(request, case_id, section="letters")
    letter = _letter(case, letter_id)
    audit_record(actor=request.user, action="cases.letter.viewed", obj=letter, request=request)
    context = {
        "case": case,
        "letter": letter,
        "state": letter_state(letter),
        "body": render_html(document_from_data(letter.content)),
        "back": ("cases:case-letters", [case.pk]),
        "pdf_href": ("cases:case-letter-pdf", [case.pk, letter.pk]),
    }
    return render(request, "cases/letter.jinja", context)


@require_GET
@offers_break_glass
def case_letter_pdf(request: AuthenticatedHttpRequest, case_id: uuid.UUID, letter_id: uuid.UUID) -> HttpResponse:
    case = access.case_for(request, case_id, section="letters")
    letter = _letter(case, letter_id)
    if letter.status == Letter.Status.PENDING:  # not made yet after the request that wrote it: make it now
        letter = letter_make_now(letter, actor=request.user)
    if letter.status != Letter.Status.MADE:
        raise Http404("This letter could not be made yet")
    audit_record(actor=request.user, action="cases.letter.downloaded", obj=letter, request=request)
    return pdf_response(letter)
