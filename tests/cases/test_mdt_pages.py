"""The care team, MDT notes and onward referral pages, as the people who use them would."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fitforwork.accounts.models import Role
from fitforwork.cases.models import CareTeamMember, MdtNote
from fitforwork.core.audit.models import AuditEvent
from fitforwork.interventions.models import Intervention, OnwardReferral
from fitforwork.interventions.services import intervention_presets_load
from fitforwork.referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor

pytestmark = pytest.mark.django_db
PAGES = ["cases:care-team", "cases:mdt-notes", "cases:onward-referrals"]


def signed_in(user) -> Client:
    return sign_in_with_two_factor(Client(), user)


def today_parts(prefix: str) -> dict[str, str]:
    today = timezone.localdate()
    return {f"{prefix}_day": str(today.day), f"{prefix}_month": str(today.month), f"{prefix}_year": str(today.year)}


@pytest.fixture
def manager(workwell_site):
    return UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)


@pytest.fixture
def physio(workwell_site):
    return UserFactory(role=Role.PRACTITIONER, site=workwell_site, with_device=True, first_name="Mei", last_name="Chen")


@pytest.fixture
def case(workwell_site, manager):
    return open_case(workwell_site, manager, case_manager=manager)


def _no_access(response) -> bool:
    """Someone with no relationship is sent to the case page (break-glass) or, without one, told 404."""
    try:
        case_page = reverse("cases:case", args=[response.wsgi_request.resolver_match.kwargs["case_id"]])
    except NoReverseMatch:
        return response.status_code == 404
    return response.status_code == 302 and response["Location"] == case_page


def test_the_case_manager_adds_a_physiotherapist_who_then_sees_this_case_and_not_another(
    workwell_site, case, manager, physio
):
    other = open_case(workwell_site, manager, case_manager=manager, given_name="Robin")
    physio_client = signed_in(physio)
    for name in PAGES:
        assert _no_access(physio_client.get(reverse(name, args=[case.pk])))

    client = signed_in(manager)
    page = client.get(reverse("cases:care-team", args=[case.pk]))
    assert page.status_code == 200
    assert "No one is in the care team yet" in page.content.decode()
    response = client.post(
        reverse("cases:care-team", args=[case.pk]),
        {"action": "add", "user": str(physio.pk), "discipline": "physiotherapist"},
    )
    assert response.status_code == 302
    assert CareTeamMember.objects.filter(case=case, user=physio, removed_at__isnull=True).exists()
    listed = client.get(reverse("cases:care-team", args=[case.pk])).content.decode()
    assert "Mei Chen" in listed
    assert "Physiotherapist" in listed

    for name in PAGES:
        assert physio_client.get(reverse(name, args=[case.pk])).status_code == 200
        assert _no_access(physio_client.get(reverse(name, args=[other.pk])))
    assert AuditEvent.objects.filter(
        action="cases.case.viewed", object_id=str(case.pk), actor_id=physio.pk, data__relationship="care_team"
    ).exists()


def test_adding_without_choosing_shows_the_error_summary(case, manager):
    response = signed_in(manager).post(reverse("cases:care-team", args=[case.pk]), {"action": "add"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Select who to add to the care team" in body
    assert "Select their discipline" in body


def test_a_care_team_member_cannot_change_the_care_team(case, manager, physio):
    signed_in(manager).post(
        reverse("cases:care-team", args=[case.pk]), {"action": "add", "user": str(physio.pk), "discipline": "oh_nurse"}
    )
    physio_client = signed_in(physio)
    page = physio_client.get(reverse("cases:care-team", args=[case.pk])).content.decode()
    assert "Add someone to the care team" not in page
    member = CareTeamMember.objects.get(case=case, user=physio)
    response = physio_client.post(reverse("cases:care-team", args=[case.pk]), {"action": "remove", "member": member.pk})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.removed_at is None


def test_the_case_manager_removes_a_member_who_then_loses_access(case, manager, physio):
    client = signed_in(manager)
    client.post(
        reverse("cases:care-team", args=[case.pk]), {"action": "add", "user": str(physio.pk), "discipline": "oh_nurse"}
    )
    member = CareTeamMember.objects.get(case=case, user=physio)
    response = client.post(reverse("cases:care-team", args=[case.pk]), {"action": "remove", "member": member.pk})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.removed_by == manager
    assert _no_access(signed_in(physio).get(reverse("cases:mdt-notes", args=[case.pk])))


@pytest.mark.parametrize("role", [Role.GP, Role.EMPLOYER, Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_people_who_are_not_clinical_staff_never_learn_the_case_exists(case, role, workwell_site):
    extra = {"is_staff": True} if role == Role.ADMINISTRATOR else {}
    client = signed_in(UserFactory(role=role, site=workwell_site, with_device=True, **extra))
    for name in PAGES:
        assert client.get(reverse(name, args=[case.pk])).status_code == 404


def test_mdt_notes_are_listed_newest_first_and_errors_are_summarised(case, manager):
    client = signed_in(manager)
    url = reverse("cases:mdt-notes", args=[case.pk])
    response = client.post(url, {"attendees": "", "note": ""})
    assert response.status_code == 400
    assert "Enter who took part in the discussion" in response.content.decode()
    MdtNote.objects.create(
        case=case, discussed_on=date(2026, 1, 5), attendees="Earlier team", note="Earlier talk", author=manager
    )
    response = client.post(
        url, {**today_parts("discussed_on"), "attendees": "Daniel (case manager)", "note": "Later talk", "actions": ""}
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert body.index("Later talk") < body.index("Earlier talk")


def test_the_case_manager_requests_an_onward_referral_and_moves_it_to_started(case, manager):
    Referral.objects.filter(pk=case.referral_id).update(received_at=timezone.now() - timedelta(days=3))
    case.referral.refresh_from_db()
    intervention_presets_load(actor=None)
    physio = Intervention.objects.get(kind="physiotherapy")
    client = signed_in(manager)
    url = reverse("cases:onward-referrals", args=[case.pk])
    page = client.get(url).content.decode()
    assert physio.provider in page
    assert f"usually starts within {physio.typical_wait_days} days" in page
    assert "No intervention has started yet" in page

    missing = client.post(url, {**today_parts("requested_on")})
    assert missing.status_code == 400
    assert "Select an intervention" in missing.content.decode()

    assert (
        client.post(url, {"intervention": str(physio.pk), **today_parts("requested_on"), "note": ""}).status_code == 302
    )
    onward = OnwardReferral.objects.get(case=case)
    update = reverse("cases:onward-referral-update", args=[case.pk, onward.pk])
    refused = client.post(update, {"to": "started", **today_parts("on")})
    assert refused.status_code == 400  # started is not offered until accepted
    assert client.post(update, {"to": "accepted", **today_parts("on")}).status_code == 302
    assert client.post(update, {"to": "started", **today_parts("on")}).status_code == 302
    onward.refresh_from_db()
    assert onward.status == "started"
    body = client.get(url).content.decode()
    assert "Started" in body
    assert "3 days from referral to the first intervention starting" in body


def test_declining_needs_a_reason_on_the_page(case, manager):
    intervention_presets_load(actor=None)
    client = signed_in(manager)
    client.post(
        reverse("cases:onward-referrals", args=[case.pk]),
        {"intervention": str(Intervention.objects.get(kind="debt_advice").pk), **today_parts("requested_on")},
    )
    onward = OnwardReferral.objects.get(case=case)
    response = client.post(
        reverse("cases:onward-referral-update", args=[case.pk, onward.pk]), {"to": "declined", **today_parts("on")}
    )
    assert response.status_code == 400
    assert "Enter why the referral was declined" in response.content.decode()
    onward.refresh_from_db()
    assert onward.status == "requested"


def test_the_pages_take_the_same_number_of_queries_however_much_the_case_holds(case, manager, physio, workwell_site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fitforwork.cases.mdt import care_team_add, mdt_note_add
    from fitforwork.interventions.services import onward_referral_request

    intervention_presets_load(actor=None)
    client = signed_in(manager)
    directory = list(Intervention.objects.all())

    def counts() -> list[int]:
        result = []
        for name in PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=[case.pk])).status_code == 200
            result.append(len(queries))
        return result

    care_team_add(case=case, user=physio, discipline="physiotherapist", actor=manager)
    mdt_note_add(case=case, actor=manager, discussed_on=timezone.localdate(), attendees="A", note="B")
    onward_referral_request(case=case, intervention=directory[0], actor=manager)
    few = counts()
    for number in range(4):
        extra = UserFactory(role=Role.PRACTITIONER, site=workwell_site)
        care_team_add(case=case, user=extra, discipline="oh_nurse", actor=manager)
        mdt_note_add(case=case, actor=manager, discussed_on=timezone.localdate(), attendees="A", note=f"Talk {number}")
        onward_referral_request(case=case, intervention=directory[number + 1], actor=manager)
    assert counts() == few


def test_the_care_team_form_does_not_ask_the_discipline_of_a_practitioner_who_has_one(workwell_site, case, manager):
    """A job title naming a discipline is enough: the person joins as that, with no question asked."""
    known = UserFactory(role=Role.PRACTITIONER, site=workwell_site, first_name="Ola", job_title="Physiotherapist")
    client = signed_in(manager)

    form_page = client.get(reverse("cases:care-team", args=[case.pk])).content.decode()
    assert "Ola" in form_page
    assert "(Physiotherapist)" in form_page
    assert 'name="discipline"' not in form_page  # everyone on the list has a known discipline

    response = client.post(reverse("cases:care-team", args=[case.pk]), {"action": "add", "user": str(known.pk)})
    assert response.status_code == 302
    assert CareTeamMember.objects.get(case=case, user=known).discipline == "physiotherapist"


def test_the_discipline_is_asked_only_of_someone_without_one(workwell_site, case, manager, physio):
    """The fixture's practitioner has no job title and has never been in a care team, so it is still asked."""
    client = signed_in(manager)

    assert 'name="discipline"' in client.get(reverse("cases:care-team", args=[case.pk])).content.decode()
    response = client.post(reverse("cases:care-team", args=[case.pk]), {"action": "add", "user": str(physio.pk)})
    assert response.status_code == 400
    assert "Select their discipline" in response.content.decode()
