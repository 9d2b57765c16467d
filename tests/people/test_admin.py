import pytest
from django.urls import reverse

from fitforwork.accounts.models import Role
from fitforwork.core.audit.models import AuditEvent
from fitforwork.people.models import Person
from tests.accounts.factories import UserFactory
from tests.conftest import admin_form_data, sign_in_with_two_factor
from tests.organisations.factories import OrganisationFactory
from tests.people.factories import ConditionFactory, EmploymentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, with_device=True)


@pytest.fixture
def admin_browser(client, administrator):
    # Staff need two-factor authentication, so sign in as an administrator really would.
    return sign_in_with_two_factor(client, administrator)


def test_opening_a_person_in_admin_is_audited_as_a_read(admin_browser, administrator):
    person = PersonFactory()
    url = reverse("admin:people_person_change", args=[person.pk])
    response = admin_browser.get(url)
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="people.person.viewed")
    assert event.object_id == str(person.pk)
    assert event.actor_id == administrator.pk
    assert event.data == {"path": url}


def test_the_person_list_is_audited_with_the_search(admin_browser):
    PersonFactory(family_name="Shah")
    response = admin_browser.get(reverse("admin:people_person_changelist"), {"q": "Shah"})
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="people.person.listed").data["search"] == "Shah"


def test_person_admin_shows_nhs_numbers_three_three_four(admin_browser):
    PersonFactory(nhs_number="9434765919")
    response = admin_browser.get(reverse("admin:people_person_changelist"))
    assert "943 476 5919" in response.content.decode()


def test_adding_a_person_with_their_job_in_admin_goes_through_the_services(admin_browser, administrator):
    url = reverse("admin:people_person_add")
    data = admin_form_data(admin_browser.get(url).content.decode(), "person_form")
    employer = OrganisationFactory(employer=True)
    data.update(
        {
            "nhs_number": "943 476 5919",
            "given_name": "Priya",
            "family_name": "Shah",
            "date_of_birth": "1980-03-09",
            "employments-TOTAL_FORMS": "1",
            "employments-0-status": "employed_off_sick",
            "employments-0-employer": str(employer.pk),
            "employments-0-absence_start": "2026-11-02",
            "employments-0-is_current": "on",
        }
    )
    response = admin_browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:4000]
    person = Person.objects.get()
    assert person.nhs_number == "9434765919"
    assert person.created_by == administrator
    assert person.employments.get().employer == employer
    actions = list(AuditEvent.objects.filter(action__startswith="people.").values_list("action", flat=True))
    assert actions == ["people.person_created", "people.employment_added"]


def test_an_nhs_number_with_a_wrong_check_digit_is_shown_on_the_field(admin_browser):
    url = reverse("admin:people_person_add")
    data = admin_form_data(admin_browser.get(url).content.decode(), "person_form")
    data.update(nhs_number="943 476 5918", given_name="Priya", family_name="Shah", date_of_birth="1980-03-09")
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["nhs_number"]
    assert errors == ["Enter a valid NHS number: the one given does not exist"]
    assert not Person.objects.exists()


def test_off_sick_without_absence_start_is_shown_on_the_inline(admin_browser):
    person = PersonFactory()
    url = reverse("admin:people_person_change", args=[person.pk])
    data = admin_form_data(admin_browser.get(url).content.decode(), "person_form")
    data.update({"employments-TOTAL_FORMS": "1", "employments-0-status": "employed_off_sick"})
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    assert "Enter the first day off sick" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert not person.employments.exists()


def test_editing_a_person_in_admin_audits_the_changed_fields(admin_browser):
    person = PersonFactory(town="")
    EmploymentFactory(person=person)
    ConditionFactory(person=person)
    url = reverse("admin:people_person_change", args=[person.pk])
    data = admin_form_data(admin_browser.get(url).content.decode(), "person_form")
    data.update({"town": "Leicester", "conditions-0-description": "Neck pain"})
    response = admin_browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[:4000]
    assert AuditEvent.objects.get(action="people.person_updated").data == {"changed": ["town"]}
    assert AuditEvent.objects.get(action="people.condition_updated").data == {"changed": ["description"]}
    assert not AuditEvent.objects.filter(action="people.employment_updated").exists()
    assert person.conditions.get().description == "Neck pain"


def test_people_cannot_be_deleted_in_admin(admin_browser):
    person = PersonFactory()
    response = admin_browser.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()
