"""The referring GP practice's copies of the letters we wrote to it about a referral's case: as a page and as PDF.

A practice sees only the letters written to it, on referrals it can see; anything else is a 404, so another
practice cannot learn that a letter exists. Every view and download is audited.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from fitforwork.accounts.models import AuthenticatedHttpRequest, Role
from fitforwork.cases.models import Letter
from fitforwork.cases.presenters import letter_filename, letter_state
from fitforwork.cases.selectors import letters_for_practice
from fitforwork.cases.services import letter_make_now
from fitforwork.core.audit.services import audit_record
from fitforwork.core.documents import document_from_data, render_html
from fitforwork.core.downloads import pdf_download
from fitforwork.referrals.models import Referral
from fitforwork.referrals.selectors import referrals_visible_to


def _pdf(letter: Letter) -> HttpResponse:
    return pdf_download(bytes(letter.pdf or b""), letter_filename(letter))


def practice_letters(request: AuthenticatedHttpRequest, referral: Referral) -> list[dict[str, object]]:
    """The rows for the referral page: a GP practice's letters about this referral's case, if it has one."""
    if request.user.role != Role.GP or referral.status != Referral.Status.ACCEPTED:
        return []
    case_id = Letter.objects.filter(case__referral=referral).values_list("case_id", flat=True).first()
    letters = letters_for_practice(case_id=case_id, organisation_id=request.user.organisation_id)
    return [{"letter": letter, "state": letter_state(letter)} for letter in letters]


def _letter(request: AuthenticatedHttpRequest, pk: uuid.UUID, letter_id: uuid.UUID) -> Letter:
    if request.user.role != Role.GP or request.user.organisation_id is None:
        raise Http404("No such letter")
    referral = get_object_or_404(referrals_visible_to(request.user), pk=pk)
    letter = (
        Letter.objects.select_related("case__referral", "message")
        .filter(pk=letter_id, case__referral=referral, practice_id=request.user.organisation_id)
        .first()
    )
    if letter is None:
        raise Http404("No such letter")
    return letter


@require_GET
def referral_letter(request: AuthenticatedHttpRequest, pk: uuid.UUID, letter_id: uuid.UUID) -> HttpResponse:
    letter = _letter(request, pk, letter_id)
    audit_record(actor=request.user, action="cases.letter.viewed", obj=letter, request=request)
    context = {
        "letter": letter,
        "state": letter_state(letter),
        "body": render_html(document_from_data(letter.content)),
        "back": ("referrals:detail", [pk]),
        "pdf_href": ("referrals:letter-pdf", [pk, letter.pk]),
    }
    return render(request, "cases/letter.jinja", context)


@require_GET
def referral_letter_pdf(request: AuthenticatedHttpRequest, pk: uuid.UUID, letter_id: uuid.UUID) -> HttpResponse:
    letter = _letter(request, pk, letter_id)
    if letter.status == Letter.Status.PENDING:  # not made yet after the request that wrote it: make it now
        letter = letter_make_now(letter, actor=request.user)
    if letter.status != Letter.Status.MADE:
        raise Http404("This letter could not be made yet")
    audit_record(actor=request.user, action="cases.letter.downloaded", obj=letter, request=request)
    return _pdf(letter)
