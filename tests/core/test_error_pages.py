"""`make run` sets DEBUG=true; people trying the service still see its own 404 and 500 pages, not Django's."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import include, path

pytestmark = pytest.mark.django_db


@login_not_required
def _broken(request):
    raise RuntimeError("a bug")


@login_not_required
def _missing(request):
    raise Http404("No such case")


urlpatterns = [
    path("broken/", _broken),
    path("missing/", _missing),
    path("", include("config.urls")),
]
handler404 = "fitforwork.core.views.page_not_found"
handler500 = "fitforwork.core.views.server_error"


@pytest.fixture
def as_make_run(settings):
    settings.DEBUG = True  # what the Makefile's run target exports
    settings.ROOT_URLCONF = __name__
    return settings


def test_an_unknown_address_shows_the_services_page_not_found_with_debug_on(client, as_make_run):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert "nhsuk-header" in page
    assert "Using the URLconf" not in page  # Django's debug page lists every URL pattern


def test_a_view_that_finds_nothing_shows_the_services_page_not_found_with_debug_on(client, as_make_run):
    response = client.get("/missing/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "No such case" not in response.content.decode()


def test_an_address_without_its_slash_is_still_redirected_with_debug_on(client, as_make_run):
    response = client.get("/refer-yourself")
    assert response.status_code == 301
    assert response["Location"] == "/refer-yourself/"


def test_an_error_shows_the_services_problem_page_and_logs_the_traceback_with_debug_on(client, as_make_run, caplog):
    response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page
    assert "RuntimeError: a bug" in caplog.text


def test_django_debug_pages_come_back_when_asked_for(client, as_make_run):
    as_make_run.SHOW_DEBUG_ERROR_PAGES = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "URLconf" in response.content.decode()


def test_with_debug_off_the_service_pages_are_used_as_before(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
