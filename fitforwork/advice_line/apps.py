from django.apps import AppConfig


class AdviceLineConfig(AppConfig):
    name = "fitforwork.advice_line"
    label = "advice_line"
    verbose_name = "Advice line"
