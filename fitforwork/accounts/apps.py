from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fitforwork.accounts"
    label = "accounts"
    verbose_name = "Accounts"
