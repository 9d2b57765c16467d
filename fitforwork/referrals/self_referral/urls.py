from django.urls import path

from fitforwork.referrals.self_referral import views
from fitforwork.referrals.self_referral.forms import PAGES

app_name = "self_referral"

urlpatterns = [
    path("", views.start, name="start"),
    # One named address per question, so each public page is declared on purpose (tests/test_url_table.py).
    *(path(f"{page.slug}/", views.question, {"slug": page.slug}, name=page.slug) for page in PAGES),
    path("outside-area/", views.outside_area, name="outside-area"),
    path("check-your-answers/", views.check, name="check"),
    path("referral-sent/", views.confirmation, name="confirmation"),
    path("we-could-not-refer-you/", views.refused, name="refused"),
]
