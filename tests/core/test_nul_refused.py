"""A NUL character never reaches the database: forms refuse it in their own fields and never read the rest."""

import inspect
import pkgutil
from importlib import import_module

import pytest
from django import forms
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

import fitforwork
from fitforwork.accounts.models import Role
from fitforwork.cases.models import Contact
from fitforwork.core.forms import DateField, ServiceForm, ServiceFormMixin, nul_message
from fitforwork.core.middleware import NulCharacter, NulGuardMiddleware, refuse_nul
from fitforwork.referrals.models import Submission
from tests.accounts.factories import UserFactory
from tests.cases.conftest import open_case
from tests.conftest import sign_in_with_two_factor
from tests.referrals.conftest import workwell_site  # noqa: F401  # shared fixture


class _Form(ServiceForm):
    name = forms.CharField(label="First name")
    born = DateField(label="Date of birth", required=False)
    agreed = forms.BooleanField(label="I agree", required=False)


def test_a_nul_in_a_forms_own_field_is_refused_with_a_message_naming_the_field():
    form = _Form(data={"name": "Al\x00ex", "agreed": "yes\x00"})

    assert not form.is_valid()
    assert form.errors["name"] == [nul_message("First name")]
    assert form.errors["agreed"] == [nul_message("I agree")]  # a tick box would otherwise take it as "yes"


def test_a_nul_in_one_box_of_a_date_is_refused_on_the_date():
    form = _Form(data={"name": "Alex", "born_day": "1\x00", "born_month": "2", "born_year": "1980"})

    assert not form.is_valid()
    assert form.errors["born"] == [nul_message("Date of birth")]


def test_a_form_reads_only_its_own_fields():
    form = _Form(data={"name": "Alex", "born_day": "1", "born_month": "2", "born_year": "1980", "extra": "a\x00b"})

    assert form.is_valid()
    assert form.own_data() == {"name": "Alex", "born_day": "1", "born_month": "2", "born_year": "1980"}


def test_every_form_in_the_service_refuses_nul():
    for module in pkgutil.walk_packages(fitforwork.__path__, "fitforwork."):
        if module.name.endswith(("forms", "admin", "interventions", "invitations", "duplicates")):
            import_module(module.name)
    found = []
    stack = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("fitforwork.") and not issubclass(cls, ServiceFormMixin):
            found.append(f"{cls.__module__}.{cls.__name__}")
    assert found == []
    assert len([c for c in ServiceForm.__subclasses__() if inspect.getmodule(c)]) > 10


def test_a_query_with_a_nul_parameter_is_refused_before_it_is_sent():
    sent = []

    def execute(*args):
        sent.append(args)

    with pytest.raises(NulCharacter):
        refuse_nul(execute, "SELECT %s", ["a\x00b"], False, {})
    with pytest.raises(NulCharacter):
        refuse_nul(execute, "INSERT", [({"answers": {"x\x00": "y"}},)], True, {})
    refuse_nul(execute, "SELECT %s", ["ab"], False, {})
    assert len(sent) == 1


@pytest.mark.django_db
def test_a_nul_in_the_sign_in_form_is_an_error_on_the_form_not_a_server_error(client):
    response = client.post(reverse("accounts:sign-in"), {"username": "a\x00@example.org", "password": "x\x00y"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert nul_message("Email address") in html.replace("&#x27;", "'")


@pytest.mark.django_db
def test_a_nul_in_the_case_contact_form_is_refused_on_the_form_and_nothing_is_recorded(client, workwell_site):  # noqa: F811
    manager = UserFactory(role=Role.CASE_MANAGER, site=workwell_site, with_device=True)
    case = open_case(workwell_site, manager, case_manager=manager)
    sign_in_with_two_factor(client, manager)
    today = timezone.localdate()
    data = {"method": "video", "outcome": "made", "on_day": today.day, "on_month": today.month}
    data |= {"on_year": today.year, "at_time": "00:01", "note": "Agreed\x00", "extra": "a\x00b"}

    response = client.post(reverse("cases:contact-add", args=[case.pk]), data)

    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()
    assert not Contact.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_inside_a_request_a_query_carrying_a_nul_is_refused_as_a_bad_request(rf):
    # The net below the forms: whatever path a NUL takes in a view, the query carrying it is refused (400).
    def view(request):
        Submission.objects.filter(idempotency_key=request.GET["q"]).exists()
        return HttpResponse("stored")

    with pytest.raises(NulCharacter):
        NulGuardMiddleware(view)(rf.get("/", {"q": "a\x00b"}))
    assert NulGuardMiddleware(view)(rf.get("/", {"q": "ab"})).content == b"stored"
    assert issubclass(NulCharacter, BadRequest)  # which Django answers with the bad-request page


def test_the_nul_guard_wraps_every_request_including_the_session_save(settings):
    middleware = list(settings.MIDDLEWARE)
    guard = middleware.index("fitforwork.core.middleware.NulGuardMiddleware")

    assert guard < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
