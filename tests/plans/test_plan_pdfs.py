"""A plan version and a fit note download as tagged PDFs carrying the same content as their pages: every
section's heading and text, read back from the file; only the case's own staff get them."""

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.plans.documents import fit_note_document, plan_version_document
from fitforwork.plans.models import FitNote
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_with_two_factor
from tests.organisations.factories import SiteFactory
from tests.plans.conftest import agreed_version

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def _headings_and_text(document) -> list[str]:
    expected = [document.title]
    for section in document.sections:
        expected.append(section.heading)
        for block in section.blocks:
            expected.extend(
                [block.text] if hasattr(block, "text") else list(getattr(block, "items", ())) or [block.caption]
            )
    return expected


def test_an_agreed_version_downloads_as_a_pdf_with_every_section(draft, manager):
    version = agreed_version(draft, manager)
    case = version.plan.case
    browser = sign_in_with_two_factor(Client(), manager)
    response = browser.get(reverse("cases:case-plan-pdf", args=[case.pk, version.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"return-to-work-plan-{case.referral.reference}-v1.pdf" in response["Content-Disposition"]
    text = _text(response.content)
    for expected in _headings_and_text(plan_version_document(version)):
        assert " ".join(expected.split()) in text
    assert "Start at 10am for four weeks to avoid the rush-hour drive" in text
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert AuditEvent.objects.filter(action="cases.case.viewed", object_id=str(case.pk), data__section="plan").exists()
    page = browser.get(reverse("cases:case-plan-version", args=[case.pk, 1])).content.decode()
    assert reverse("cases:case-plan-pdf", args=[case.pk, 1]) in page


def test_a_fit_note_downloads_as_a_pdf_with_its_content(assessed, manager):
    note = FitNote.objects.create(
        case=assessed, source="received", condition="Back pain", fitness="may_be_fit", phased_return=True,
        period_from=date(2026, 11, 2), period_to=date(2026, 11, 30), issued_on=date(2026, 11, 2),
        issuer_name="Dr Sam Okafor", issuer_profession="doctor",
    )  # fmt: skip
    response = sign_in_with_two_factor(Client(), manager).get(
        reverse("cases:case-fit-note-pdf", args=[assessed.pk, note.pk])
    )
    assert response.status_code == 200
    text = _text(response.content)
    for expected in _headings_and_text(fit_note_document(note)):
        assert " ".join(expected.split()) in text
    assert "Dr Sam Okafor" in text


def test_someone_outside_the_case_gets_no_pdf(draft, manager):
    version = agreed_version(draft, manager)
    outsider = UserFactory(role=Role.CASE_MANAGER, site=SiteFactory(), with_device=True)
    response = sign_in_with_two_factor(Client(), outsider).get(
        reverse("cases:case-plan-pdf", args=[version.plan.case.pk, 1])
    )
    assert response.status_code in (403, 404)
    assert response.get("Content-Type") != "application/pdf"
