from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "fitforwork.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"
