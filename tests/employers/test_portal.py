"""The employer's portal: who sees what, asked afresh on every request. An access matrix of every employer URL
against every relationship; the removed section in neither the page nor the PDF; withdrawal mid-session."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fitforwork.consent.models import Consent
from fitforwork.core.outbox.models import Message
from fitforwork.employers import services
from fitforwork.employers.models import EmployerResponse
from fitforwork.employers.web.forms import ResponseForm
from fitforwork.plans import services as plan_services
from tests.employers.conftest import (
    HEALTH_ADVICE,
    HEALTH_TEXT,
    WORK_ADVICE,
    agreed_plan,
    as_user,
    employee_case,
)
from tests.plans.conftest import agreed_version

pytestmark = pytest.mark.django_db


def _share(case, version, org, manager, removed=()):
    return services.plan_share_give(
        case=case, version=version, how="written", recipient=org, removed_sections=list(removed), actor=manager
    )


def _urls(case, number):
    """Every employer URL about one employee, with the method each takes."""
    return [
        ("get", reverse("employers:employee", args=[case.pk])),
        ("get", reverse("employers:plan", args=[case.pk, number])),
        ("get", reverse("employers:plan-pdf", args=[case.pk, number])),
        ("post", reverse("employers:plan-acknowledge", args=[case.pk, number])),
        ("post", reverse("employers:plan-respond", args=[case.pk, number])),
    ]


def _statuses(client, case, number):
    return [getattr(client, method)(url).status_code for method, url in _urls(case, number)]


def _pdf_text(content):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_access_matrix(workwell_site, manager, employer_org, other_org, employer_user, other_user, employee, version):
    mine = as_user(employer_user)
    theirs = as_user(other_user)
    # Own employee without consent: the employee is theirs (they referred them), no plan page.
    assert _statuses(mine, employee, 1) == [200, 404, 404, 404, 404]
    # Another employer: nothing, not even that the employee exists.
    assert _statuses(theirs, employee, 1) == [404, 404, 404, 404, 404]
    # Own employee with consent: every page (the response form posted empty is refused with the error summary).
    consent = _share(employee, version, employer_org, manager)
    assert _statuses(mine, employee, 1) == [200, 200, 200, 302, 400]
    assert _statuses(theirs, employee, 1) == [404, 404, 404, 404, 404]
    # A later version, agreed but not consented: refused; version 1 still readable.
    draft = plan_services.version_new_draft(version=version, actor=manager)
    draft.refresh_from_db()
    second = agreed_version(draft, manager)
    assert second.number == 2
    assert _statuses(mine, employee, 2) == [200, 404, 404, 404, 404]
    assert mine.get(reverse("employers:plan", args=[employee.pk, 1])).status_code == 200
    # Withdrawn consent: refused at once.
    services.plan_share_withdraw(case=employee, consent=consent, how="verbal", actor=manager)
    assert _statuses(mine, employee, 1) == [200, 404, 404, 404, 404]
    # Another employer's employee, even with that employer's consent, is not ours.
    theirs_case = employee_case(workwell_site, manager, other_org, family_name="Patel", nhs_number="")
    theirs_version = agreed_plan(theirs_case, manager)
    _share(theirs_case, theirs_version, other_org, manager)
    assert _statuses(mine, theirs_case, 1) == [404, 404, 404, 404, 404]
    assert _statuses(theirs, theirs_case, 1)[:3] == [200, 200, 200]
    # The list shows our own employee and not theirs.
    listed = mine.get(reverse("employers:employees")).content.decode()
    assert "Morgan" in listed
    assert "Patel" not in listed


def test_staff_and_other_referrers_cannot_use_the_portal(staff, employee):
    assert staff.get(reverse("employers:employees")).status_code == 404


def test_an_employee_shared_with_but_not_referred_by_the_organisation_is_listed(
    workwell_site, manager, other_org, other_user, employee, version
):
    theirs = as_user(other_user)
    assert theirs.get(reverse("employers:employee", args=[employee.pk])).status_code == 404
    consent = _share(employee, version, other_org, manager)
    assert theirs.get(reverse("employers:plan", args=[employee.pk, 1])).status_code == 200
    assert "Morgan" in theirs.get(reverse("employers:employees")).content.decode()
    # Once withdrawn, an organisation that did not refer them no longer sees the employee at all.
    services.plan_share_withdraw(case=employee, consent=consent, how="verbal", actor=manager)
    assert theirs.get(reverse("employers:employee", args=[employee.pk])).status_code == 404
    assert "Morgan" not in theirs.get(reverse("employers:employees")).content.decode()


def test_a_removed_section_appears_neither_in_the_page_nor_in_the_pdf(
    manager, employer_org, employer_user, employee, version
):
    _share(employee, version, employer_org, manager, removed=["health"])
    client = as_user(employer_user)
    page = client.get(reverse("employers:plan", args=[employee.pk, 1])).content.decode()
    assert WORK_ADVICE in page
    assert HEALTH_TEXT not in page
    assert HEALTH_ADVICE not in page
    assert "Health obstacles" not in page
    pdf = _pdf_text(client.get(reverse("employers:plan-pdf", args=[employee.pk, 1])).content)
    assert WORK_ADVICE.split(":")[0] in pdf
    assert "Lighter duties" in pdf
    assert "Low back pain" not in pdf
    assert "rush-hour" not in pdf
    # Nor is anything clinical: no questionnaire or score on the page.
    assert "PHQ" not in page
    assert "score" not in page.lower()


def test_the_employer_acknowledges_and_answers_and_the_case_manager_sees_it(
    staff, manager, employer_org, employer_user, employee, version
):
    _share(employee, version, employer_org, manager, removed=["health"])
    client = as_user(employer_user)
    client.post(reverse("employers:plan-acknowledge", args=[employee.pk, 1]))
    page = client.get(reverse("employers:plan", args=[employee.pk, 1])).content.decode()
    [recommendation] = [r for r in version.recommendations.all() if r.obstacle.group == "work"]
    assert f"rec_{recommendation.pk}" in page
    assert len([r for r in version.recommendations.all() if f"rec_{r.pk}" in page]) == 1  # not the removed one
    response = client.post(
        reverse("employers:plan-respond", args=[employee.pk, 1]),
        {f"rec_{recommendation.pk}": "partly", f"note_{recommendation.pk}": "Lifting aid ordered",
         "accepted_as_evidence": "yes"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = EmployerResponse.objects.get(plan_version=version, organisation=employer_org)
    assert saved.acknowledged_at is not None
    assert saved.accepted_as_evidence is True
    assert saved.answers.get().implemented == "partly"
    section = staff.get(reverse("cases:case-consent", args=[employee.pk])).content.decode()
    assert "Lifting aid ordered" in section
    assert "Partly" in section
    assert "Yes, instead of a fit note" in section


def test_withdrawal_during_the_employers_session_refuses_the_next_request_and_cancels_the_queued_message(
    staff, manager, employer_org, employer_user, employee, version
):
    staff.post(
        reverse("cases:case-consent", args=[employee.pk]),
        {"plan_version": str(version.pk), "recipient": "employer", "how": "online",
         "given_on_day": str(date.today().day), "given_on_month": str(date.today().month),
         "given_on_year": str(date.today().year)},
    )  # fmt: skip
    client = as_user(employer_user)
    url = reverse("employers:plan", args=[employee.pk, 1])
    assert client.get(url).status_code == 200
    message = Message.objects.get(reference=f"share:{version.pk}:{employer_org.pk}")
    assert message.status == "queued"
    given = Consent.objects.get(plan_version_id=version.pk, action="given")
    staff.post(
        reverse("cases:case-consent-withdraw", args=[employee.pk, given.pk]),
        {"how": "verbal", "given_on_day": str(date.today().day), "given_on_month": str(date.today().month),
         "given_on_year": str(date.today().year)},
    )  # fmt: skip
    assert client.get(url).status_code == 404  # the same session, the very next request
    message.refresh_from_db()
    assert message.status == "cancelled"
    assert "Fosse Way Logistics Ltd" in message.cancelled_reason


def test_the_employers_home_links_to_the_portal(employer_user):
    page = as_user(employer_user).get(reverse("accounts:home-employer")).content.decode()
    assert f'href="{reverse("employers:employees")}"' in page


def test_withdrawing_consent_to_the_gp_practice_cancels_its_queued_plan_letter(manager, employee):
    from fitforwork.cases.letters import letter_make_later, practice_for
    from fitforwork.cases.models import Letter

    case = employee
    practice = practice_for(case)
    practice.email = "limes@example.nhs.uk"
    practice.save()
    draft = plan_services.plan_create_from_assessment(case=case, actor=manager)
    from fitforwork.consent.services import consent_give

    consent = consent_give(
        person=case.person, purpose="share_plan", how="verbal", recipient=practice, plan_version_id=draft.pk,
        actor=manager,
    )  # fmt: skip
    draft.refresh_from_db()
    agreed_version(draft, manager)
    letter = Letter.objects.get(case=case, kind=Letter.Kind.PLAN_AGREED)
    letter_make_later.call(str(letter.pk))  # the worker makes it and queues its email
    letter.refresh_from_db()
    assert letter.message is not None
    assert letter.message.status == "queued"
    services.plan_share_withdraw(case=case, consent=consent, how="verbal", actor=manager)
    letter.message.refresh_from_db()
    assert letter.message.status == "cancelled"
    assert practice.name in letter.message.cancelled_reason


def test_withdrawing_consent_before_the_plan_letter_is_made_cancels_it_unmade(manager, employee):
    from fitforwork.cases.letters import letter_make_later, practice_for
    from fitforwork.cases.models import Letter
    from fitforwork.consent.services import consent_give

    case = employee
    practice = practice_for(case)
    draft = plan_services.plan_create_from_assessment(case=case, actor=manager)
    consent = consent_give(
        person=case.person, purpose="share_plan", how="verbal", recipient=practice, plan_version_id=draft.pk,
        actor=manager,
    )  # fmt: skip
    draft.refresh_from_db()
    agreed_version(draft, manager)
    letter = Letter.objects.get(case=case, kind=Letter.Kind.PLAN_AGREED)
    assert letter.status == Letter.Status.PENDING
    services.plan_share_withdraw(case=case, consent=consent, how="verbal", actor=manager)
    letter_make_later.call(str(letter.pk))  # the worker comes round after the withdrawal
    letter.refresh_from_db()
    assert letter.status == Letter.Status.CANCELLED
    assert letter.pdf is None
    assert letter.message is None
    assert practice.name in letter.not_sent_reason


def test_the_portal_is_in_the_employers_header_on_every_page(employer_user):
    page = as_user(employer_user).get(reverse("referrals:list")).content.decode()
    header = page.split("</header>")[0]
    assert f'href="{reverse("employers:employees")}"' in header
    assert "Employees&#39; plans" in header


def test_a_recommendation_ending_in_a_full_stop_is_asked_about_with_one():
    form = ResponseForm(recommendations=[("a", "Start on half days and build up over three weeks.")])
    label = form.fields["rec_a"].label
    assert label == "Recommendation 1: Start on half days and build up over three weeks. Was it put in place?"
