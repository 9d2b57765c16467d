"""URLs for the Consent section of a case's record, included in the cases namespace (cases/web/urls.py)."""

from django.urls import URLPattern, path

from fitforwork.employers.web import case_consent

urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/consent/", case_consent.consent_page, name="case-consent"),
    path("<uuid:case_id>/consent/return-to-work/", case_consent.return_notice_page, name="case-consent-return"),
    path(
        "<uuid:case_id>/consent/<uuid:consent_id>/withdraw/",
        case_consent.consent_withdraw_page,
        name="case-consent-withdraw",
    ),
]
