from django.urls import path

from fitforwork.referrals.web import duplicates, letters, views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.refer, name="new"),
    path("<uuid:pk>/", views.referral_detail, name="detail"),
    path("<uuid:pk>/sent/", views.sent, name="sent"),
    path("<uuid:pk>/letters/<uuid:letter_id>/", letters.referral_letter, name="letter"),
    path("<uuid:pk>/letters/<uuid:letter_id>/pdf/", letters.referral_letter_pdf, name="letter-pdf"),
    path("triage/", views.triage, name="triage"),
    path("triage/<uuid:pk>/", views.triage_referral, name="triage-referral"),
    path("triage/<uuid:pk>/duplicate/", duplicates.duplicate_check, name="triage-duplicate"),
    path("triage/<uuid:pk>/nhs-number/", views.nhs_number_check, name="nhs-number-check"),
]
