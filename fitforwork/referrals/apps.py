from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "fitforwork.referrals"
    label = "referrals"
    verbose_name = "Referrals"
