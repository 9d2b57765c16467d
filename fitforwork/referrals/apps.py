from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "fitforwork.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from fitforwork.referrals import signals

        signals.connect()
