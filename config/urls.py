"""The URL table. Every URL needs sign-in unless its view is marked `login_not_required`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.http import urlencode

from fitforwork.accounts.models import Role
from fitforwork.api.fhir import views as fhir_views


@login_not_required
def admin_sign_in(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Superusers sign in through the service's own sign-in, with two-factor authentication.

    Anyone already signed in and past two-factor who is not a superuser is refused, not sent round again.
    """
    user = request.user
    if user.is_authenticated and user.two_factor_done and not user.is_superuser:  # type: ignore[union-attr]
        raise PermissionDenied("The Django admin is for superusers only. Use the administration pages instead.")
    return redirect(
        f"{reverse('accounts:sign-in')}?{urlencode({'next': request.GET.get('next', reverse('admin:index'))})}"
    )


def admin_has_permission(request: HttpRequest) -> bool:
    """Only superusers (always administrators), and only once this session has passed two-factor authentication."""
    user = request.user
    if not (user.is_active and user.is_superuser and getattr(user, "role", None) == Role.ADMINISTRATOR):
        return False
    return user.two_factor_done  # type: ignore[union-attr]


admin.site.login = admin_sign_in  # type: ignore[method-assign]
admin.site.has_permission = admin_has_permission  # type: ignore[method-assign]
admin.site.site_header = "Fit for Work administration"
admin.site.site_title = "Fit for Work administration"
admin.site.index_title = "Records for superusers"

urlpatterns = [
    # First: the API's busiest path (referral intake) is then matched before the pages' many patterns are tried.
    path("fhir/R4", fhir_views.root, name="fhir-base"),  # POST [base] without the trailing slash
    path("fhir/R4/", include("fitforwork.api.fhir.urls")),
    path("", include("fitforwork.core.urls")),
    path("", include("fitforwork.accounts.urls")),
    path("referrals/", include("fitforwork.referrals.web.urls")),
    path("refer-yourself/", include("fitforwork.referrals.self_referral.urls")),
    path("questionnaire/", include("fitforwork.assessments.web.client_urls")),
    path("outcome/", include("fitforwork.outcomes.web.client_urls")),
    path("cases/", include("fitforwork.cases.web.urls")),
    path("employer/", include("fitforwork.employers.urls")),
    path("administration/", include("fitforwork.administration.urls")),
    path("", include("fitforwork.administration.invitation_urls")),
    path("data-protection/", include("fitforwork.dataprotection.urls")),
    path("advice-line/", include("fitforwork.advice_line.web.urls")),
    path("advice-line-chat/", include("fitforwork.advice_line.web.public_urls")),
    path("administration/advice-line/", include("fitforwork.advice_line.web.admin_urls")),
    # Django's own admin, for superusers only; administrators use the administration pages above.
    path("django-admin/", admin.site.urls),
]

handler400 = "fitforwork.core.views.bad_request"
handler403 = "fitforwork.core.views.permission_denied"
handler404 = "fitforwork.core.views.page_not_found"
handler500 = "fitforwork.core.views.server_error"
