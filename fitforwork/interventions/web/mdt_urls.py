"""URLs for the multidisciplinary team pages of a case; see urls.py."""

from django.urls import URLPattern, path

from fitforwork.interventions.web import mdt

urlpatterns: list[URLPattern] = [
    path("<uuid:case_id>/team/", mdt.team_section, name="case-team"),
    path("<uuid:case_id>/care-team/", mdt.care_team, name="care-team"),
    path("<uuid:case_id>/mdt-notes/", mdt.mdt_notes, name="mdt-notes"),
    path("<uuid:case_id>/onward-referrals/", mdt.onward_referrals, name="onward-referrals"),
    path(
        "<uuid:case_id>/onward-referrals/<uuid:referral_id>/",
        mdt.onward_referral_update,
        name="onward-referral-update",
    ),
]
